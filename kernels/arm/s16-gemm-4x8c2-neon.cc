// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 4
// rows x 8 channels, ARMv7 NEON: vld2 + vmlal.s16 by lane (s16-gemm-neon.h). 8
// accumulators (q8-q15), 4 activation rows and 2 weight vectors fill the 16 q
// registers (the lane operand must be in d0-d7).
#include "kernels/arm/s16-gemm-arm.h"
#include "kernels/arm/s16-gemm-neon.h"

namespace octet {

void s16_gemm_4x8c2__neon(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                          int32_t* c, size_t c_stride) {
  s16_gemm_neon<4>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace octet

// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 6
// rows x 8 channels, AArch64 NEON: ld2 + smlal/smlal2 by lane (s16-gemm-neon.h).
// 12 accumulators, 6 activation rows (the lane operand must sit in v0-v15) and two
// ld2 pairs in flight: 22 of the 32 vector registers; each ld2 feeds 6 rows. 8 rows
// (28 registers) made GCC 12 copy and spill registers in the loop.
#include "kernels/arm/s16-gemm-arm.h"
#include "kernels/arm/s16-gemm-neon.h"

namespace octet {

void s16_gemm_6x8c2__neon(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                          int32_t* c, size_t c_stride) {
  s16_gemm_neon<6>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace octet

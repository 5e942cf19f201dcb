// int8 x int16-weight GEMM (products of two activations), tile 4 rows x 8 channels,
// ARMv7 NEON (16 q registers): vmovl, vld2 + vmlal.s16 by lane, requantization fused
// (qs8-gemm-c2-neon.h).
#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/qs8-gemm-c2-neon.h"

namespace octet {

void qs8_gemm_4x8c2__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  qs8_gemm_c2_neon<4>(mr, nc, kc, a, a_stride, w, c, c_stride, out);
}

}  // namespace octet

// int8 x int16-weight GEMM (products of two activations), tile 6 rows x 8 channels,
// AArch64 NEON: sxtl, ld2 + smlal/smlal2 by lane, requantization fused
// (qs8-gemm-c2-neon.h).
#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/qs8-gemm-c2-neon.h"

namespace octet {

void qs8_gemm_6x8c2__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  qs8_gemm_c2_neon<6>(mr, nc, kc, a, a_stride, w, c, c_stride, out);
}

}  // namespace octet

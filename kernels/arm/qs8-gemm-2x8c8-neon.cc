// int8 GEMM, tile 2 rows x 8 channels, k in runs of 8, AArch64 ARMv8.0 NEON (smull +
// sadalp; qs8-gemm-c8-neon.h): 16 accumulators of the 32 vector registers.
#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/qs8-gemm-c8-neon.h"

namespace octet {

void qs8_gemm_2x8c8__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  qs8_gemm_c8_neon<2, 8>(mr, nc, kc, a, a_stride, w, c, c_stride, out);
}

}  // namespace octet

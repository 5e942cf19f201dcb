// int8 GEMM, tile 2 rows x 4 channels, k in runs of 8, ARMv7 NEON (smull + sadalp;
// qs8-gemm-c8-neon.h): 8 accumulators, so the tile fits ARMv7's 16 q registers.
#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/qs8-gemm-c8-neon.h"

namespace octet {

void qs8_gemm_2x4c8__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  qs8_gemm_c8_neon<2, 4>(mr, nc, kc, a, a_stride, w, c, c_stride, out);
}

}  // namespace octet

// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 6
// rows x 16 channels, AVX2: vpmaddwd sums channel pairs, vpaddd accumulates with
// wrap-around (exact by the bound of kernels/pack/qs8-winograd-layout.h).
#include "kernels/x86/s16-gemm-x86.h"
#include "kernels/x86/s16-gemm-ymm.h"

namespace octet {

namespace {

struct MaddAdd {
  static void mac(__m256i& acc, __m256i x, __m256i w) { acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, w)); }
};

}  // namespace

void s16_gemm_6x16c2__avx2(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                           int32_t* c, size_t c_stride) {
  s16_ymm_gemm<MaddAdd>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace octet

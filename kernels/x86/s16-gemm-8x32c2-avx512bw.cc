// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 8
// rows x 32 channels, AVX-512BW: vpmaddwd sums channel pairs, vpaddd accumulates
// with wrap-around (exact by the bound of kernels/pack/qs8-winograd-layout.h).
#include "kernels/x86/s16-gemm-x86.h"
#include "kernels/x86/s16-gemm-zmm.h"

namespace octet {

namespace {

struct MaddAdd {
  static void mac(__m512i& acc, __m512i x, __m512i w) { acc = _mm512_add_epi32(acc, _mm512_madd_epi16(x, w)); }
};

}  // namespace

void s16_gemm_8x32c2__avx512bw(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                               int32_t* c, size_t c_stride) {
  s16_zmm_gemm<MaddAdd>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace octet

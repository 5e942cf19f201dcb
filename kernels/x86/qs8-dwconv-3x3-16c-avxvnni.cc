// int8 depthwise convolution, 3x3 window, 16 channels per block,
// AVX2 + AVX-VNNI: two taps per int32 lane with vpdpwssd (multiply pairs and
// accumulate in one instruction). The row walk is in qs8-dwconv-avx2.h;
// requantization fused.
#include "kernels/x86/qs8-dwconv-avx2.h"
#include "kernels/x86/qs8-dwconv-x86.h"

namespace octet {

namespace {

struct MacAvxVnni {
  static __m256i mac(__m256i acc, __m256i x, __m256i w) { return _mm256_dpwssd_avx_epi32(acc, x, w); }
};

}  // namespace

void qs8_dwconv_3x3_16c__avxvnni(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  dw_avx2<MacAvxVnni, 3, 3>(rows, out, packed, p);
}

}  // namespace octet

// int8 depthwise convolution, 5x5 window, 32 channels per block,
// AVX-512 VNNI: two taps per int32 lane with vpdpwssd (multiply pairs and
// accumulate in one instruction). The row walk is in qs8-dwconv-avx512.h;
// requantization fused.
#include "kernels/x86/qs8-dwconv-avx512.h"
#include "kernels/x86/qs8-dwconv-x86.h"

namespace octet {

namespace {

struct MacAvx512vnni {
  static __m512i mac(__m512i acc, __m512i x, __m512i w) { return _mm512_dpwssd_epi32(acc, x, w); }
};

}  // namespace

void qs8_dwconv_5x5_32c__avx512vnni(const int8_t* const* rows, int8_t* out, const void* packed,
                                    const QS8DwConvRow& p) {
  dw_avx512<MacAvx512vnni, 5, 5>(rows, out, packed, p);
}

}  // namespace octet

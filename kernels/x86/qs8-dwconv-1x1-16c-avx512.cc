// 1x1 depthwise convolution, 16 channels per vector, AVX-512F/BW: widen to int32,
// one vpmulld and one add per 16 outputs, the requantization of requantize-avx512.h.
#include <immintrin.h>

#include "kernels/qs8-dwconv1x1-config.h"
#include "kernels/x86/requantize-avx512.h"

namespace octet {

void qs8_dwconv_1x1_16c__avx512(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                                const QS8GemmOutput& out) {
  const size_t cp = qs8_dwconv1x1_packed_ints(channels) / 4;
  const RequantOutAvx512 ro = requant_out_avx512(out.zero_point, out.qmin, out.qmax);
  for (size_t c0 = 0; c0 < channels; c0 += 16) {
    const size_t n = channels - c0 < 16 ? channels - c0 : 16;
    const __mmask16 mask = n == 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1);
    const __m512i bias = _mm512_loadu_si512(packed + c0);
    const __m512i w = _mm512_loadu_si512(packed + cp + c0);
    const RequantLanesAvx512 r = requant_lanes_avx512(packed + 2 * cp + c0, packed + 3 * cp + c0);
    const int8_t* xp = x + c0;
    int8_t* yp = y + c0;
    for (size_t p = 0; p < pixels; ++p, xp += channels, yp += channels) {
      const __m512i v = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, xp));
      const __m512i acc = _mm512_add_epi32(bias, _mm512_mullo_epi32(v, w));
      _mm_mask_storeu_epi8(yp, mask, requant_pack_avx512(requant_avx512(acc, r, ro)));
    }
  }
}

}  // namespace octet

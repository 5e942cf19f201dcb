// AveragePool / GlobalAveragePool of one output pixel, 32 channels per step, AVX-512
// BW: the window's bytes summed in int16 (at most 256 at a time), widened to int32,
// the zero point's share (zi * pixels) taken off, and the requantization of
// requantize-avx512.h: exactly qs8_avgpool2d__reference; tails with masked loads.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx512.h"

namespace octet {

void qs8_avgpool_32__avx512bw(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y) {
  const RequantLanesAvx512 rl = requant_lanes_uniform_avx512(p.m.m0, p.m.shift);
  const RequantOutAvx512 ro = requant_out_avx512(p.output_zero_point, p.qmin, p.qmax);
  const int32_t correction = p.input_zero_point * static_cast<int32_t>(w.rows * w.cols);
  for (size_t c = 0; c < channels; c += 32) {
    const size_t n = channels - c < 32 ? channels - c : 32;
    const __mmask32 mask = n == 32 ? ~__mmask32(0) : (__mmask32(1) << n) - 1;
    __m512i acc0 = _mm512_set1_epi32(-correction), acc1 = acc0;
    __m512i s = _mm512_setzero_si512();
    int pending = 0;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) {
        s = _mm512_add_epi16(s, _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, px)));
        if (++pending == 256) {
          acc0 = _mm512_add_epi32(acc0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(s)));
          acc1 = _mm512_add_epi32(acc1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s, 1)));
          s = _mm512_setzero_si512();
          pending = 0;
        }
      }
    }
    acc0 = _mm512_add_epi32(acc0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(s)));
    acc1 = _mm512_add_epi32(acc1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s, 1)));
    const __m128i y0 = requant_pack_avx512(requant_avx512(acc0, rl, ro));
    const __m128i y1 = requant_pack_avx512(requant_avx512(acc1, rl, ro));
    _mm_mask_storeu_epi8(y + c, static_cast<__mmask16>(mask), y0);
    _mm_mask_storeu_epi8(y + c + 16, static_cast<__mmask16>(mask >> 16), y1);
  }
}

}  // namespace octet

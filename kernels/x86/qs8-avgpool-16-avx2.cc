// AveragePool / GlobalAveragePool of one output pixel, 16 channels per step, AVX2:
// the window's bytes summed in int16 (at most 256 at a time, |sum| <= 32768), widened
// to int32, the zero point's share (zi * pixels) taken off, and the requantization of
// requantize-avx2.h: exactly qs8_avgpool2d__reference / qs8_global_avgpool__reference.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx2.h"

namespace octet {

void qs8_avgpool_16__avx2(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y) {
  const RequantLanesAvx2 rl = requant_lanes_uniform_avx2(p.m.m0, p.m.shift);
  const RequantOutAvx2 ro = requant_out_avx2(p.output_zero_point, p.qmin, p.qmax);
  // pixels <= 2^23 (GlobalAveragePool's bound) or 2^15 (AveragePool's): fits in int32.
  const int32_t correction = p.input_zero_point * static_cast<int32_t>(w.rows * w.cols);
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    __m256i acc0 = _mm256_set1_epi32(-correction), acc1 = acc0;
    __m256i s = _mm256_setzero_si256();
    int pending = 0;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) {
        s = _mm256_add_epi16(s, _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(px))));
        if (++pending == 256) {
          acc0 = _mm256_add_epi32(acc0, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)));
          acc1 = _mm256_add_epi32(acc1, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)));
          s = _mm256_setzero_si256();
          pending = 0;
        }
      }
    }
    acc0 = _mm256_add_epi32(acc0, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)));
    acc1 = _mm256_add_epi32(acc1, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)));
    const __m128i out = requant_pack16_avx2(requant_avx2(acc0, rl, ro), requant_avx2(acc1, rl, ro));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), out);
  }
  for (; c < channels; ++c) {
    int32_t sum = -correction;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) sum += *px;
    }
    y[c] = requantize_s8(sum, p.m.m0, p.m.shift, p.output_zero_point, p.qmin, p.qmax);
  }
}

}  // namespace octet

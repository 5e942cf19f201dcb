// MaxPool of one output pixel, 32 channels per step, AVX2: the byte maximum over the
// clipped window (from -128), then the clamp, exactly qs8_maxpool2d__reference.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

void qs8_maxpool_32__avx2(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y) {
  size_t c = 0;
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(qmin)), hi = _mm256_set1_epi8(static_cast<char>(qmax));
  for (; c + 32 <= channels; c += 32) {
    __m256i m = _mm256_set1_epi8(-128);
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) {
        m = _mm256_max_epi8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
      }
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + c), _mm256_min_epi8(_mm256_max_epi8(m, lo), hi));
  }
  if (c + 16 <= channels) {
    __m128i m = _mm_set1_epi8(-128);
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) {
        m = _mm_max_epi8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      }
    }
    m = _mm_min_epi8(_mm_max_epi8(m, _mm256_castsi256_si128(lo)), _mm256_castsi256_si128(hi));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), m);
    c += 16;
  }
  for (; c < channels; ++c) {
    int32_t m = -128;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) m = std::max<int32_t>(m, *p);
    }
    y[c] = static_cast<int8_t>(std::min(std::max(m, qmin), qmax));
  }
}

}  // namespace octet

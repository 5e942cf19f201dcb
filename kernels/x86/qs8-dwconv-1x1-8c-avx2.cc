// 1x1 depthwise convolution, 8 channels per vector, AVX2: widen to int32, one
// vpmulld and one add per 8 outputs, the requantization of requantize-avx2.h.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8-dwconv1x1-config.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {

void qs8_dwconv_1x1_8c__avx2(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                             const QS8GemmOutput& out) {
  const size_t cp = qs8_dwconv1x1_packed_ints(channels) / 4;
  const RequantOutAvx2 ro = requant_out_avx2(out.zero_point, out.qmin, out.qmax);
  for (size_t c0 = 0; c0 < channels; c0 += 8) {
    const size_t n = channels - c0 < 8 ? channels - c0 : 8;
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(packed + c0));
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(packed + cp + c0));
    const RequantLanesAvx2 r = requant_lanes_avx2(packed + 2 * cp + c0, packed + 3 * cp + c0);
    const int8_t* xp = x + c0;
    int8_t* yp = y + c0;
    for (size_t p = 0; p < pixels; ++p, xp += channels, yp += channels) {
      int64_t bytes = 0;
      std::memcpy(&bytes, xp, n);  // exactly the n channels of this pixel
      const __m256i v = _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bytes));
      const __m256i acc = _mm256_add_epi32(bias, _mm256_mullo_epi32(v, w));
      const __m128i q = requant_pack8_avx2(requant_avx2(acc, r, ro));
      const int64_t outb = _mm_cvtsi128_si64(q);
      std::memcpy(yp, &outb, n);
    }
  }
}

}  // namespace octet

// Quantize / Dequantize, 8 lanes, AVX2. Same operations as the reference:
// q = nearbyint(x / S) (IEEE division, ties to even), v = q + Z in float, NaN -> Z,
// v saturated to [-128, 127] (infinities included).
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8-quantize-config.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet {

void qs8_quantize_8__avx2(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const __m256 s = _mm256_set1_ps(scale), z = _mm256_set1_ps(static_cast<float>(zero_point));
  const __m256 lo = _mm256_set1_ps(-128.0f), hi = _mm256_set1_ps(127.0f);
  const __m256i zq = _mm256_set1_epi32(zero_point < -128 ? -128 : zero_point > 127 ? 127 : zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    __m256 q = _mm256_round_ps(_mm256_div_ps(v, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // max/min return their second operand for NaN; NaN lanes are replaced below.
    q = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(q, z), lo), hi);
    const __m256i r = _mm256_blendv_epi8(_mm256_cvttps_epi32(q), zq, nan);
    const __m128i p = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    const __m128i b = _mm_packs_epi16(p, p);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + i), b);
  }
  for (; i < n; ++i) y[i] = quantize_value_s8(x[i], scale, zero_point);
}

void qs8_dequantize_8__avx2(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i z = _mm256_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    int64_t v;
    std::memcpy(&v, x + i, 8);
    const __m256i q = _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(v));
    _mm256_storeu_ps(y + i, _mm256_mul_ps(s, _mm256_cvtepi32_ps(_mm256_sub_epi32(q, z))));
  }
  for (; i < n; ++i) y[i] = scale * static_cast<float>(int32_t{x[i]} - zero_point);
}

}  // namespace octet

// Quantize / Dequantize, 16 lanes, AVX-512F. Same operations as the reference:
// q = nearbyint(x / S) (IEEE division, ties to even), v = q + Z in float, NaN -> Z,
// v saturated to [-128, 127] (infinities included).
#include <immintrin.h>

#include <cmath>

#include "kernels/qs8-quantize-config.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet {

void qs8_quantize_16__avx512(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const __m512 s = _mm512_set1_ps(scale), z = _mm512_set1_ps(static_cast<float>(zero_point));
  const __m512 lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
  const __m512i zq = _mm512_set1_epi32(zero_point < -128 ? -128 : zero_point > 127 ? 127 : zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    __m512 q = _mm512_roundscale_ps(_mm512_div_ps(v, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    q = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(q, z), lo), hi);
    const __m512i r = _mm512_mask_blend_epi32(nan, _mm512_cvttps_epi32(q), zq);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm512_cvtepi32_epi8(r));
  }
  for (; i < n; ++i) y[i] = quantize_value_s8(x[i], scale, zero_point);
}

void qs8_dequantize_16__avx512(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i z = _mm512_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i q = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
    _mm512_storeu_ps(y + i, _mm512_mul_ps(s, _mm512_cvtepi32_ps(_mm512_sub_epi32(q, z))));
  }
  for (; i < n; ++i) y[i] = scale * static_cast<float>(int32_t{x[i]} - zero_point);
}

}  // namespace octet

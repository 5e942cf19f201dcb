// The short form of the requantization rule on 8 int32 lanes, AVX2, for blocks of
// channels whose shifts are all in [33, 54] (M in [2^-23, 2^-2), the common case).
// With k = shift - 32 and h the high 32 bits of acc * m0 (floor(acc * m0 / 2^32)),
//   floor((h + 2^(k-1) + Z * 2^k) / 2^k) = floor((acc * m0 + 2^(shift-1)) / 2^shift) + Z
// (adding an integer commutes with the floor, and a floor of a floor is one floor);
// |h| < 2^30 and |Z * 2^k| <= 2^29, so rounding, zero point and shift run on 32-bit
// lanes. The result is narrowed with saturation and clamped as bytes, which equals
// the reference's clamp because [qmin, qmax] lies inside [-128, 127]. Same rule as
// requantize-avx512.h's requant_high32_avx512; include only from -mavx2 files.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace octet {
namespace {

struct RequantHigh32Avx2 {
  __m256i m0_even, m0_odd;
  __m256i k;    // shift - 32, int32 lanes
  __m256i add;  // 2^(k-1) + Z * 2^k, int32 lanes
};

// False (r untouched) when some shift of the 8 lanes is outside [33, 54].
inline bool requant_high32_avx2(const int32_t* m0, const int32_t* shift, int32_t zero_point, RequantHigh32Avx2* r) {
  const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift));
  const __m256i out = _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(33), s),
                                      _mm256_cmpgt_epi32(s, _mm256_set1_epi32(54)));
  if (!_mm256_testz_si256(out, out)) return false;
  const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m0));
  r->m0_even = m;
  r->m0_odd = _mm256_srli_epi64(m, 32);
  r->k = _mm256_sub_epi32(s, _mm256_set1_epi32(32));
  const __m256i one = _mm256_set1_epi32(1);
  r->add = _mm256_add_epi32(_mm256_sllv_epi32(one, _mm256_sub_epi32(r->k, one)),
                            _mm256_sllv_epi32(_mm256_set1_epi32(zero_point), r->k));
  return true;
}

// 8 accumulators -> round(acc * M) + Z as int32 (not yet clamped).
inline __m256i requant_high32_unclamped_avx2(__m256i acc, const RequantHigh32Avx2& r) {
  const __m256i pe = _mm256_mul_epi32(acc, r.m0_even);
  const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.m0_odd);
  const __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
  return _mm256_srav_epi32(_mm256_add_epi32(h, r.add), r.k);
}

// 8 unclamped results -> 8 bytes (low half), saturated then clamped to [lo, hi].
inline __m128i requant_high32_pack8_avx2(__m256i y, __m128i lo, __m128i hi) {
  const __m128i p = _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  return _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(p, p), lo), hi);
}

}  // namespace
}  // namespace octet

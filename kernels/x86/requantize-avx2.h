// The requantization rule of docs/QUANTIZATION.md on 8 int32 lanes, AVX2:
//   y = clamp(round(acc * m0 * 2^-shift), qmin - Z, qmax - Z) + Z
// with one 64-bit rounding shift (ties toward +inf), exactly
// kernels/reference/requantize.h. AVX2 has no 64-bit arithmetic shift, so 2^62 is
// added first (acc * m0 + 2^(shift-1) + 2^62 lies in [0, 2^63)), the logical shift
// floors it, and 2^(62 - shift) is subtracted: the same floor. Include only from
// files compiled with -mavx2; everything here has internal linkage.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace octet {
namespace {

struct RequantLanesAvx2 {
  __m256i m0_even, m0_odd;
  __m256i sh_even, sh_odd;    // shifts as 64-bit lanes
  __m256i add_even, add_odd;  // 2^(shift - 1) + 2^62
  __m256i sub_even, sub_odd;  // 2^(62 - shift)
};

struct RequantOutAvx2 {
  __m256i lo, hi;  // int64 lanes: qmin - Z, qmax - Z
  __m256i zp;      // int32 lanes: Z
};

inline RequantLanesAvx2 requant_lanes_avx2(const int32_t* m0, const int32_t* shift) {
  const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m0));
  const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift));
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i bias = _mm256_set1_epi64x(int64_t{1} << 62);
  const __m256i s62 = _mm256_set1_epi64x(62);
  RequantLanesAvx2 r;
  r.m0_even = m;
  r.m0_odd = _mm256_srli_epi64(m, 32);
  r.sh_even = _mm256_and_si256(s, _mm256_set1_epi64x(0xffffffff));
  r.sh_odd = _mm256_srli_epi64(s, 32);
  r.add_even = _mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(r.sh_even, one)), bias);
  r.add_odd = _mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(r.sh_odd, one)), bias);
  r.sub_even = _mm256_sllv_epi64(one, _mm256_sub_epi64(s62, r.sh_even));
  r.sub_odd = _mm256_sllv_epi64(one, _mm256_sub_epi64(s62, r.sh_odd));
  return r;
}

inline RequantOutAvx2 requant_out_avx2(int32_t zero_point, int32_t qmin, int32_t qmax) {
  RequantOutAvx2 o;
  o.lo = _mm256_set1_epi64x(int64_t{qmin} - zero_point);
  o.hi = _mm256_set1_epi64x(int64_t{qmax} - zero_point);
  o.zp = _mm256_set1_epi32(zero_point);
  return o;
}

inline __m256i requant_clamp64_avx2(__m256i v, const RequantOutAvx2& o) {
  v = _mm256_blendv_epi8(v, o.lo, _mm256_cmpgt_epi64(o.lo, v));
  return _mm256_blendv_epi8(v, o.hi, _mm256_cmpgt_epi64(v, o.hi));
}

// 8 accumulators -> 8 int32 results in [qmin, qmax].
inline __m256i requant_avx2(__m256i acc, const RequantLanesAvx2& r, const RequantOutAvx2& o) {
  __m256i pe = _mm256_mul_epi32(acc, r.m0_even);
  __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.m0_odd);
  pe = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(pe, r.add_even), r.sh_even), r.sub_even);
  po = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(po, r.add_odd), r.sh_odd), r.sub_odd);
  pe = requant_clamp64_avx2(pe, o);
  po = requant_clamp64_avx2(po, o);
  const __m256i y = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
  return _mm256_add_epi32(y, o.zp);
}

// 16 results in [-128, 127] (two vectors, channels 0-7 and 8-15) -> 16 bytes.
inline __m128i requant_pack16_avx2(__m256i y0, __m256i y1) {
  const __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(y0, y1), 0xD8);
  return _mm_packs_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1));
}

// 8 results in [-128, 127] -> 8 bytes in the low half.
inline __m128i requant_pack8_avx2(__m256i y) {
  const __m128i p = _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  return _mm_packs_epi16(p, p);
}

}  // namespace
}  // namespace octet

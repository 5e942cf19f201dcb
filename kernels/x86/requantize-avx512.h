// The requantization rule of docs/QUANTIZATION.md on 16 int32 lanes, AVX-512F:
//   y = clamp(round(acc * m0 * 2^-shift), qmin - Z, qmax - Z) + Z
// with one 64-bit rounding shift (ties toward +inf), exactly
// kernels/reference/requantize.h. Include only from files compiled with
// -mavx512f -mavx512bw (-mavx512vl). Everything here has internal linkage, so files
// built with different flags never share a definition.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace octet {
namespace {

// Per-channel constants of 16 output channels, computed once per tile.
struct RequantLanesAvx512 {
  __m512i m0_even, m0_odd;    // multipliers in the low half of each 64-bit lane
  __m512i sh_even, sh_odd;    // shifts as 64-bit lanes
  __m512i rnd_even, rnd_odd;  // 2^(shift - 1)
};

// Uniform output constants: clamp bounds relative to the zero point.
struct RequantOutAvx512 {
  __m512i lo, hi;  // int64 lanes: qmin - Z, qmax - Z
  __m512i zp;      // int32 lanes: Z
};

inline RequantLanesAvx512 requant_lanes_avx512(const int32_t* m0, const int32_t* shift) {
  const __m512i m = _mm512_loadu_si512(m0);
  const __m512i s = _mm512_loadu_si512(shift);
  const __m512i one = _mm512_set1_epi64(1);
  RequantLanesAvx512 r;
  r.m0_even = m;
  r.m0_odd = _mm512_srli_epi64(m, 32);
  r.sh_even = _mm512_and_si512(s, _mm512_set1_epi64(0xffffffff));
  r.sh_odd = _mm512_srli_epi64(s, 32);
  r.rnd_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.sh_even, one));
  r.rnd_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.sh_odd, one));
  return r;
}

inline RequantOutAvx512 requant_out_avx512(int32_t zero_point, int32_t qmin, int32_t qmax) {
  RequantOutAvx512 o;
  o.lo = _mm512_set1_epi64(int64_t{qmin} - zero_point);
  o.hi = _mm512_set1_epi64(int64_t{qmax} - zero_point);
  o.zp = _mm512_set1_epi32(zero_point);
  return o;
}

// 16 accumulators -> 16 int32 results in [qmin, qmax].
inline __m512i requant_avx512(__m512i acc, const RequantLanesAvx512& r, const RequantOutAvx512& o) {
  // vpmuldq multiplies the signed low 32 bits of each 64-bit lane: even channels
  // directly, odd channels after a 32-bit shift down.
  __m512i pe = _mm512_mul_epi32(acc, r.m0_even);
  __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), r.m0_odd);
  pe = _mm512_srav_epi64(_mm512_add_epi64(pe, r.rnd_even), r.sh_even);
  po = _mm512_srav_epi64(_mm512_add_epi64(po, r.rnd_odd), r.sh_odd);
  pe = _mm512_min_epi64(_mm512_max_epi64(pe, o.lo), o.hi);
  po = _mm512_min_epi64(_mm512_max_epi64(po, o.lo), o.hi);
  const __m512i y = _mm512_mask_blend_epi32(0xAAAA, pe, _mm512_slli_epi64(po, 32));
  return _mm512_add_epi32(y, o.zp);
}

// The same rule in fewer instructions when every channel's shift is at least 32
// (M < 1/2, nearly every layer): shifting the rounded product right by shift - 32
// leaves floor((acc * m0 + 2^(shift-1)) / 2^shift) in the high 32 bits of each
// 64-bit lane (floor of a floor), where the odd channels already sit. The result is
// below 2^31 in magnitude, so the clamp can follow in 32 bits (or on bytes).
struct RequantHighAvx512 {
  __m512i m0_even, m0_odd;
  __m512i sh_even, sh_odd;    // shift - 32
  __m512i rnd_even, rnd_odd;  // 2^(shift - 1)
};

// False when some channel has shift < 32 (use requant_avx512 then).
inline bool requant_high_avx512(const int32_t* m0, const int32_t* shift, RequantHighAvx512* r) {
  const __m512i s = _mm512_loadu_si512(shift);
  if (_mm512_cmplt_epi32_mask(s, _mm512_set1_epi32(32)) != 0) return false;
  const __m512i m = _mm512_loadu_si512(m0);
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i se = _mm512_and_si512(s, _mm512_set1_epi64(0xffffffff));
  const __m512i so = _mm512_srli_epi64(s, 32);
  r->m0_even = m;
  r->m0_odd = _mm512_srli_epi64(m, 32);
  r->rnd_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(se, one));
  r->rnd_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(so, one));
  const __m512i s32 = _mm512_set1_epi64(32);
  r->sh_even = _mm512_sub_epi64(se, s32);
  r->sh_odd = _mm512_sub_epi64(so, s32);
  return true;
}

// 16 accumulators -> round(acc * M) + Z as int32 (not yet clamped: |value| < 2^31).
inline __m512i requant_high_unclamped_avx512(__m512i acc, const RequantHighAvx512& r, __m512i zp) {
  __m512i pe = _mm512_mul_epi32(acc, r.m0_even);
  __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), r.m0_odd);
  pe = _mm512_srav_epi64(_mm512_add_epi64(pe, r.rnd_even), r.sh_even);
  po = _mm512_srav_epi64(_mm512_add_epi64(po, r.rnd_odd), r.sh_odd);
  return _mm512_add_epi32(_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 32), po), zp);
}

// Shorter still when every shift is in [33, 54]: with k = shift - 32 and h the high
// 32 bits of acc * m0 (floor(acc * m0 / 2^32)),
//   floor((h + 2^(k-1) + Z * 2^k) / 2^k) = floor((acc * m0 + 2^(shift-1)) / 2^shift) + Z
// (adding an integer commutes with the floor, and a floor of a floor is one floor).
// |h| < 2^30 and |Z * 2^k| <= 2^29, so the sum stays in int32: the rounding, the
// zero point and the shift all happen on 32-bit lanes.
struct RequantHigh32Avx512 {
  __m512i m0_even, m0_odd;
  __m512i k;    // shift - 32, int32 lanes
  __m512i add;  // 2^(k-1) + Z * 2^k, int32 lanes
};

inline bool requant_high32_avx512(const int32_t* m0, const int32_t* shift, int32_t zero_point,
                                  RequantHigh32Avx512* r) {
  const __m512i s = _mm512_loadu_si512(shift);
  if (_mm512_cmplt_epi32_mask(s, _mm512_set1_epi32(33)) != 0 || _mm512_cmpgt_epi32_mask(s, _mm512_set1_epi32(54)) != 0) {
    return false;
  }
  const __m512i m = _mm512_loadu_si512(m0);
  r->m0_even = m;
  r->m0_odd = _mm512_srli_epi64(m, 32);
  r->k = _mm512_sub_epi32(s, _mm512_set1_epi32(32));
  const __m512i one = _mm512_set1_epi32(1);
  r->add = _mm512_add_epi32(_mm512_sllv_epi32(one, _mm512_sub_epi32(r->k, one)),
                            _mm512_sllv_epi32(_mm512_set1_epi32(zero_point), r->k));
  return true;
}

// 16 accumulators -> round(acc * M) + Z as int32 (not yet clamped).
inline __m512i requant_high32_unclamped_avx512(__m512i acc, const RequantHigh32Avx512& r) {
  const __m512i pe = _mm512_mul_epi32(acc, r.m0_even);
  const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), r.m0_odd);
  const __m512i h = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 32), po);
  return _mm512_srav_epi32(_mm512_add_epi32(h, r.add), r.k);
}

// 16 results in [-128, 127] -> 16 bytes.
inline __m128i requant_pack_avx512(__m512i y) { return _mm512_cvtsepi32_epi8(y); }

}  // namespace
}  // namespace octet

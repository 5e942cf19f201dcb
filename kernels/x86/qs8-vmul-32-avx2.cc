// Mul, 32 elements per step, AVX2, exactly qs8_mul__reference:
//   y = clamp(zo + round((a - za) * (b - zb) * M), qmin, qmax)
// with the 64-bit single rounding of requantize-avx2.h. |product| <= 255 * 255 < 2^16,
// so for shift >= 17 (M < 2^14, every real layer) the rounded value is below 2^31 in
// magnitude: its low 32 bits are the value, and the clamp runs on packed int16 / int8
// with saturation (a saturated int16 stays outside [-128, 127] after adding |zo| <=
// 128). Smaller shifts take requant_avx2's 64-bit clamp.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx2.h"

namespace octet {

namespace {

struct MulConsts {
  RequantLanesAvx2 r;
  RequantOutAvx2 o;
  __m256i za, zb, zo16, lo, hi, perm;
};

inline MulConsts mul_consts(const QMulParams& p) {
  MulConsts c;
  c.r = requant_lanes_uniform_avx2(p.multiplier.m0, p.multiplier.shift);
  c.o = requant_out_avx2(p.output_zero_point, p.qmin, p.qmax);
  c.za = _mm256_set1_epi32(p.a_zero_point);
  c.zb = _mm256_set1_epi32(p.b_zero_point);
  c.zo16 = _mm256_set1_epi16(static_cast<int16_t>(p.output_zero_point));
  c.lo = _mm256_set1_epi8(static_cast<char>(p.qmin));
  c.hi = _mm256_set1_epi8(static_cast<char>(p.qmax));
  c.perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  return c;
}

inline __m256i widen8(const int8_t* p) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// round(acc * M) of 8 lanes as int32 (shift >= 17: the value fits).
inline __m256i rounded32(__m256i acc, const RequantLanesAvx2& r) {
  __m256i pe = _mm256_mul_epi32(acc, r.m0_even);
  __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.m0_odd);
  pe = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(pe, r.add_even), r.sh_even), r.sub_even);
  po = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(po, r.add_odd), r.sh_odd), r.sub_odd);
  return _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
}

// kScalarB: vb holds (b - zb) in every lane.
template <bool kScalarB, bool kNarrow>
inline void mul32(const MulConsts& c, const int8_t* a, const int8_t* b, __m256i vb, int8_t* y) {
  __m256i q[4];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    const __m256i da = _mm256_sub_epi32(widen8(a + 8 * i), c.za);
    const __m256i db = kScalarB ? vb : _mm256_sub_epi32(widen8(b + 8 * i), c.zb);
    const __m256i prod = _mm256_mullo_epi32(da, db);
    q[i] = kNarrow ? rounded32(prod, c.r) : requant_avx2(prod, c.r, c.o);
  }
  if (kNarrow) {
    // packs works per 128-bit lane: dwords end up 0-3 8-11 16-19 24-27 | 4-7 12-15 20-23 28-31.
    const __m256i w0 = _mm256_adds_epi16(_mm256_packs_epi32(q[0], q[1]), c.zo16);
    const __m256i w1 = _mm256_adds_epi16(_mm256_packs_epi32(q[2], q[3]), c.zo16);
    __m256i v = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w0, w1), c.perm);
    v = _mm256_min_epi8(_mm256_max_epi8(v, c.lo), c.hi);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), v);
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y), requant_pack16_avx2(q[0], q[1]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + 16), requant_pack16_avx2(q[2], q[3]));
  }
}

template <bool kScalarB, bool kNarrow>
void mul(size_t n, const int8_t* a, const int8_t* b, __m256i vb, const MulConsts& c, int8_t* y) {
  for (; n >= 32; n -= 32, a += 32, y += 32) {
    mul32<kScalarB, kNarrow>(c, a, b, vb, y);
    if (!kScalarB) b += 32;
  }
  for (; n >= 8; n -= 8, a += 8, y += 8) {
    const __m256i da = _mm256_sub_epi32(widen8(a), c.za);
    const __m256i db = kScalarB ? vb : _mm256_sub_epi32(widen8(b), c.zb);
    const __m128i v = requant_pack8_avx2(requant_avx2(_mm256_mullo_epi32(da, db), c.r, c.o));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y), v);
    if (!kScalarB) b += 8;
  }
  if (n != 0) {
    int8_t ab[32] = {}, bb[32] = {}, yb[32];
    std::memcpy(ab, a, n);
    if (!kScalarB) std::memcpy(bb, b, n);
    mul32<kScalarB, kNarrow>(c, ab, bb, vb, yb);
    std::memcpy(y, yb, n);
  }
}

template <bool kScalarB>
void mul_any(size_t n, const int8_t* a, const int8_t* b, __m256i vb, const QMulParams& p, int8_t* y) {
  const MulConsts c = mul_consts(p);
  if (p.multiplier.shift >= 17) mul<kScalarB, true>(n, a, b, vb, c, y);
  else mul<kScalarB, false>(n, a, b, vb, c, y);
}

}  // namespace

void qs8_vmul_32__avx2(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y) {
  mul_any<false>(n, a, b, _mm256_setzero_si256(), p, y);
}

void qs8_vmulc_32__avx2(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y) {
  mul_any<true>(n, a, nullptr, _mm256_set1_epi32(int32_t{b} - p.b_zero_point), p, y);
}

}  // namespace octet

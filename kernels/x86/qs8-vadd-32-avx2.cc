// Add / Sub, 32 elements per step, AVX2, exactly qs8_add__reference:
//   acc = bias + a * A + b * B (int32), y = clamp(zo + (acc >> shift), qmin, qmax).
// acc >> shift is packed to int16 with saturation before zo is added (saturating):
// a value saturated at +-32767 stays outside [-128, 127] after adding |zo| <= 128,
// so the final int8 saturation and clamp give the reference's result.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

namespace {

struct AddConsts {
  __m256i bias, am, bm, zo, lo, hi, perm;
  __m128i shift;
};

inline AddConsts add_consts(const QAddParams& p, int32_t bias) {
  AddConsts c;
  c.bias = _mm256_set1_epi32(bias);
  c.am = _mm256_set1_epi32(p.a_multiplier);
  c.bm = _mm256_set1_epi32(p.b_multiplier);
  c.zo = _mm256_set1_epi16(static_cast<int16_t>(p.output_zero_point));
  c.lo = _mm256_set1_epi8(static_cast<char>(p.qmin));
  c.hi = _mm256_set1_epi8(static_cast<char>(p.qmax));
  c.perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  c.shift = _mm_cvtsi32_si128(p.shift);
  return c;
}

inline __m256i widen8(const int8_t* p) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// 32 results from 4 x 8 accumulators (elements 0-7, 8-15, 16-23, 24-31).
inline __m256i finish(const AddConsts& c, __m256i q0, __m256i q1, __m256i q2, __m256i q3) {
  q0 = _mm256_sra_epi32(q0, c.shift);
  q1 = _mm256_sra_epi32(q1, c.shift);
  q2 = _mm256_sra_epi32(q2, c.shift);
  q3 = _mm256_sra_epi32(q3, c.shift);
  // packs works per 128-bit lane: w0 = 0-3 8-11 | 4-7 12-15, w1 likewise for 16-31.
  const __m256i w0 = _mm256_adds_epi16(_mm256_packs_epi32(q0, q1), c.zo);
  const __m256i w1 = _mm256_adds_epi16(_mm256_packs_epi32(q2, q3), c.zo);
  // dwords: 0-3 8-11 16-19 24-27 | 4-7 12-15 20-23 28-31
  __m256i v = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w0, w1), c.perm);
  v = _mm256_max_epi8(v, c.lo);
  return _mm256_min_epi8(v, c.hi);
}

template <bool kScalarB>
void add32(const AddConsts& c, const int8_t* a, const int8_t* b, int8_t* y) {
  __m256i q[4];
  for (int i = 0; i < 4; ++i) {
    q[i] = _mm256_add_epi32(c.bias, _mm256_mullo_epi32(widen8(a + 8 * i), c.am));
    if (!kScalarB) q[i] = _mm256_add_epi32(q[i], _mm256_mullo_epi32(widen8(b + 8 * i), c.bm));
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), finish(c, q[0], q[1], q[2], q[3]));
}

template <bool kScalarB>
void add(size_t n, const int8_t* a, const int8_t* b, const AddConsts& c, int8_t* y) {
  for (; n >= 32; n -= 32, a += 32, y += 32) {
    add32<kScalarB>(c, a, b, y);
    if (!kScalarB) b += 32;
  }
  if (n != 0) {
    int8_t ab[32] = {}, bb[32] = {}, yb[32];
    std::memcpy(ab, a, n);
    if (!kScalarB) std::memcpy(bb, b, n);
    add32<kScalarB>(c, ab, bb, yb);
    std::memcpy(y, yb, n);
  }
}

}  // namespace

void qs8_vadd_32__avx2(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y) {
  add<false>(n, a, b, add_consts(p, p.bias), y);
}

void qs8_vaddc_32__avx2(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y) {
  // The reference's int32 sum bias + a * A + b * B, with b * B folded into the bias.
  const int32_t bias = static_cast<int32_t>(static_cast<uint32_t>(p.bias) + static_cast<uint32_t>(int32_t{b} * p.b_multiplier));
  add<true>(n, a, nullptr, add_consts(p, bias), y);
}

}  // namespace octet

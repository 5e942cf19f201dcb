// Add / Sub, 64 elements per step (16 per int32 register), AVX-512 F/BW, exactly
// qs8_add__reference: acc = bias + a * A + b * B (int32),
// y = clamp(zo + (acc >> shift), qmin, qmax); tails with masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

namespace {

struct AddConsts {
  __m512i bias, am, bm, zo, lo, hi;
  __m128i shift;
};

inline AddConsts add_consts(const QAddParams& p, int32_t bias) {
  AddConsts c;
  c.bias = _mm512_set1_epi32(bias);
  c.am = _mm512_set1_epi32(p.a_multiplier);
  c.bm = _mm512_set1_epi32(p.b_multiplier);
  c.zo = _mm512_set1_epi32(p.output_zero_point);
  c.lo = _mm512_set1_epi32(p.qmin);
  c.hi = _mm512_set1_epi32(p.qmax);
  c.shift = _mm_cvtsi32_si128(p.shift);
  return c;
}

template <bool kScalarB>
inline __m128i add16(const AddConsts& c, __m128i a, __m128i b) {
  __m512i q = _mm512_add_epi32(c.bias, _mm512_mullo_epi32(_mm512_cvtepi8_epi32(a), c.am));
  if (!kScalarB) q = _mm512_add_epi32(q, _mm512_mullo_epi32(_mm512_cvtepi8_epi32(b), c.bm));
  // |acc >> shift| < 2^29: adding zo cannot overflow.
  q = _mm512_add_epi32(_mm512_sra_epi32(q, c.shift), c.zo);
  q = _mm512_min_epi32(_mm512_max_epi32(q, c.lo), c.hi);
  return _mm512_cvtepi32_epi8(q);
}

template <bool kScalarB>
void add(size_t n, const int8_t* a, const int8_t* b, const AddConsts& c, int8_t* y) {
  const __m128i zero = _mm_setzero_si128();
  for (; n >= 64; n -= 64, a += 64, y += 64) {
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 16 * i));
      const __m128i vb = kScalarB ? zero : _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + 16 * i), add16<kScalarB>(c, va, vb));
    }
    if (!kScalarB) b += 64;
  }
  for (; n != 0;) {
    const size_t k = n < 16 ? n : 16;
    const __mmask16 m = static_cast<__mmask16>((1u << k) - 1);
    const __m128i va = _mm_maskz_loadu_epi8(m, a);
    const __m128i vb = kScalarB ? zero : _mm_maskz_loadu_epi8(m, b);
    _mm_mask_storeu_epi8(y, m, add16<kScalarB>(c, va, vb));
    n -= k;
    a += k;
    y += k;
    if (!kScalarB) b += k;
  }
}

}  // namespace

void qs8_vadd_64__avx512bw(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y) {
  add<false>(n, a, b, add_consts(p, p.bias), y);
}

void qs8_vaddc_64__avx512bw(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y) {
  const int32_t bias = static_cast<int32_t>(static_cast<uint32_t>(p.bias) + static_cast<uint32_t>(int32_t{b} * p.b_multiplier));
  add<true>(n, a, nullptr, add_consts(p, bias), y);
}

}  // namespace octet

// Mul, 32 elements per step (16 per register), AVX-512 F/BW, exactly
// qs8_mul__reference: y = requantize((a - za) * (b - zb)) with the 64-bit single
// rounding of requantize-avx512.h; tails with masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx512.h"

namespace octet {

namespace {

struct MulConsts {
  RequantLanesAvx512 r;
  RequantOutAvx512 o;
  __m512i za, zb;
};

inline MulConsts mul_consts(const QMulParams& p) {
  MulConsts c;
  c.r = requant_lanes_uniform_avx512(p.multiplier.m0, p.multiplier.shift);
  c.o = requant_out_avx512(p.output_zero_point, p.qmin, p.qmax);
  c.za = _mm512_set1_epi32(p.a_zero_point);
  c.zb = _mm512_set1_epi32(p.b_zero_point);
  return c;
}

template <bool kScalarB>
inline __m128i mul16(const MulConsts& c, __m128i a, __m128i b, __m512i vb) {
  const __m512i da = _mm512_sub_epi32(_mm512_cvtepi8_epi32(a), c.za);
  const __m512i db = kScalarB ? vb : _mm512_sub_epi32(_mm512_cvtepi8_epi32(b), c.zb);
  return requant_pack_avx512(requant_avx512(_mm512_mullo_epi32(da, db), c.r, c.o));
}

template <bool kScalarB>
void mul(size_t n, const int8_t* a, const int8_t* b, __m512i vb, const MulConsts& c, int8_t* y) {
  const __m128i zero = _mm_setzero_si128();
  for (; n >= 32; n -= 32, a += 32, y += 32) {
#pragma GCC unroll 2
    for (int i = 0; i < 2; ++i) {
      const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 16 * i));
      const __m128i vbb = kScalarB ? zero : _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + 16 * i), mul16<kScalarB>(c, va, vbb, vb));
    }
    if (!kScalarB) b += 32;
  }
  for (; n != 0;) {
    const size_t k = n < 16 ? n : 16;
    const __mmask16 m = static_cast<__mmask16>((1u << k) - 1);
    const __m128i va = _mm_maskz_loadu_epi8(m, a);
    const __m128i vbb = kScalarB ? zero : _mm_maskz_loadu_epi8(m, b);
    _mm_mask_storeu_epi8(y, m, mul16<kScalarB>(c, va, vbb, vb));
    n -= k;
    a += k;
    y += k;
    if (!kScalarB) b += k;
  }
}

}  // namespace

void qs8_vmul_32__avx512bw(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y) {
  mul<false>(n, a, b, _mm512_setzero_si512(), mul_consts(p), y);
}

void qs8_vmulc_32__avx512bw(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y) {
  mul<true>(n, a, nullptr, _mm512_set1_epi32(int32_t{b} - p.b_zero_point), mul_consts(p), y);
}

}  // namespace octet

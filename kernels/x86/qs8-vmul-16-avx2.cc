// Mul, 16 elements per step, AVX2, exactly qs8_mul__reference:
//   y = requantize((a - za) * (b - zb)) with the 64-bit single rounding of
//   requantize-avx2.h (|product| <= 255 * 255 fits in int32).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {

namespace {

struct MulConsts {
  RequantLanesAvx2 r;
  RequantOutAvx2 o;
  __m256i za, zb;
};

inline MulConsts mul_consts(const QMulParams& p) {
  int32_t m0[8], sh[8];
  for (int i = 0; i < 8; ++i) {
    m0[i] = p.multiplier.m0;
    sh[i] = p.multiplier.shift;
  }
  MulConsts c;
  c.r = requant_lanes_avx2(m0, sh);
  c.o = requant_out_avx2(p.output_zero_point, p.qmin, p.qmax);
  c.za = _mm256_set1_epi32(p.a_zero_point);
  c.zb = _mm256_set1_epi32(p.b_zero_point);
  return c;
}

inline __m256i widen8(const int8_t* p) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// kScalarB: vb holds (b - zb) in every lane.
template <bool kScalarB>
inline void mul16(const MulConsts& c, const int8_t* a, const int8_t* b, __m256i vb, int8_t* y) {
  const __m256i a0 = _mm256_sub_epi32(widen8(a), c.za), a1 = _mm256_sub_epi32(widen8(a + 8), c.za);
  const __m256i b0 = kScalarB ? vb : _mm256_sub_epi32(widen8(b), c.zb);
  const __m256i b1 = kScalarB ? vb : _mm256_sub_epi32(widen8(b + 8), c.zb);
  const __m256i y0 = requant_avx2(_mm256_mullo_epi32(a0, b0), c.r, c.o);
  const __m256i y1 = requant_avx2(_mm256_mullo_epi32(a1, b1), c.r, c.o);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(y), requant_pack16_avx2(y0, y1));
}

template <bool kScalarB>
void mul(size_t n, const int8_t* a, const int8_t* b, __m256i vb, const MulConsts& c, int8_t* y) {
  for (; n >= 16; n -= 16, a += 16, y += 16) {
    mul16<kScalarB>(c, a, b, vb, y);
    if (!kScalarB) b += 16;
  }
  if (n != 0) {
    int8_t ab[16] = {}, bb[16] = {}, yb[16];
    std::memcpy(ab, a, n);
    if (!kScalarB) std::memcpy(bb, b, n);
    mul16<kScalarB>(c, ab, bb, vb, yb);
    std::memcpy(y, yb, n);
  }
}

}  // namespace

void qs8_vmul_16__avx2(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y) {
  mul<false>(n, a, b, _mm256_setzero_si256(), mul_consts(p), y);
}

void qs8_vmulc_16__avx2(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y) {
  mul<true>(n, a, nullptr, _mm256_set1_epi32(int32_t{b} - p.b_zero_point), mul_consts(p), y);
}

}  // namespace octet

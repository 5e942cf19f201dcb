// y = table[x + 128], 64 bytes per step, AVX-512 VBMI: vpermi2b looks up 128 entries
// from two registers with seven index bits, once in each half of the table, and the
// top bit of u = x + 128 picks the half.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

void x8_lut_64__avx512vbmi(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (; n >= 128; n -= 128, x += 128, y += 128) {
    const __m512i u0 = _mm512_xor_si512(_mm512_loadu_si512(x), flip);
    const __m512i u1 = _mm512_xor_si512(_mm512_loadu_si512(x + 64), flip);
    const __m512i lo0 = _mm512_permutex2var_epi8(t0, u0, t1), hi0 = _mm512_permutex2var_epi8(t2, u0, t3);
    const __m512i lo1 = _mm512_permutex2var_epi8(t0, u1, t1), hi1 = _mm512_permutex2var_epi8(t2, u1, t3);
    _mm512_storeu_si512(y, _mm512_mask_blend_epi8(_mm512_movepi8_mask(u0), lo0, hi0));
    _mm512_storeu_si512(y + 64, _mm512_mask_blend_epi8(_mm512_movepi8_mask(u1), lo1, hi1));
  }
  while (n != 0) {
    const size_t c = n < 64 ? n : 64;
    const __mmask64 m = c == 64 ? ~__mmask64(0) : (__mmask64(1) << c) - 1;
    const __m512i u = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, x), flip);
    const __m512i lo = _mm512_permutex2var_epi8(t0, u, t1), hi = _mm512_permutex2var_epi8(t2, u, t3);
    _mm512_mask_storeu_epi8(y, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(u), lo, hi));
    n -= c;
    x += c;
    y += c;
  }
}

}  // namespace octet

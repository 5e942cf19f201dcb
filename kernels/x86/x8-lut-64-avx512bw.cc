// y = table[x + 128], 64 bytes per step, AVX-512 BW without VBMI: x8-lut-32-avx2.cc's
// scheme on 512-bit registers. vpshufb looks up 16 entries and gives 0 where the
// index byte's top bit is set; with u = x + 128 (row m = u >> 4), step k's index
// u - 16k has its top bit clear exactly when 0 <= m - k < 8 for k = 0..7 on rows
// m < 8, and for k = 8..15 on rows m >= 8. Sub-tables stored XORed with their
// predecessor (rows 0 and 8 as they are) telescope to row m; u's top bit picks the half.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

namespace {

struct Tables {
  __m512i t[16];
};

inline Tables load_tables(const int8_t* table) {
  Tables r;
  for (int k = 0; k < 16; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * k));
    if (k != 0 && k != 8) v = _mm_xor_si128(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * (k - 1))));
    r.t[k] = _mm512_broadcast_i32x4(v);
  }
  return r;
}

inline __m512i lookup(const Tables& tb, __m512i x) {
  const __m512i u = _mm512_xor_si512(x, _mm512_set1_epi8(static_cast<char>(0x80)));
  __m512i l[16];
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) {
    const __m512i v = k == 0 ? u : _mm512_sub_epi8(u, _mm512_set1_epi8(static_cast<char>(16 * k)));
    l[k] = _mm512_shuffle_epi8(tb.t[k], v);
  }
#pragma GCC unroll 8
  for (int k = 0; k < 8; k += 2) {
    l[k] = _mm512_xor_si512(l[k], l[k + 1]);
    l[k + 8] = _mm512_xor_si512(l[k + 8], l[k + 9]);
  }
  const __m512i lo = _mm512_xor_si512(_mm512_xor_si512(l[0], l[2]), _mm512_xor_si512(l[4], l[6]));
  const __m512i hi = _mm512_xor_si512(_mm512_xor_si512(l[8], l[10]), _mm512_xor_si512(l[12], l[14]));
  return _mm512_mask_blend_epi8(_mm512_movepi8_mask(u), lo, hi);
}

}  // namespace

void x8_lut_64__avx512bw(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const Tables tb = load_tables(table);
  for (; n >= 64; n -= 64, x += 64, y += 64) _mm512_storeu_si512(y, lookup(tb, _mm512_loadu_si512(x)));
  if (n != 0) {
    const __mmask64 m = (__mmask64(1) << n) - 1;
    _mm512_mask_storeu_epi8(y, m, lookup(tb, _mm512_maskz_loadu_epi8(m, x)));
  }
}

}  // namespace octet

// y = table[x + 128], 32 bytes per step, AVX2. vpshufb looks up 16 entries (low four
// index bits) and gives 0 where the index byte has its top bit set. With u = x + 128
// (0..255, row m = u >> 4), step k uses the index u - 16k: its top bit is clear
// exactly when 0 <= m - k < 8 for the steps k = 0..7 on rows m < 8, and for
// k = 8..15 on rows m >= 8. The sub-tables are stored XORed with their predecessor
// (rows 0 and 8 as they are), so XORing the lookups of steps 0..m (or 8..m) telescopes
// to row m; u's top bit picks the half.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

namespace {

struct Tables {
  __m256i t[16];
};

inline Tables load_tables(const int8_t* table) {
  Tables r;
  for (int k = 0; k < 16; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * k));
    if (k != 0 && k != 8) v = _mm_xor_si128(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 * (k - 1))));
    r.t[k] = _mm256_broadcastsi128_si256(v);
  }
  return r;
}

// Step k's index u - 16k is computed from u directly (no chain of subtractions) and
// the lookups are XORed as a tree, so the 16 shuffles of a vector are independent.
inline __m256i lookup(const Tables& tb, __m256i x) {
  const __m256i u = _mm256_xor_si256(x, _mm256_set1_epi8(static_cast<char>(0x80)));
  __m256i l[16];
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) {
    const __m256i v = k == 0 ? u : _mm256_sub_epi8(u, _mm256_set1_epi8(static_cast<char>(16 * k)));
    l[k] = _mm256_shuffle_epi8(tb.t[k], v);
  }
#pragma GCC unroll 8
  for (int k = 0; k < 8; k += 2) {
    l[k] = _mm256_xor_si256(l[k], l[k + 1]);
    l[k + 8] = _mm256_xor_si256(l[k + 8], l[k + 9]);
  }
  const __m256i lo = _mm256_xor_si256(_mm256_xor_si256(l[0], l[2]), _mm256_xor_si256(l[4], l[6]));
  const __m256i hi = _mm256_xor_si256(_mm256_xor_si256(l[8], l[10]), _mm256_xor_si256(l[12], l[14]));
  return _mm256_blendv_epi8(lo, hi, u);
}

}  // namespace

void x8_lut_32__avx2(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const Tables tb = load_tables(table);
  for (; n >= 64; n -= 64, x += 64, y += 64) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 32));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), lookup(tb, v0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + 32), lookup(tb, v1));
  }
  for (; n >= 32; n -= 32, x += 32, y += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), lookup(tb, v));
  }
  if (n != 0) {
    alignas(32) int8_t buf[32] = {};
    std::memcpy(buf, x, n);
    _mm256_store_si256(reinterpret_cast<__m256i*>(buf), lookup(tb, _mm256_load_si256(reinterpret_cast<const __m256i*>(buf))));
    std::memcpy(y, buf, n);
  }
}

}  // namespace octet

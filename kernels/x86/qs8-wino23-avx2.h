// Pieces shared by the AVX2 Winograd transforms of both forms (F(2x2, 3x3) and its
// stride-2 variant): widening loads of the zero-point-corrected input with the
// padding, and the requantizing store of 8 output channels. Include only from a file
// compiled for AVX2; everything here has internal linkage.
#pragma once

#include <immintrin.h>

#include <cstring>

#include "kernels/qs8-winograd-config.h"
#include "kernels/x86/requantize-avx2.h"
#include "kernels/x86/requantize-high32-avx2.h"

namespace octet {
namespace {

inline __m256i wino_widen_avx2(const int8_t* p, __m256i z) {
  return _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), z);
}

// d = x - Z of 16 channels from c0 at (iy, ix): 0 outside the image (padding), and
// beyond the last channel (which is never read).
inline __m256i wino_load_edge_avx2(const ConvShape& s, const int8_t* img, int iy, int ix, size_t c0, int8_t zp,
                                   __m256i z) {
  if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) return _mm256_setzero_si256();
  const size_t c = static_cast<size_t>(s.in_c);
  const int8_t* p = img + (static_cast<size_t>(iy) * s.in_w + ix) * c + c0;
  if (c0 + 16 <= c) return wino_widen_avx2(p, z);
  alignas(16) int8_t tmp[16];
  std::memset(tmp, zp, sizeof(tmp));
  std::memcpy(tmp, p, c - c0);
  return wino_widen_avx2(tmp, z);
}

inline void wino_store_bytes8_avx2(int8_t* out, __m128i y, size_t n) {
  if (n >= 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), y);
  } else {
    alignas(16) int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), y);
    std::memcpy(out, tmp, n);
  }
}

// The requantization of 8 output channels [kk, kk + 8) of one output transform,
// prepared once per channel group: the short (high 32 bits) form where the
// multipliers allow it, else the general one.
struct WinoRequantAvx2 {
  RequantOutAvx2 ro;
  RequantLanesAvx2 lanes;
  RequantHigh32Avx2 h32;
  bool short_form;
  __m128i lo, hi;
  __m256i bias;

  WinoRequantAvx2(const QS8WinogradOutput& q, size_t kk)
      : ro(requant_out_avx2(q.zero_point, q.qmin, q.qmax)), lanes(requant_lanes_avx2(q.m0 + kk, q.shift + kk)) {
    short_form = requant_high32_avx2(q.m0 + kk, q.shift + kk, q.zero_point, &h32);
    lo = _mm_set1_epi8(static_cast<int8_t>(q.qmin));
    hi = _mm_set1_epi8(static_cast<int8_t>(q.qmax));
    bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.bias + kk));
  }
  // acc (before the bias) -> nb int8 outputs at out.
  void store(__m256i acc, int8_t* out, size_t nb) const {
    acc = _mm256_add_epi32(acc, bias);
    wino_store_bytes8_avx2(out,
                           short_form ? requant_high32_pack8_avx2(requant_high32_unclamped_avx2(acc, h32), lo, hi)
                                      : requant_pack8_avx2(requant_avx2(acc, lanes, ro)),
                           nb);
  }
};

}  // namespace
}  // namespace octet

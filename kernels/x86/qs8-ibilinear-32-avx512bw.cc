// Resize bilinear of one output pixel, 32 channels per step, AVX-512 BW, exactly
// qs8_resize_bilinear__reference: d = x - zi in int16, each row's
// (2048 - wx) * d0 + wx * d1 with vpmaddwd on interleaved pairs (int32), the rows
// weighted with 32-bit multiplies (|acc| <= 255 * 2^22), then the requantization of
// requantize-avx512.h; the last channels with masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx512.h"

namespace octet {

namespace {

inline __m512i load32(const int8_t* p, __mmask32 m, __m512i z) {
  return _mm512_sub_epi16(_mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, p)), z);
}

}  // namespace

void qs8_ibilinear_32__avx512bw(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y) {
  constexpr int32_t kOne = 1 << 11;
  const RequantLanesAvx512 rl = requant_lanes_uniform_avx512(p.m.m0, p.m.shift);
  const RequantOutAvx512 ro = requant_out_avx512(p.output_zero_point, -128, 127);
  const __m512i z = _mm512_set1_epi16(static_cast<int16_t>(p.input_zero_point));
  const __m512i wx = _mm512_set1_epi32(static_cast<int32_t>((static_cast<uint32_t>(px.wx) << 16) | static_cast<uint32_t>(kOne - px.wx)));
  const __m512i wy0 = _mm512_set1_epi32(kOne - px.wy), wy1 = _mm512_set1_epi32(px.wy);
  // After unpack (per 128-bit lane) the int32 lanes hold channels
  // lo: 0-3 8-11 16-19 24-27, hi: 4-7 12-15 20-23 28-31; these indices put them back.
  const __m512i even = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i odd = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  for (size_t c = 0; c < channels; c += 32) {
    const size_t n = channels - c < 32 ? channels - c : 32;
    const __mmask32 m = n == 32 ? ~__mmask32(0) : (__mmask32(1) << n) - 1;
    const __m512i d00 = load32(px.p00 + c, m, z), d01 = load32(px.p01 + c, m, z);
    const __m512i d10 = load32(px.p10 + c, m, z), d11 = load32(px.p11 + c, m, z);
    const __m512i top_lo = _mm512_madd_epi16(_mm512_unpacklo_epi16(d00, d01), wx);
    const __m512i top_hi = _mm512_madd_epi16(_mm512_unpackhi_epi16(d00, d01), wx);
    const __m512i bot_lo = _mm512_madd_epi16(_mm512_unpacklo_epi16(d10, d11), wx);
    const __m512i bot_hi = _mm512_madd_epi16(_mm512_unpackhi_epi16(d10, d11), wx);
    const __m512i acc_lo = _mm512_add_epi32(_mm512_mullo_epi32(top_lo, wy0), _mm512_mullo_epi32(bot_lo, wy1));
    const __m512i acc_hi = _mm512_add_epi32(_mm512_mullo_epi32(top_hi, wy0), _mm512_mullo_epi32(bot_hi, wy1));
    const __m512i r_lo = requant_avx512(acc_lo, rl, ro), r_hi = requant_avx512(acc_hi, rl, ro);
    // Channels 0-15 and 16-31 in order.
    const __m512i y0 = _mm512_permutex2var_epi32(r_lo, even, r_hi);
    const __m512i y1 = _mm512_permutex2var_epi32(r_lo, odd, r_hi);
    _mm_mask_storeu_epi8(y + c, static_cast<__mmask16>(m), requant_pack_avx512(y0));
    _mm_mask_storeu_epi8(y + c + 16, static_cast<__mmask16>(m >> 16), requant_pack_avx512(y1));
  }
}

}  // namespace octet

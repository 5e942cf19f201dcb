// Resize bilinear of one output pixel, 16 channels per step, AVX2, exactly
// qs8_resize_bilinear__reference: d = x - zi in int16, each row's
// (2048 - wx) * d0 + wx * d1 with vpmaddwd on interleaved pairs (int32), the rows
// weighted with 32-bit multiplies (|acc| <= 255 * 2^22), then the requantization of
// requantize-avx2.h.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"
#include "kernels/x86/requantize-uniform-avx2.h"

namespace octet {

namespace {

inline __m256i load16(const int8_t* p, __m256i z) {
  return _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), z);
}

}  // namespace

void qs8_ibilinear_16__avx2(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y) {
  constexpr int32_t kOne = 1 << 11;
  const RequantLanesAvx2 rl = requant_lanes_uniform_avx2(p.m.m0, p.m.shift);
  const RequantOutAvx2 ro = requant_out_avx2(p.output_zero_point, -128, 127);
  const __m256i z = _mm256_set1_epi16(static_cast<int16_t>(p.input_zero_point));
  // (wx0, wx1) pairs for vpmaddwd.
  const __m256i wx = _mm256_set1_epi32(static_cast<int32_t>((static_cast<uint32_t>(px.wx) << 16) | static_cast<uint32_t>(kOne - px.wx)));
  const __m256i wy0 = _mm256_set1_epi32(kOne - px.wy), wy1 = _mm256_set1_epi32(px.wy);
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    const __m256i d00 = load16(px.p00 + c, z), d01 = load16(px.p01 + c, z);
    const __m256i d10 = load16(px.p10 + c, z), d11 = load16(px.p11 + c, z);
    // unpack works per 128-bit lane: *_lo holds channels 0-3 8-11, *_hi 4-7 12-15.
    const __m256i top_lo = _mm256_madd_epi16(_mm256_unpacklo_epi16(d00, d01), wx);
    const __m256i top_hi = _mm256_madd_epi16(_mm256_unpackhi_epi16(d00, d01), wx);
    const __m256i bot_lo = _mm256_madd_epi16(_mm256_unpacklo_epi16(d10, d11), wx);
    const __m256i bot_hi = _mm256_madd_epi16(_mm256_unpackhi_epi16(d10, d11), wx);
    const __m256i acc_lo = _mm256_add_epi32(_mm256_mullo_epi32(top_lo, wy0), _mm256_mullo_epi32(bot_lo, wy1));
    const __m256i acc_hi = _mm256_add_epi32(_mm256_mullo_epi32(top_hi, wy0), _mm256_mullo_epi32(bot_hi, wy1));
    // packs per lane: 0-3 4-7 | 8-11 12-15, in order.
    const __m256i w = _mm256_packs_epi32(requant_avx2(acc_lo, rl, ro), requant_avx2(acc_hi, rl, ro));
    const __m128i out = _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c), out);
  }
  const int32_t zi = p.input_zero_point;
  for (; c < channels; ++c) {
    const int32_t top = (kOne - px.wx) * (px.p00[c] - zi) + px.wx * (px.p01[c] - zi);
    const int32_t bottom = (kOne - px.wx) * (px.p10[c] - zi) + px.wx * (px.p11[c] - zi);
    const int32_t acc = (kOne - px.wy) * top + px.wy * bottom;
    y[c] = requantize_s8(acc, p.m.m0, p.m.shift, p.output_zero_point, -128, 127);
  }
}

}  // namespace octet

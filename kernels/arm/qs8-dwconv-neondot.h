// The sdot taps of the AArch64 dot-product depthwise kernels (layout taps 4,
// signed_dot), for the walk of qs8-dwconv-neon.h. Four kernel rows of one input
// column are interleaved once into int32 lanes of 4 bytes per channel (zip of bytes,
// then of int16 pairs: 8 zips per 16 channels, channels stay in order), and one
// group of 4 row taps of 16 channels is 4 sdot (signed x signed, so no input offset)
// with 4 loads of weights. Rows past the window are zero (their weights are 0 too).
// Include only from files compiled with +dotprod; internal linkage throughout.
#pragma once

#include <arm_neon.h>

#include "kernels/arm/qs8-dwconv-neon.h"

namespace octet {
namespace {

struct DwTapsNeonDot {
  static constexpr int kTaps = 4;
  static constexpr bool kSignedDot = true;
  struct Col {
    int8x16_t v[4];  // channels 0-3, 4-7, 8-11, 12-15; 4 kernel rows each
  };
  template <int kRows, bool kFull>
  static __attribute__((always_inline)) Col load(const int8_t* const* px, size_t nc) {
    const int8x16_t zero = vdupq_n_s8(0);
    const int8x16_t r0 = dw_load16_neon<kFull>(px[0], nc);
    const int8x16_t r1 = kRows > 1 ? dw_load16_neon<kFull>(px[kRows > 1 ? 1 : 0], nc) : zero;
    const int8x16_t r2 = kRows > 2 ? dw_load16_neon<kFull>(px[kRows > 2 ? 2 : 0], nc) : zero;
    const int8x16_t r3 = kRows > 3 ? dw_load16_neon<kFull>(px[kRows > 3 ? 3 : 0], nc) : zero;
    const int16x8_t ab_lo = vreinterpretq_s16_s8(vzip1q_s8(r0, r1));
    const int16x8_t ab_hi = vreinterpretq_s16_s8(vzip2q_s8(r0, r1));
    const int16x8_t cd_lo = vreinterpretq_s16_s8(vzip1q_s8(r2, r3));
    const int16x8_t cd_hi = vreinterpretq_s16_s8(vzip2q_s8(r2, r3));
    return {{vreinterpretq_s8_s16(vzip1q_s16(ab_lo, cd_lo)), vreinterpretq_s8_s16(vzip2q_s16(ab_lo, cd_lo)),
             vreinterpretq_s8_s16(vzip1q_s16(ab_hi, cd_hi)), vreinterpretq_s8_s16(vzip2q_s16(ab_hi, cd_hi))}};
  }
  static __attribute__((always_inline)) void mac(DwAccNeon& a, const Col& x, const uint8_t* wb) {
    const auto* w = reinterpret_cast<const int8_t*>(wb);
    for (int i = 0; i < 4; ++i) a.v[i] = vdotq_s32(a.v[i], x.v[i], vld1q_s8(w + 16 * i));
  }
};

}  // namespace
}  // namespace octet

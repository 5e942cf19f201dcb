// Resize bilinear of one output pixel, 16 channels per step (then 8), NEON, exactly
// qs8_resize_bilinear__reference: d = x - zi in int16 (ssubl), each row's
// (2048 - wx) * d0 + wx * d1 with smull + smlal (int32; the weights fit in int16),
// the rows weighted with 32-bit multiplies (|acc| <= 255 * 2^22), then the
// requantization of requantize-uniform-neon.h. Integer sums are exact in any order.
#include <arm_neon.h>

#include "kernels/arm/high-half-neon.h"
#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/arm/requantize-uniform-neon.h"

namespace octet {

namespace {

struct BilinearConsts {
  int8x16_t zi;
  int16x8_t wx0, wx1;
  int32x4_t wy0, wy1;
  RequantUniformNeon rl;
  RequantOutNeon ro;
};

// 8 channels (d = x - zi of the four pixels) -> 8 requantized int32 values.
inline void bilinear8(const BilinearConsts& k, int16x8_t d00, int16x8_t d01, int16x8_t d10, int16x8_t d11,
                      int32x4_t* r0, int32x4_t* r1) {
  const int32x4_t top0 = vmlal_s16(vmull_s16(vget_low_s16(d00), vget_low_s16(k.wx0)), vget_low_s16(d01), vget_low_s16(k.wx1));
  const int32x4_t top1 = mlal_high_neon(mull_high_neon(d00, k.wx0), d01, k.wx1);
  const int32x4_t bot0 = vmlal_s16(vmull_s16(vget_low_s16(d10), vget_low_s16(k.wx0)), vget_low_s16(d11), vget_low_s16(k.wx1));
  const int32x4_t bot1 = mlal_high_neon(mull_high_neon(d10, k.wx0), d11, k.wx1);
  *r0 = requant_uniform_neon(vmlaq_s32(vmulq_s32(top0, k.wy0), bot0, k.wy1), k.rl, k.ro);
  *r1 = requant_uniform_neon(vmlaq_s32(vmulq_s32(top1, k.wy0), bot1, k.wy1), k.rl, k.ro);
}

inline int16x8_t sub_low(int8x16_t x, int8x16_t z) { return vsubl_s8(vget_low_s8(x), vget_low_s8(z)); }

}  // namespace

void qs8_ibilinear_16__neon(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y) {
  constexpr int32_t kOne = 1 << 11;
  BilinearConsts k;
  k.zi = vdupq_n_s8(static_cast<int8_t>(p.input_zero_point));
  k.wx0 = vdupq_n_s16(static_cast<int16_t>(kOne - px.wx));
  k.wx1 = vdupq_n_s16(static_cast<int16_t>(px.wx));
  k.wy0 = vdupq_n_s32(kOne - px.wy);
  k.wy1 = vdupq_n_s32(px.wy);
  k.rl = requant_uniform_neon(p.m.m0, p.m.shift);
  k.ro = requant_out_neon(p.output_zero_point, -128, 127);
  // In locals: y may alias px as far as the compiler knows.
  const int8_t *p00 = px.p00, *p01 = px.p01, *p10 = px.p10, *p11 = px.p11;
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    const int8x16_t x00 = vld1q_s8(p00 + c), x01 = vld1q_s8(p01 + c);
    const int8x16_t x10 = vld1q_s8(p10 + c), x11 = vld1q_s8(p11 + c);
    int32x4_t r0, r1, r2, r3;
    bilinear8(k, sub_low(x00, k.zi), sub_low(x01, k.zi), sub_low(x10, k.zi), sub_low(x11, k.zi), &r0, &r1);
    bilinear8(k, subl_high_neon(x00, k.zi), subl_high_neon(x01, k.zi), subl_high_neon(x10, k.zi),
              subl_high_neon(x11, k.zi), &r2, &r3);
    vst1q_s8(y + c, requant_pack16_neon(r0, r1, r2, r3, k.ro));
  }
  if (c + 8 <= channels) {
    const int8x8_t z = vget_low_s8(k.zi);
    int32x4_t r0, r1;
    bilinear8(k, vsubl_s8(vld1_s8(p00 + c), z), vsubl_s8(vld1_s8(p01 + c), z), vsubl_s8(vld1_s8(p10 + c), z),
              vsubl_s8(vld1_s8(p11 + c), z), &r0, &r1);
    vst1_s8(y + c, requant_pack8_neon(r0, r1, k.ro));
    c += 8;
  }
  const int32_t zi = p.input_zero_point;
  for (; c < channels; ++c) {
    const int32_t top = (kOne - px.wx) * (p00[c] - zi) + px.wx * (p01[c] - zi);
    const int32_t bottom = (kOne - px.wx) * (p10[c] - zi) + px.wx * (p11[c] - zi);
    const int32_t acc = (kOne - px.wy) * top + px.wy * bottom;
    y[c] = requantize_s8(acc, p.m.m0, p.m.shift, p.output_zero_point, -128, 127);
  }
}

}  // namespace octet

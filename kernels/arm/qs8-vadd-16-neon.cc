// Add / Sub, 16 elements per step, NEON, exactly qs8_add__reference:
//   acc = bias + a * A + b * B (int32), y = clamp(zo + (acc >> shift), qmin, qmax).
// A and B reach 2^20, so the products are 32-bit (mla on widened lanes); sshl by
// -shift is the reference's arithmetic (floor) shift. acc >> shift is narrowed to
// int16 with saturation before zo is added (saturating): a value saturated at
// +-32767 stays outside [-128, 127] after adding |zo| <= 128, so the final int8
// saturation and clamp give the reference's result.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8-elementwise-arm.h"

namespace octet {

namespace {

struct AddConsts {
  int32x4_t bias, am, bm, nshift;
  int16x8_t zo;
  int8x16_t lo, hi;
};

inline AddConsts add_consts(const QAddParams& p, int32_t bias) {
  AddConsts c;
  c.bias = vdupq_n_s32(bias);
  c.am = vdupq_n_s32(p.a_multiplier);
  c.bm = vdupq_n_s32(p.b_multiplier);
  c.nshift = vdupq_n_s32(-p.shift);
  c.zo = vdupq_n_s16(static_cast<int16_t>(p.output_zero_point));
  c.lo = vdupq_n_s8(static_cast<int8_t>(p.qmin));
  c.hi = vdupq_n_s8(static_cast<int8_t>(p.qmax));
  return c;
}

// acc += x * m for the 16 bytes of x, widened to int32 (lanes 0-3, 4-7, 8-11, 12-15).
inline void mla16(int32x4_t acc[4], int8x16_t x, int32x4_t m) {
  const int16x8_t lo = vmovl_s8(vget_low_s8(x)), hi = vmovl_s8(vget_high_s8(x));
  acc[0] = vmlaq_s32(acc[0], vmovl_s16(vget_low_s16(lo)), m);
  acc[1] = vmlaq_s32(acc[1], vmovl_s16(vget_high_s16(lo)), m);
  acc[2] = vmlaq_s32(acc[2], vmovl_s16(vget_low_s16(hi)), m);
  acc[3] = vmlaq_s32(acc[3], vmovl_s16(vget_high_s16(hi)), m);
}

template <bool kScalarB>
inline int8x16_t add16(const AddConsts& c, int8x16_t va, int8x16_t vb) {
  int32x4_t acc[4] = {c.bias, c.bias, c.bias, c.bias};
  mla16(acc, va, c.am);
  if (!kScalarB) mla16(acc, vb, c.bm);
  const int16x8_t w0 = vcombine_s16(vqmovn_s32(vshlq_s32(acc[0], c.nshift)), vqmovn_s32(vshlq_s32(acc[1], c.nshift)));
  const int16x8_t w1 = vcombine_s16(vqmovn_s32(vshlq_s32(acc[2], c.nshift)), vqmovn_s32(vshlq_s32(acc[3], c.nshift)));
  const int8x16_t v = vcombine_s8(vqmovn_s16(vqaddq_s16(w0, c.zo)), vqmovn_s16(vqaddq_s16(w1, c.zo)));
  return vminq_s8(vmaxq_s8(v, c.lo), c.hi);
}

template <bool kScalarB>
void add(size_t n, const int8_t* a, const int8_t* b, const AddConsts& c, int8_t* y) {
  const int8x16_t zero = vdupq_n_s8(0);
  for (; n >= 16; n -= 16, a += 16, y += 16) {
    const int8x16_t vb = kScalarB ? zero : vld1q_s8(b);
    vst1q_s8(y, add16<kScalarB>(c, vld1q_s8(a), vb));
    if (!kScalarB) b += 16;
  }
  if (n != 0) {
    int8_t ab[16] = {}, bb[16] = {}, yb[16];
    std::memcpy(ab, a, n);
    if (!kScalarB) std::memcpy(bb, b, n);
    vst1q_s8(yb, add16<kScalarB>(c, vld1q_s8(ab), vld1q_s8(bb)));
    std::memcpy(y, yb, n);
  }
}

}  // namespace

void qs8_vadd_16__neon(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y) {
  add<false>(n, a, b, add_consts(p, p.bias), y);
}

void qs8_vaddc_16__neon(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y) {
  // The reference's int32 sum bias + a * A + b * B, with b * B folded into the bias.
  const int32_t bias = static_cast<int32_t>(static_cast<uint32_t>(p.bias) + static_cast<uint32_t>(int32_t{b} * p.b_multiplier));
  add<true>(n, a, nullptr, add_consts(p, bias), y);
}

}  // namespace octet

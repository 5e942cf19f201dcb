// Mul, 16 elements per step, NEON, exactly qs8_mul__reference:
//   y = clamp(zo + round((a - za) * (b - zb) * M), qmin, qmax)
// with the 64-bit single rounding of requantize-uniform-neon.h. The differences are exact in
// int16 (ssubl) and their product (|p| <= 255 * 255 < 2^16) in int32 (smull).
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/high-half-neon.h"
#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/arm/requantize-uniform-neon.h"

namespace octet {

namespace {

struct MulConsts {
  RequantUniformNeon r;
  RequantOutNeon o;
  int8x16_t za, zb;
};

inline MulConsts mul_consts(const QMulParams& p) {
  MulConsts c;
  c.r = requant_uniform_neon(p.multiplier.m0, p.multiplier.shift);
  c.o = requant_out_neon(p.output_zero_point, p.qmin, p.qmax);
  c.za = vdupq_n_s8(static_cast<int8_t>(p.a_zero_point));
  c.zb = vdupq_n_s8(static_cast<int8_t>(p.b_zero_point));
  return c;
}

// kScalarB: db holds (b - zb) in every lane and vb is unused.
template <bool kScalarB>
inline int8x16_t mul16(const MulConsts& c, int8x16_t va, int8x16_t vb, int16x8_t db) {
  const int16x8_t da0 = vsubl_s8(vget_low_s8(va), vget_low_s8(c.za)), da1 = subl_high_neon(va, c.za);
  const int16x8_t db0 = kScalarB ? db : vsubl_s8(vget_low_s8(vb), vget_low_s8(c.zb));
  const int16x8_t db1 = kScalarB ? db : subl_high_neon(vb, c.zb);
  const int32x4_t p0 = vmull_s16(vget_low_s16(da0), vget_low_s16(db0));
  const int32x4_t p1 = vmull_s16(vget_high_s16(da0), vget_high_s16(db0));
  const int32x4_t p2 = vmull_s16(vget_low_s16(da1), vget_low_s16(db1));
  const int32x4_t p3 = vmull_s16(vget_high_s16(da1), vget_high_s16(db1));
  return requant_pack16_neon(requant_uniform_neon(p0, c.r, c.o), requant_uniform_neon(p1, c.r, c.o),
                             requant_uniform_neon(p2, c.r, c.o), requant_uniform_neon(p3, c.r, c.o), c.o);
}

template <bool kScalarB>
void mul(size_t n, const int8_t* a, const int8_t* b, int16x8_t db, const MulConsts& c, int8_t* y) {
  const int8x16_t zero = vdupq_n_s8(0);
  for (; n >= 16; n -= 16, a += 16, y += 16) {
    const int8x16_t vb = kScalarB ? zero : vld1q_s8(b);
    vst1q_s8(y, mul16<kScalarB>(c, vld1q_s8(a), vb, db));
    if (!kScalarB) b += 16;
  }
  if (n != 0) {
    int8_t ab[16] = {}, bb[16] = {}, yb[16];
    std::memcpy(ab, a, n);
    if (!kScalarB) std::memcpy(bb, b, n);
    vst1q_s8(yb, mul16<kScalarB>(c, vld1q_s8(ab), vld1q_s8(bb), db));
    std::memcpy(y, yb, n);
  }
}

}  // namespace

void qs8_vmul_16__neon(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y) {
  mul<false>(n, a, b, vdupq_n_s16(0), mul_consts(p), y);
}

void qs8_vmulc_16__neon(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y) {
  mul<true>(n, a, nullptr, vdupq_n_s16(static_cast<int16_t>(int32_t{b} - p.b_zero_point)), mul_consts(p), y);
}

}  // namespace octet

// Quantize / Dequantize, 8 lanes per step, ARMv7 NEON, the reference's float
// operations (kernels/reference/qs8-quantize-reference.cc). ARMv7 NEON has no
// division, converts to integers only by truncation, and always flushes denormals
// to zero (the "standard FPSCR value"), so:
// - q = x / S is divided by the VFP unit, lane by lane, as the reference does.
// - q is rounded by adding and subtracting M = 1.5 * 2^23: for |q| < 2^22 the sum
//   lies in (2^23, 2^24), where floats are the integers, so the addition rounds q to
//   the nearest integer with ties to even (M is even), nearbyint's rule in the
//   default rounding mode, and the subtraction is exact. For q >= 2^22 the sum is at
//   least 2^24 and the result at least 2^22; for q <= -2^22 the sum is at most 2^23
//   and the result at most -2^22 (infinities stay infinite): either way the clamp
//   below saturates as the reference does. A denormal q (read as 0) rounds to 0
//   either way. A NaN is replaced by Z at the end.
// - q + Z is clamped to [-128, 127] (exact where it matters), an integer that
//   truncation converts exactly.
// - Dequantize: S * float(q - Z) is exact NEON arithmetic when S is a normal float
//   (every nonzero product is at least S, never denormal; overflow gives infinity as
//   in VFP); other scales take the reference.
#include <arm_neon.h>

#include <cmath>

#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet {

namespace {

struct QuantizeConsts {
  float32x4_t magic, z, lo, hi;
  int32x4_t zq;
};

// 4 quotients (VFP divisions) -> 4 int32 values in [-128, 127].
inline int32x4_t quantize4(const QuantizeConsts& c, const float* x, float scale) {
  alignas(16) float d[4];
  for (int k = 0; k < 4; ++k) d[k] = x[k] / scale;
  const float32x4_t q = vld1q_f32(d);
  const uint32x4_t not_nan = vceqq_f32(q, q);
  float32x4_t r = vsubq_f32(vaddq_f32(q, c.magic), c.magic);
  r = vminq_f32(vmaxq_f32(vaddq_f32(r, c.z), c.lo), c.hi);
  return vbslq_s32(not_nan, vcvtq_s32_f32(r), c.zq);
}

}  // namespace

void qs8_quantize_8__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  if (zero_point < -128 || zero_point > 127) {  // no int8 tensor has one
    qs8_quantize__reference(n, x, scale, zero_point, y);
    return;
  }
  QuantizeConsts c;
  c.magic = vdupq_n_f32(12582912.0f);  // 1.5 * 2^23
  c.z = vdupq_n_f32(static_cast<float>(zero_point));
  c.lo = vdupq_n_f32(-128.0f);
  c.hi = vdupq_n_f32(127.0f);
  c.zq = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int32x4_t a = quantize4(c, x + i, scale), b = quantize4(c, x + i + 4, scale);
    vst1_s8(y + i, vmovn_s16(vcombine_s16(vmovn_s32(a), vmovn_s32(b))));
  }
  for (; i < n; ++i) y[i] = quantize_value_s8(x[i], scale, zero_point);
}

void qs8_dequantize_8__neon(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y) {
  if (!std::isnormal(scale)) {
    qs8_dequantize__reference(n, x, scale, zero_point, y);
    return;
  }
  const float32x4_t s = vdupq_n_f32(scale);
  const int32x4_t z = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const int16x8_t v = vmovl_s8(vld1_s8(x + i));
    vst1q_f32(y + i, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_low_s16(v)), z))));
    vst1q_f32(y + i + 4, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_high_s16(v)), z))));
  }
  for (; i < n; ++i) y[i] = scale * static_cast<float>(int32_t{x[i]} - zero_point);
}

}  // namespace octet

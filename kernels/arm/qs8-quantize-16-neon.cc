// Quantize / Dequantize, 16 lanes per step, AArch64 NEON, the reference's float
// operations (kernels/reference/qs8-quantize-reference.cc):
// - q = x / S is IEEE division (fdiv), and fcvtns rounds it to nearest, ties to even,
//   as nearbyint does in the default rounding mode; it saturates to int32 and gives 0
//   for NaN. With Z in [-128, 127], the reference's float sum q + Z is exact whenever
//   it is in int8 range, and a sum outside it (infinities, huge values) saturates with
//   the same sign as the saturating int32 sum here; NaN gives 0 + Z, clamped: Z. So
//   int32 saturating adds and narrowings give the reference's bytes.
// - Dequantize: S * float(q - Z) (int8 differences convert exactly).
// AArch64 NEON honours FPCR like the scalar unit (denormals included).
#include <arm_neon.h>

#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet {

namespace {

inline int16x8_t quantize8(const float* x, float32x4_t s, int32x4_t z) {
  const int32x4_t q0 = vqaddq_s32(vcvtnq_s32_f32(vdivq_f32(vld1q_f32(x), s)), z);
  const int32x4_t q1 = vqaddq_s32(vcvtnq_s32_f32(vdivq_f32(vld1q_f32(x + 4), s)), z);
  return vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
}

}  // namespace

void qs8_quantize_16__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  if (zero_point < -128 || zero_point > 127) {  // no int8 tensor has one
    qs8_quantize__reference(n, x, scale, zero_point, y);
    return;
  }
  const float32x4_t s = vdupq_n_f32(scale);
  const int32x4_t z = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const int16x8_t a = quantize8(x + i, s, z), b = quantize8(x + i + 8, s, z);
    vst1q_s8(y + i, vcombine_s8(vqmovn_s16(a), vqmovn_s16(b)));
  }
  if (i + 8 <= n) {
    vst1_s8(y + i, vqmovn_s16(quantize8(x + i, s, z)));
    i += 8;
  }
  for (; i < n; ++i) y[i] = quantize_value_s8(x[i], scale, zero_point);
}

void qs8_dequantize_16__neon(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y) {
  const float32x4_t s = vdupq_n_f32(scale);
  const int32x4_t z = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const int8x16_t v = vld1q_s8(x + i);
    const int16x8_t lo = vmovl_s8(vget_low_s8(v)), hi = vmovl_s8(vget_high_s8(v));
    vst1q_f32(y + i, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_low_s16(lo)), z))));
    vst1q_f32(y + i + 4, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_high_s16(lo)), z))));
    vst1q_f32(y + i + 8, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_low_s16(hi)), z))));
    vst1q_f32(y + i + 12, vmulq_f32(s, vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_high_s16(hi)), z))));
  }
  for (; i < n; ++i) y[i] = scale * static_cast<float>(int32_t{x[i]} - zero_point);
}

}  // namespace octet

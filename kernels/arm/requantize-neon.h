// The requantization rule of docs/QUANTIZATION.md on int32 lanes, NEON (AArch64 and
// ARMv7):
//   y = clamp(Z + round(acc * m0 * 2^-shift), qmin, qmax)
// exactly kernels/reference/requantize.h. The product acc * m0 is formed in 64 bits
// (smull), and srshl by -shift is the reference's rounding shift: it adds 2^(shift-1)
// and shifts right arithmetically (floor), so ties go toward +inf, for every shift
// in [1, 62]. The 64-bit result is saturated to int32 (sqxtn) before Z is added with
// saturation; since qmin and qmax are int8 values, saturating first cannot change
// the clamped result. Include only from NEON files; internal linkage throughout.
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace octet {
namespace {

// The constants of 4 output channels.
struct RequantLanesNeon {
  int32x4_t m0;
  int64x2_t sh_lo, sh_hi;  // -shift of channels 0-1 and 2-3
};

struct RequantOutNeon {
  int32x4_t zp;
  int8x16_t qmin, qmax;
};

inline RequantLanesNeon requant_lanes_neon(const int32_t* m0, const int32_t* shift) {
  RequantLanesNeon r;
  r.m0 = vld1q_s32(m0);
  const int32x4_t neg = vnegq_s32(vld1q_s32(shift));
  r.sh_lo = vmovl_s32(vget_low_s32(neg));
  r.sh_hi = vmovl_s32(vget_high_s32(neg));
  return r;
}

inline RequantOutNeon requant_out_neon(int32_t zero_point, int32_t qmin, int32_t qmax) {
  RequantOutNeon o;
  o.zp = vdupq_n_s32(zero_point);
  o.qmin = vdupq_n_s8(static_cast<int8_t>(qmin));
  o.qmax = vdupq_n_s8(static_cast<int8_t>(qmax));
  return o;
}

// 4 accumulators -> 4 int32 values Z + round(acc * M), saturated to int32 (the clamp
// to [qmin, qmax] comes with the narrowing).
inline int32x4_t requant_neon(int32x4_t acc, const RequantLanesNeon& r, const RequantOutNeon& o) {
  int64x2_t lo = vmull_s32(vget_low_s32(acc), vget_low_s32(r.m0));
  int64x2_t hi = vmull_s32(vget_high_s32(acc), vget_high_s32(r.m0));
  lo = vrshlq_s64(lo, r.sh_lo);
  hi = vrshlq_s64(hi, r.sh_hi);
  const int32x4_t y = vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi));
  return vqaddq_s32(y, o.zp);
}

// The same rule in 32-bit lanes, for channels whose every shift is in [32, 62]:
//   y = Z + srshl(sqdmulh(acc, m0), -(shift - 31))
// sqdmulh gives the high half of 2 * acc * m0, that is floor(acc * m0 / 2^31) (no
// saturation: m0 >= 0 is never INT32_MIN). With k = shift - 31 in [1, 31] and the
// integer 2^(k-1), floor((floor(a / 2^31) + 2^(k-1)) / 2^k) =
// floor((a + 2^(shift-1)) / 2^shift), the reference's rounding; srshl adds 2^(k-1)
// and shifts in full precision, and the result fits int32. Exact, with 3
// instructions per 4 channels instead of 7.
struct RequantHighNeon {
  int32x4_t m0;
  int32x4_t sh;  // -(shift - 31)
};

inline RequantHighNeon requant_high_lanes_neon(const int32_t* m0, const int32_t* shift) {
  RequantHighNeon r;
  r.m0 = vld1q_s32(m0);
  r.sh = vsubq_s32(vdupq_n_s32(31), vld1q_s32(shift));
  return r;
}

inline int32x4_t requant_high_neon(int32x4_t acc, const RequantHighNeon& r, const RequantOutNeon& o) {
  return vqaddq_s32(vrshlq_s32(vqdmulhq_s32(acc, r.m0), r.sh), o.zp);
}

// 16 values (channels 0-3, 4-7, 8-11, 12-15) -> 16 bytes clamped to [qmin, qmax].
inline int8x16_t requant_pack16_neon(int32x4_t y0, int32x4_t y1, int32x4_t y2, int32x4_t y3,
                                     const RequantOutNeon& o) {
  const int16x8_t a = vcombine_s16(vqmovn_s32(y0), vqmovn_s32(y1));
  const int16x8_t b = vcombine_s16(vqmovn_s32(y2), vqmovn_s32(y3));
  const int8x16_t v = vcombine_s8(vqmovn_s16(a), vqmovn_s16(b));
  return vminq_s8(vmaxq_s8(v, o.qmin), o.qmax);
}

// 8 values -> 8 bytes clamped to [qmin, qmax].
inline int8x8_t requant_pack8_neon(int32x4_t y0, int32x4_t y1, const RequantOutNeon& o) {
  const int8x8_t v = vqmovn_s16(vcombine_s16(vqmovn_s32(y0), vqmovn_s32(y1)));
  return vmin_s8(vmax_s8(v, vget_low_s8(o.qmin)), vget_low_s8(o.qmax));
}

// Stores the first n (<= 16) bytes of v.
inline void store_bytes_neon(int8_t* out, int8x16_t v, size_t n) {
  if (n >= 16) {
    vst1q_s8(out, v);
    return;
  }
  alignas(16) int8_t tmp[16];
  vst1q_s8(tmp, v);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[i];
}

// Stores the first n (<= 8) bytes of v.
inline void store_bytes8_neon(int8_t* out, int8x8_t v, size_t n) {
  if (n >= 8) {
    vst1_s8(out, v);
    return;
  }
  alignas(8) int8_t tmp[8];
  vst1_s8(tmp, v);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[i];
}

}  // namespace
}  // namespace octet

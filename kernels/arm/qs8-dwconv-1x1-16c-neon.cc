// 1x1 depthwise convolution, 16 channels per step, NEON (AArch64 and ARMv7): the
// input bytes sign-extended to int16 (sxtl), 4 smlal onto the packed bias
// (bias - Z * w; int8 weights narrowed to int16 once per block), and the
// requantization of requantize-neon.h: its 32-bit form for a block whose every shift
// is in [32, 62] (exact there), else the 64-bit one.
#include <cstring>

#include "kernels/arm/qs8-dwconv-arm.h"
#include "kernels/arm/requantize-neon.h"

namespace octet {

namespace {

template <bool kHigh>
struct Dw1x1RequantNeon;

template <>
struct Dw1x1RequantNeon<false> {
  RequantLanesNeon r[4];
  Dw1x1RequantNeon(const int32_t* m0, const int32_t* shift) {
    for (int i = 0; i < 4; ++i) r[i] = requant_lanes_neon(m0 + 4 * i, shift + 4 * i);
  }
  int32x4_t apply(int32x4_t acc, int i, const RequantOutNeon& o) const { return requant_neon(acc, r[i], o); }
};

template <>
struct Dw1x1RequantNeon<true> {
  RequantHighNeon r[4];
  Dw1x1RequantNeon(const int32_t* m0, const int32_t* shift) {
    for (int i = 0; i < 4; ++i) r[i] = requant_high_lanes_neon(m0 + 4 * i, shift + 4 * i);
  }
  int32x4_t apply(int32x4_t acc, int i, const RequantOutNeon& o) const { return requant_high_neon(acc, r[i], o); }
};

// Channels c0 .. c0 + n - 1 of every pixel: n == 16 when kFull, else n < 16.
template <bool kHigh, bool kFull>
void dw1x1_block_neon(size_t pixels, size_t channels, size_t n, const int8_t* x, const int32_t* bias,
                      const int32_t* w32, const int32_t* m0, const int32_t* shift, int8_t* y,
                      const RequantOutNeon& ro) {
  const Dw1x1RequantNeon<kHigh> rq(m0, shift);
  const int32x4_t b0 = vld1q_s32(bias), b1 = vld1q_s32(bias + 4), b2 = vld1q_s32(bias + 8),
                  b3 = vld1q_s32(bias + 12);
  const int16x8_t w0 = vcombine_s16(vmovn_s32(vld1q_s32(w32)), vmovn_s32(vld1q_s32(w32 + 4)));
  const int16x8_t w1 = vcombine_s16(vmovn_s32(vld1q_s32(w32 + 8)), vmovn_s32(vld1q_s32(w32 + 12)));
  for (size_t p = 0; p < pixels; ++p, x += channels, y += channels) {
    int8x16_t v;
    if (kFull) {
      v = vld1q_s8(x);
    } else {
      alignas(16) int8_t t[16] = {};
      std::memcpy(t, x, n);  // exactly the n channels of this pixel
      v = vld1q_s8(t);
    }
    const int16x8_t lo = vmovl_s8(vget_low_s8(v)), hi = vmovl_s8(vget_high_s8(v));
    const int32x4_t a0 = vmlal_s16(b0, vget_low_s16(lo), vget_low_s16(w0));
    const int32x4_t a1 = vmlal_s16(b1, vget_high_s16(lo), vget_high_s16(w0));
    const int32x4_t a2 = vmlal_s16(b2, vget_low_s16(hi), vget_low_s16(w1));
    const int32x4_t a3 = vmlal_s16(b3, vget_high_s16(hi), vget_high_s16(w1));
    const int8x16_t q =
        requant_pack16_neon(rq.apply(a0, 0, ro), rq.apply(a1, 1, ro), rq.apply(a2, 2, ro), rq.apply(a3, 3, ro), ro);
    store_bytes_neon(y, q, kFull ? 16 : n);
  }
}

}  // namespace

void qs8_dwconv_1x1_16c__neon(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                              const QS8GemmOutput& out) {
  const size_t cp = qs8_dwconv1x1_packed_ints(channels) / 4;  // a multiple of 16
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  for (size_t c0 = 0; c0 < channels; c0 += 16) {
    const size_t n = channels - c0 < 16 ? channels - c0 : 16;
    const int32_t* shift = packed + 3 * cp + c0;
    bool high = true;  // padding lanes (shift 1) are never stored: only real channels decide
    for (size_t i = 0; i < n; ++i) high = high && shift[i] >= 32;
    const int32_t *bias = packed + c0, *w = packed + cp + c0, *m0 = packed + 2 * cp + c0;
    if (n == 16) {
      if (high) {
        dw1x1_block_neon<true, true>(pixels, channels, n, x + c0, bias, w, m0, shift, y + c0, ro);
      } else {
        dw1x1_block_neon<false, true>(pixels, channels, n, x + c0, bias, w, m0, shift, y + c0, ro);
      }
    } else if (high) {
      dw1x1_block_neon<true, false>(pixels, channels, n, x + c0, bias, w, m0, shift, y + c0, ro);
    } else {
      dw1x1_block_neon<false, false>(pixels, channels, n, x + c0, bias, w, m0, shift, y + c0, ro);
    }
  }
}

}  // namespace octet

// AveragePool / GlobalAveragePool of one output pixel, 16 channels per step (then 8),
// NEON: the window's bytes summed in int16 (saddw; at most 256 at a time, |sum| <=
// 32768), widened into int32 (saddw), the zero point's share (zi * pixels) taken
// off, and the requantization of requantize-uniform-neon.h: exactly
// qs8_avgpool2d__reference / qs8_global_avgpool__reference.
#include <arm_neon.h>

#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/arm/requantize-uniform-neon.h"

namespace octet {

namespace {

inline void flush(int32x4_t acc[4], int16x8_t& s0, int16x8_t& s1) {
  acc[0] = vaddw_s16(acc[0], vget_low_s16(s0));
  acc[1] = vaddw_s16(acc[1], vget_high_s16(s0));
  acc[2] = vaddw_s16(acc[2], vget_low_s16(s1));
  acc[3] = vaddw_s16(acc[3], vget_high_s16(s1));
  s0 = s1 = vdupq_n_s16(0);
}

}  // namespace

void qs8_avgpool_16__neon(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y) {
  const RequantUniformNeon rl = requant_uniform_neon(p.m.m0, p.m.shift);
  const RequantOutNeon ro = requant_out_neon(p.output_zero_point, p.qmin, p.qmax);
  // pixels <= 2^23 (GlobalAveragePool's bound) or 2^15 (AveragePool's): fits in int32.
  const int32_t correction = p.input_zero_point * static_cast<int32_t>(w.rows * w.cols);
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    int32x4_t acc[4];
    acc[0] = acc[1] = acc[2] = acc[3] = vdupq_n_s32(-correction);
    int16x8_t s0 = vdupq_n_s16(0), s1 = s0;
    int pending = 0;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) {
        const int8x16_t v = vld1q_s8(px);
        s0 = vaddw_s8(s0, vget_low_s8(v));
        s1 = vaddw_s8(s1, vget_high_s8(v));
        if (++pending == 256) {
          flush(acc, s0, s1);
          pending = 0;
        }
      }
    }
    flush(acc, s0, s1);
    const int8x16_t out = requant_pack16_neon(requant_uniform_neon(acc[0], rl, ro), requant_uniform_neon(acc[1], rl, ro),
                                              requant_uniform_neon(acc[2], rl, ro), requant_uniform_neon(acc[3], rl, ro), ro);
    vst1q_s8(y + c, out);
  }
  if (c + 8 <= channels) {
    int32x4_t acc0 = vdupq_n_s32(-correction), acc1 = acc0;
    int16x8_t s = vdupq_n_s16(0);
    int pending = 0;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) {
        s = vaddw_s8(s, vld1_s8(px));
        if (++pending == 256) {
          acc0 = vaddw_s16(acc0, vget_low_s16(s));
          acc1 = vaddw_s16(acc1, vget_high_s16(s));
          s = vdupq_n_s16(0);
          pending = 0;
        }
      }
    }
    acc0 = vaddw_s16(acc0, vget_low_s16(s));
    acc1 = vaddw_s16(acc1, vget_high_s16(s));
    vst1_s8(y + c, requant_pack8_neon(requant_uniform_neon(acc0, rl, ro), requant_uniform_neon(acc1, rl, ro), ro));
    c += 8;
  }
  for (; c < channels; ++c) {
    int32_t sum = -correction;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* px = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, px += w.col_stride) sum += *px;
    }
    y[c] = requantize_s8(sum, p.m.m0, p.m.shift, p.output_zero_point, p.qmin, p.qmax);
  }
}

}  // namespace octet

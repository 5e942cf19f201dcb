// MaxPool of one output pixel, 32 channels per step, NEON: the byte maximum over the
// clipped window (from -128), then the clamp, exactly qs8_maxpool2d__reference.
#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/qs8-elementwise-arm.h"

namespace octet {

void qs8_maxpool_32__neon(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y) {
  const int8x16_t lo = vdupq_n_s8(static_cast<int8_t>(qmin)), hi = vdupq_n_s8(static_cast<int8_t>(qmax));
  size_t c = 0;
  for (; c + 32 <= channels; c += 32) {
    int8x16_t m0 = vdupq_n_s8(-128), m1 = m0;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) {
        m0 = vmaxq_s8(m0, vld1q_s8(p));
        m1 = vmaxq_s8(m1, vld1q_s8(p + 16));
      }
    }
    vst1q_s8(y + c, vminq_s8(vmaxq_s8(m0, lo), hi));
    vst1q_s8(y + c + 16, vminq_s8(vmaxq_s8(m1, lo), hi));
  }
  for (; c + 8 <= channels; c += 8) {
    int8x8_t m = vdup_n_s8(-128);
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) m = vmax_s8(m, vld1_s8(p));
    }
    vst1_s8(y + c, vmin_s8(vmax_s8(m, vget_low_s8(lo)), vget_low_s8(hi)));
  }
  for (; c < channels; ++c) {
    int32_t m = -128;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) m = std::max<int32_t>(m, *p);
    }
    y[c] = static_cast<int8_t>(std::min(std::max(m, qmin), qmax));
  }
}

}  // namespace octet

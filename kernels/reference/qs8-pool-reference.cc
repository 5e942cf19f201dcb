#include "kernels/reference/qs8-pool-reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace octet {

namespace {

// Calls f(iy, ix) for the window of output (oy, ox) clipped to the image, and
// returns the unclipped window size.
template <typename F>
int for_each_in_window(const ConvShape& s, int oy, int ox, F&& f) {
  for (int ky = 0; ky < s.kernel_h; ++ky) {
    const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
    if (iy < 0 || iy >= s.in_h) continue;
    for (int kx = 0; kx < s.kernel_w; ++kx) {
      const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
      if (ix < 0 || ix >= s.in_w) continue;
      f(iy, ix);
    }
  }
  return s.kernel_h * s.kernel_w;
}

size_t offset(const ConvShape& s, int n, int y, int x, int h, int w) {
  return ((static_cast<size_t>(n) * h + y) * w + x) * s.in_c;
}

}  // namespace

void qs8_maxpool2d__reference(const ConvShape& s, const int8_t* x, int32_t qmin, int32_t qmax,
                              int8_t* y) {
  for (int n = 0; n < s.batch; ++n)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        int8_t* out = y + offset(s, n, oy, ox, s.out_h, s.out_w);
        for (int c = 0; c < s.in_c; ++c) {
          int32_t m = -128;
          for_each_in_window(s, oy, ox, [&](int iy, int ix) {
            m = std::max<int32_t>(m, x[offset(s, n, iy, ix, s.in_h, s.in_w) + c]);
          });
          out[c] = static_cast<int8_t>(std::min(std::max(m, qmin), qmax));
        }
      }
}

void f32_maxpool2d__reference(const ConvShape& s, const float* x, float out_min, float out_max,
                              float* y) {
  for (int n = 0; n < s.batch; ++n)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        float* out = y + offset(s, n, oy, ox, s.out_h, s.out_w);
        for (int c = 0; c < s.in_c; ++c) {
          float m = -std::numeric_limits<float>::infinity();
          for_each_in_window(s, oy, ox, [&](int iy, int ix) {
            m = std::max(m, x[offset(s, n, iy, ix, s.in_h, s.in_w) + c]);
          });
          out[c] = std::min(std::max(m, out_min), out_max);
        }
      }
}

bool compute_qs8_avgpool_multipliers(float in_scale, float out_scale, int max_count,
                                     std::vector<QuantizedMultiplier>* multipliers) {
  if (!std::isfinite(in_scale) || !(in_scale > 0) || !std::isfinite(out_scale) ||
      !(out_scale > 0) || max_count < 1) {
    return false;
  }
  multipliers->assign(static_cast<size_t>(max_count) + 1, QuantizedMultiplier{});
  for (int count = 1; count <= max_count; ++count) {
    const double m = static_cast<double>(in_scale) / (static_cast<double>(out_scale) * count);
    if (!quantize_multiplier(m, &(*multipliers)[count])) return false;
  }
  return true;
}

void qs8_avgpool2d__reference(const ConvShape& s, const int8_t* x, const QAvgPoolParams& p,
                              int8_t* y) {
  for (int n = 0; n < s.batch; ++n)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        int8_t* out = y + offset(s, n, oy, ox, s.out_h, s.out_w);
        for (int c = 0; c < s.in_c; ++c) {
          int32_t sum = 0;
          int count = 0;
          const int window = for_each_in_window(s, oy, ox, [&](int iy, int ix) {
            sum += int32_t{x[offset(s, n, iy, ix, s.in_h, s.in_w) + c]} - p.input_zero_point;
            ++count;
          });
          if (p.count_include_pad) count = window;
          if (count == 0) {  // window entirely in the padding: the real value 0
            out[c] = static_cast<int8_t>(std::min(std::max(p.output_zero_point, p.qmin), p.qmax));
            continue;
          }
          const QuantizedMultiplier& m = p.multipliers[count];
          out[c] = requantize_s8(sum, m.m0, m.shift, p.output_zero_point, p.qmin, p.qmax);
        }
      }
}

void f32_avgpool2d__reference(const ConvShape& s, const float* x, bool count_include_pad,
                              float out_min, float out_max, float* y) {
  for (int n = 0; n < s.batch; ++n)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        float* out = y + offset(s, n, oy, ox, s.out_h, s.out_w);
        for (int c = 0; c < s.in_c; ++c) {
          float sum = 0;
          int count = 0;
          const int window = for_each_in_window(s, oy, ox, [&](int iy, int ix) {
            sum += x[offset(s, n, iy, ix, s.in_h, s.in_w) + c];
            ++count;
          });
          if (count_include_pad) count = window;
          const float v = count == 0 ? 0.0f : sum / static_cast<float>(count);
          out[c] = std::min(std::max(v, out_min), out_max);
        }
      }
}

void qs8_global_avgpool__reference(size_t batch, size_t hw, size_t channels, const int8_t* x,
                                   const QGlobalAvgPoolParams& p, int8_t* y) {
  const QuantizedMultiplier& m = p.multiplier;
  for (size_t n = 0; n < batch; ++n)
    for (size_t c = 0; c < channels; ++c) {
      int32_t sum = 0;
      for (size_t i = 0; i < hw; ++i) sum += int32_t{x[(n * hw + i) * channels + c]} - p.input_zero_point;
      y[n * channels + c] = requantize_s8(sum, m.m0, m.shift, p.output_zero_point, p.qmin, p.qmax);
    }
}

void f32_global_avgpool__reference(size_t batch, size_t hw, size_t channels, const float* x,
                                   float* y) {
  for (size_t n = 0; n < batch; ++n)
    for (size_t c = 0; c < channels; ++c) {
      float sum = 0;
      for (size_t i = 0; i < hw; ++i) sum += x[(n * hw + i) * channels + c];
      y[n * channels + c] = sum / static_cast<float>(hw);
    }
}

}  // namespace octet

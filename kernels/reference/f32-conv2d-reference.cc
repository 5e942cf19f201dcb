#include "kernels/reference/f32-conv2d-reference.h"

#include <algorithm>

namespace octet {

void f32_conv2d__reference(const ConvShape& s, const float* input, const float* weights,
                           const float* bias, float out_min, float out_max, float* output,
                           size_t row_begin, size_t row_end) {
  const int group_in = s.in_c / s.groups;
  const int group_out = s.out_c / s.groups;
  for (size_t row = row_begin; row < row_end; ++row) {
    const int n = static_cast<int>(row / s.out_h);
    const int oy = static_cast<int>(row % s.out_h);
    for (int ox = 0; ox < s.out_w; ++ox) {
      float* out = output + ((static_cast<size_t>(n) * s.out_h + oy) * s.out_w + ox) * s.out_c;
      for (int oc = 0; oc < s.out_c; ++oc) {
        const int g = oc / group_out;
        float acc = bias != nullptr ? bias[oc] : 0.0f;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (ix < 0 || ix >= s.in_w) continue;
            const float* x =
                input + ((static_cast<size_t>(n) * s.in_h + iy) * s.in_w + ix) * s.in_c + g * group_in;
            const float* w =
                weights + ((static_cast<size_t>(oc) * s.kernel_h + ky) * s.kernel_w + kx) * group_in;
            for (int ic = 0; ic < group_in; ++ic) acc += x[ic] * w[ic];
          }
        }
        out[oc] = std::min(std::max(acc, out_min), out_max);
      }
    }
  }
}

void f32_fully_connected__reference(size_t k, size_t n, const float* input, const float* weights,
                                    const float* bias, float out_min, float out_max,
                                    float* output, size_t row_begin, size_t row_end) {
  for (size_t r = row_begin; r < row_end; ++r) {
    for (size_t c = 0; c < n; ++c) {
      float acc = bias != nullptr ? bias[c] : 0.0f;
      for (size_t i = 0; i < k; ++i) acc += input[r * k + i] * weights[c * k + i];
      output[r * n + c] = std::min(std::max(acc, out_min), out_max);
    }
  }
}

}  // namespace octet

#include "kernels/reference/qs8-conv2d-reference.h"

namespace octet {

void qs8_conv2d__reference(const ConvShape& s, const int8_t* input, int32_t input_zero_point,
                           const int8_t* weights, const int32_t* bias, const RequantParams& rq,
                           int8_t* output, size_t row_begin, size_t row_end) {
  const int group_in = s.in_c / s.groups;
  const int group_out = s.out_c / s.groups;
  for (size_t row = row_begin; row < row_end; ++row) {
    const int n = static_cast<int>(row / s.out_h);
    const int oy = static_cast<int>(row % s.out_h);
    for (int ox = 0; ox < s.out_w; ++ox) {
      int8_t* out = output + ((static_cast<size_t>(n) * s.out_h + oy) * s.out_w + ox) * s.out_c;
      for (int oc = 0; oc < s.out_c; ++oc) {
        const int g = oc / group_out;
        int32_t acc = bias != nullptr ? bias[oc] : 0;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            if (ix < 0 || ix >= s.in_w) continue;
            const int8_t* x =
                input + ((static_cast<size_t>(n) * s.in_h + iy) * s.in_w + ix) * s.in_c + g * group_in;
            const int8_t* w =
                weights + ((static_cast<size_t>(oc) * s.kernel_h + ky) * s.kernel_w + kx) * group_in;
            for (int ic = 0; ic < group_in; ++ic) {
              acc += (static_cast<int32_t>(x[ic]) - input_zero_point) * static_cast<int32_t>(w[ic]);
            }
          }
        }
        out[oc] = requantize_channel(rq, acc, oc);
      }
    }
  }
}

}  // namespace octet

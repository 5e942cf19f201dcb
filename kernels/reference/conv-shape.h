// Geometry of a 2-D convolution or pooling window over NHWC tensors, shared by the
// int8 and float kernels and by the runtime's shape checks.
#pragma once

#include <cstdint>

namespace octet {

struct ConvShape {
  int batch = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int groups = 1;
};

// Output extent of one spatial axis: floor((in + pads - dilated kernel) / stride) + 1,
// or -1 when the window does not fit.
inline int64_t conv_output_size(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel,
                                int64_t stride, int64_t dilation) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t padded = in + pad_begin + pad_end;
  if (stride <= 0 || padded < span) return -1;
  return (padded - span) / stride + 1;
}

}  // namespace octet

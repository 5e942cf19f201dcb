#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/conv-shape.h"
#include "kernels/reference/requantize.h"

namespace octet {

// int8 2-D convolution, NHWC input and output, OHWI weights (out_c, kh, kw,
// in_c / groups), symmetric per-channel weights, int32 bias (may be null):
//   acc[c] = bias[c] + sum (x - input_zero_point) * w
//   y = requantize(acc[c])
// Padded positions contribute nothing (they hold the real value 0). Computes the
// output rows [row_begin, row_end) of the flattened (batch * out_h) row index.
void qs8_conv2d__reference(const ConvShape& s, const int8_t* input, int32_t input_zero_point,
                           const int8_t* weights, const int32_t* bias, const RequantParams& rq,
                           int8_t* output, size_t row_begin, size_t row_end);

}  // namespace octet

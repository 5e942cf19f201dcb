#pragma once

#include <cstddef>

#include "kernels/reference/conv-shape.h"

namespace octet {

// float 2-D convolution for float regions; same layouts as the int8 kernel.
// Sums in a fixed order (bias, then ky, kx, ic) so results do not depend on threads.
void f32_conv2d__reference(const ConvShape& s, const float* input, const float* weights,
                           const float* bias, float out_min, float out_max, float* output,
                           size_t row_begin, size_t row_end);

// float fully connected: y[r][c] = clamp(bias[c] + sum x[r][i] * w[c][i]).
void f32_fully_connected__reference(size_t k, size_t n, const float* input, const float* weights,
                                    const float* bias, float out_min, float out_max,
                                    float* output, size_t row_begin, size_t row_end);

}  // namespace octet

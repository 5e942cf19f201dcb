#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace octet {

// int8 fully connected: input rows of k values, weights (n, k), int32 bias (may be
// null), output rows of n values: y[r][c] = requantize(bias[c] + sum (x - zp) * w[c]).
// Computes rows [row_begin, row_end).
void qs8_fully_connected__reference(size_t k, size_t n, const int8_t* input,
                                    int32_t input_zero_point, const int8_t* weights,
                                    const int32_t* bias, const RequantParams& rq, int8_t* output,
                                    size_t row_begin, size_t row_end);

}  // namespace octet

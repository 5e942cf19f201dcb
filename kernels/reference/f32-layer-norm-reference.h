#pragma once

#include <cstddef>

namespace octet {

// Layer normalization of rows of `channels` floats:
//   mean = sum(x) / C,  var = sum((x - mean)^2) / C       (double, in index order)
//   y    = float((x - mean) * (1 / sqrt(var + epsilon)) * gamma + beta)   (double)
// beta may be null (0). Every operation is an IEEE double operation in a fixed order
// (sqrt is correctly rounded), so the bytes do not depend on threads, ISA or C library.
// Computes rows [row_begin, row_end).
void f32_layer_norm__reference(size_t channels, const float* x, const float* gamma,
                               const float* beta, float epsilon, float* y, size_t row_begin,
                               size_t row_end);

}  // namespace octet

#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qs8-softmax-reference.h"

namespace octet {

// qs8_softmax__reference's arithmetic with its 64-bit division done once per
// distinct difference d = max(row) - x (at most 256 per row) rather than once per
// element: a row's outputs depend on x only through d, so a 256-entry table of
// results per row gives the same bytes. The sum comes from a histogram of the row.
// Rows [row_begin, row_end).
void qs8_softmax__lut(size_t channels, const int8_t* x, const QSoftmaxParams& p, int8_t* y, size_t row_begin,
                      size_t row_end);

}  // namespace octet

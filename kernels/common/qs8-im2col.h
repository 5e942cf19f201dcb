#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/conv-shape.h"

namespace octet {

// Rows [m_begin, m_end) of the im2col matrix of a convolution with groups == 1:
// row m is output pixel m of the flattened (batch, out_h, out_w) index, holding its
// K = kernel_h * kernel_w * in_c inputs in (ky, kx, c) order, the order of OHWI
// weights. Padded positions hold pad_value (the input zero point: the real 0).
// Row i of the result starts at out + (i - m_begin) * out_stride. With out_stride at
// least K + 8 the copies may write up to 7 bytes past K (never read: K bytes are the
// row), and read up to 7 bytes past a run but never past the input's last row.
void qs8_im2col(const ConvShape& s, const int8_t* input, int8_t pad_value, size_t m_begin, size_t m_end,
                int8_t* out, size_t out_stride);

}  // namespace octet

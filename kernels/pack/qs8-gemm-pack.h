#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/pack/qs8-gemm-layout.h"

namespace octet {

// Packs weights (n rows of k int8 values, row i at w + i * w_row_stride), bias
// (n values, may be null), per-channel multipliers (m0/shift: n entries, or one
// entry used for all channels when !per_channel) and the input zero point into
// `layout` (qs8-gemm-layout.h). `out` holds layout.packed_bytes(n, k) bytes and
// must be 64-byte aligned.
void qs8_gemm_pack(const QS8GemmLayout& layout, size_t n, size_t k, const int8_t* w, size_t w_row_stride,
                   const int32_t* bias, int32_t input_zero_point, const int32_t* m0, const int32_t* shift,
                   bool per_channel, void* out);

// Packs an int8 *activation* B (both operands of a matrix product are activations)
// into an int16 layout: weight (j, i) = b[j * stride_j + i * stride_i] - b_zero_point
// (in [-255, 255]; vpmaddwd pair sums stay below 2^17), bias = -a_zero_point * its
// row sum, and one multiplier for every column. Then the kernel's sum x * w + bias is
// sum (x - Za)(b - Zb) exactly. layout.int16 must be set.
void qs8_gemm_pack_activation(const QS8GemmLayout& layout, size_t n, size_t k, const int8_t* b, size_t stride_j,
                              size_t stride_i, int32_t b_zero_point, int32_t a_zero_point, int32_t m0,
                              int32_t shift, void* out);

}  // namespace octet

#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/requantize.h"

namespace octet {

// Geometry of out[..., M, N] = A[..., M, K] x B[..., K, N] (B[..., N, K] when
// transpose_b). `batch` broadcasts the batch dimensions (all but the last two) of A and
// B onto the output's: its strides count whole matrices (M * K elements of A, K * N of
// B). Rows are numbered batch-major: row r is row r % m of output matrix r / m.
struct BatchMatMulShape {
  BroadcastShape batch;
  size_t m = 0, k = 0, n = 0;
  bool transpose_b = false;
};

// Fills `s` from the shapes of A and B (ranks >= 2); false when a rank is below 2 or
// above kMaxRank, the inner dimensions differ, or the batch dimensions do not broadcast.
bool make_batch_matmul_shape(const int64_t* a, int a_rank, const int64_t* b, int b_rank,
                             bool transpose_b, BatchMatMulShape* s);

// Offsets (in elements) of the A and B matrices behind output matrix `index`.
void batch_matmul_offsets(const BatchMatMulShape& s, size_t index, size_t* a_offset, size_t* b_offset);

// int8: acc = sum_k (a - a_zero_point) * (b - b_zero_point) in int32 (the caller checks
// K * 255 * 255 < 2^31), y = requantize_channel(rq, acc, 0): one multiplier for the whole
// tensor. Computes output rows [row_begin, row_end).
void qs8_batch_matmul__reference(const BatchMatMulShape& s, const int8_t* a, int32_t a_zero_point,
                                 const int8_t* b, int32_t b_zero_point, const RequantParams& rq,
                                 int8_t* y, size_t row_begin, size_t row_end);

// float: y = clamp(sum_k a * b, out_min, out_max), summed in order of k from 0.0f.
void f32_batch_matmul__reference(const BatchMatMulShape& s, const float* a, const float* b,
                                 float out_min, float out_max, float* y, size_t row_begin,
                                 size_t row_end);

}  // namespace octet

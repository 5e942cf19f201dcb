#include "kernels/reference/qs8-batch-matmul-reference.h"

#include <algorithm>

namespace octet {

bool make_batch_matmul_shape(const int64_t* a, int a_rank, const int64_t* b, int b_rank,
                             bool transpose_b, BatchMatMulShape* s) {
  if (a_rank < 2 || b_rank < 2 || a_rank > kMaxRank || b_rank > kMaxRank) return false;
  const int64_t m = a[a_rank - 2], k = a[a_rank - 1];
  const int64_t bk = transpose_b ? b[b_rank - 1] : b[b_rank - 2];
  const int64_t n = transpose_b ? b[b_rank - 2] : b[b_rank - 1];
  if (m < 0 || k < 0 || n < 0 || bk != k) return false;
  if (!make_broadcast_shape(a, a_rank - 2, b, b_rank - 2, &s->batch)) return false;
  s->m = static_cast<size_t>(m);
  s->k = static_cast<size_t>(k);
  s->n = static_cast<size_t>(n);
  s->transpose_b = transpose_b;
  return true;
}

namespace {

// Offsets (in elements) of the A and B matrices of output matrix `index`.
void matrix_offsets(const BatchMatMulShape& s, size_t index, size_t* a_offset, size_t* b_offset) {
  size_t a_matrix = 0, b_matrix = 0;
  for (int d = s.batch.rank - 1; d >= 0; --d) {
    const size_t dim = static_cast<size_t>(s.batch.out_dims[d]);
    const size_t i = index % dim;
    index /= dim;
    a_matrix += i * static_cast<size_t>(s.batch.a_strides[d]);
    b_matrix += i * static_cast<size_t>(s.batch.b_strides[d]);
  }
  *a_offset = a_matrix * s.m * s.k;
  *b_offset = b_matrix * s.k * s.n;
}

}  // namespace

void batch_matmul_offsets(const BatchMatMulShape& s, size_t index, size_t* a_offset, size_t* b_offset) {
  matrix_offsets(s, index, a_offset, b_offset);
}

void qs8_batch_matmul__reference(const BatchMatMulShape& s, const int8_t* a, int32_t a_zero_point,
                                 const int8_t* b, int32_t b_zero_point, const RequantParams& rq,
                                 int8_t* y, size_t row_begin, size_t row_end) {
  // Element (k, j) of a B matrix; transpose_b stores it at (j, k).
  const size_t b_row = s.transpose_b ? 1 : s.n, b_col = s.transpose_b ? s.k : 1;
  for (size_t r = row_begin; r < row_end; ++r) {
    size_t a_offset = 0, b_offset = 0;
    matrix_offsets(s, r / s.m, &a_offset, &b_offset);
    const int8_t* x = a + a_offset + (r % s.m) * s.k;
    const int8_t* w = b + b_offset;
    int8_t* out = y + r * s.n;
    for (size_t j = 0; j < s.n; ++j) {
      int32_t acc = 0;
      for (size_t i = 0; i < s.k; ++i) {
        acc += (int32_t{x[i]} - a_zero_point) * (int32_t{w[i * b_row + j * b_col]} - b_zero_point);
      }
      out[j] = requantize_channel(rq, acc, 0);
    }
  }
}

void f32_batch_matmul__reference(const BatchMatMulShape& s, const float* a, const float* b,
                                 float out_min, float out_max, float* y, size_t row_begin,
                                 size_t row_end) {
  const size_t b_row = s.transpose_b ? 1 : s.n, b_col = s.transpose_b ? s.k : 1;
  for (size_t r = row_begin; r < row_end; ++r) {
    size_t a_offset = 0, b_offset = 0;
    matrix_offsets(s, r / s.m, &a_offset, &b_offset);
    const float* x = a + a_offset + (r % s.m) * s.k;
    const float* w = b + b_offset;
    float* out = y + r * s.n;
    for (size_t j = 0; j < s.n; ++j) {
      float acc = 0.0f;
      for (size_t i = 0; i < s.k; ++i) acc += x[i] * w[i * b_row + j * b_col];
      out[j] = std::min(std::max(acc, out_min), out_max);
    }
  }
}

}  // namespace octet

// Transpose as a plan made once at load time and copies of output rows: dims of size
// 1 dropped, output dims that read neighbouring input dims in order merged, and an
// innermost run that stays innermost moved as one element of many bytes. A channel
// shuffle (ShuffleNet's [N,H,W,g,C/g] -> [N,H,W,C/g,g]) becomes rows of g bytes, each
// gathered at a stride of C/g; a transpose that keeps the innermost axis becomes
// memcpy of whole runs. Gives exactly x_transpose__reference's bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/broadcast.h"

namespace octet {

struct TransposePlan {
  int rank = 1;                          // of the reduced problem, >= 1
  int64_t out_dims[kMaxRank] = {1};
  int64_t in_strides[kMaxRank] = {0};    // bytes, of the input dim output dim i reads
  size_t elem_bytes = 1;                 // bytes moved as one element
  size_t rows = 1;                       // product of out_dims[0 .. rank - 2]
};

// Plans output dim i = input dim perm[i]; rank <= kMaxRank.
void x_transpose_plan(int rank, const int64_t* in_dims, const int* perm, size_t elem_size, TransposePlan* plan);

// Writes output rows [row_begin, row_end) of the plan (a row: out_dims[rank - 1] elements).
void x_transpose_rows(const TransposePlan& plan, const void* x, void* y, size_t row_begin, size_t row_end);

}  // namespace octet

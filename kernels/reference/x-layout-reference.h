// Data movement on raw elements of any type (elem_size bytes each).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/broadcast.h"

namespace octet {

// Transpose: output dimension i is input dimension perm[i]. rank <= kMaxRank.
void x_transpose__reference(int rank, const int64_t* in_dims, const int* perm, size_t elem_size,
                            const void* x, void* y);

enum class PadFill { kConstant, kReflect, kEdge };

// Pad: pads[0..rank) before, pads[rank..2*rank) after each axis. kConstant writes
// `constant` (elem_size bytes); kReflect mirrors without repeating the edge (each
// pad < the axis size); kEdge repeats the edge element. An empty axis has no element
// to repeat: its pads take the constant in every mode.
void x_pad__reference(int rank, const int64_t* in_dims, const int64_t* pads, PadFill fill,
                      const void* constant, size_t elem_size, const void* x, void* y);

// Strided slice: output element (i_0, ..., i_{r-1}) of shape out_dims is input element
// (begin[d] + i_d * step[d]) of shape in_dims. The caller guarantees every such index
// lies inside the input (step != 0, negative steps walk backwards). rank <= kMaxRank;
// rank 0 copies the one element.
void x_slice__reference(int rank, const int64_t* in_dims, const int64_t* begin,
                        const int64_t* step, const int64_t* out_dims, size_t elem_size,
                        const void* x, void* y);

}  // namespace octet

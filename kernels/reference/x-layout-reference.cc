#include "kernels/reference/x-layout-reference.h"

#include <cstring>

namespace octet {

void x_transpose__reference(int rank, const int64_t* in_dims, const int* perm, size_t elem_size,
                            const void* x, void* y) {
  int64_t in_strides[kMaxRank];
  int64_t out_dims[kMaxRank];
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= in_dims[d];
  }
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    out_dims[d] = in_dims[perm[d]];
    count *= out_dims[d];
  }
  const auto* src = static_cast<const uint8_t*>(x);
  auto* dst = static_cast<uint8_t*>(y);
  int64_t idx[kMaxRank] = {};
  for (int64_t o = 0; o < count; ++o) {
    int64_t in_offset = 0;
    for (int d = 0; d < rank; ++d) in_offset += idx[d] * in_strides[perm[d]];
    std::memcpy(dst + o * elem_size, src + in_offset * elem_size, elem_size);
    for (int d = rank - 1; d >= 0; --d) {
      if (++idx[d] < out_dims[d]) break;
      idx[d] = 0;
    }
  }
}

namespace {

// Maps an output coordinate to an input coordinate, or -1 for the constant.
int64_t pad_source(int64_t o, int64_t before, int64_t size, PadFill fill) {
  int64_t i = o - before;
  if (i >= 0 && i < size) return i;
  if (size == 0) return -1;  // nothing to repeat or mirror: the constant
  switch (fill) {
    case PadFill::kConstant: return -1;
    case PadFill::kEdge: return i < 0 ? 0 : size - 1;
    case PadFill::kReflect:
      if (size == 1) return 0;
      while (i < 0 || i >= size) i = i < 0 ? -i : 2 * (size - 1) - i;
      return i;
  }
  return -1;
}

}  // namespace

void x_pad__reference(int rank, const int64_t* in_dims, const int64_t* pads, PadFill fill,
                      const void* constant, size_t elem_size, const void* x, void* y) {
  int64_t out_dims[kMaxRank], in_strides[kMaxRank];
  int64_t count = 1, stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= in_dims[d];
  }
  for (int d = 0; d < rank; ++d) {
    out_dims[d] = in_dims[d] + pads[d] + pads[rank + d];
    count *= out_dims[d];
  }
  const auto* src = static_cast<const uint8_t*>(x);
  auto* dst = static_cast<uint8_t*>(y);
  int64_t idx[kMaxRank] = {};
  for (int64_t o = 0; o < count; ++o) {
    int64_t in_offset = 0;
    bool inside = true;
    for (int d = 0; d < rank && inside; ++d) {
      const int64_t i = pad_source(idx[d], pads[d], in_dims[d], fill);
      if (i < 0) inside = false;
      else in_offset += i * in_strides[d];
    }
    std::memcpy(dst + o * elem_size, inside ? src + in_offset * elem_size : constant, elem_size);
    for (int d = rank - 1; d >= 0; --d) {
      if (++idx[d] < out_dims[d]) break;
      idx[d] = 0;
    }
  }
}

void x_slice__reference(int rank, const int64_t* in_dims, const int64_t* begin,
                        const int64_t* step, const int64_t* out_dims, size_t elem_size,
                        const void* x, void* y) {
  int64_t in_strides[kMaxRank];
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= in_dims[d];
  }
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) count *= out_dims[d];
  if (count == 0) return;
  const auto* src = static_cast<const uint8_t*>(x);
  auto* dst = static_cast<uint8_t*>(y);
  // A unit step on the last axis makes each output row one contiguous run.
  const bool rows = rank > 0 && step[rank - 1] == 1;
  const int64_t run = rows ? out_dims[rank - 1] : 1;
  const int outer_rank = rows ? rank - 1 : rank;
  int64_t offset = 0;  // input element of the current output index
  for (int d = 0; d < rank; ++d) offset += begin[d] * in_strides[d];
  int64_t idx[kMaxRank] = {};
  for (int64_t o = 0; o < count; o += run) {
    std::memcpy(dst + o * elem_size, src + offset * elem_size, static_cast<size_t>(run) * elem_size);
    for (int d = outer_rank - 1; d >= 0; --d) {
      if (++idx[d] < out_dims[d]) {
        offset += step[d] * in_strides[d];
        break;
      }
      offset -= step[d] * in_strides[d] * (out_dims[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace octet

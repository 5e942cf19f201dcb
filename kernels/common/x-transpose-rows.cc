#include "kernels/common/x-transpose-rows.h"

#include <cstring>

namespace octet {

void x_transpose_plan(int rank, const int64_t* in_dims, const int* perm, size_t elem_size, TransposePlan* plan) {
  // Input dims kept (size > 1), renumbered; the output order of the kept dims.
  int map[kMaxRank];
  int64_t dims[kMaxRank];
  int kept = 0;
  for (int d = 0; d < rank; ++d) {
    map[d] = in_dims[d] == 1 ? -1 : kept;
    if (in_dims[d] != 1) dims[kept++] = in_dims[d];
  }
  int order[kMaxRank];
  int n = 0;
  for (int i = 0; i < rank; ++i) {
    if (map[perm[i]] >= 0) order[n++] = map[perm[i]];
  }
  // Groups of input dims read in order: output dims i and i+1 merge when
  // order[i+1] == order[i] + 1.
  int first[kMaxRank], last[kMaxRank];
  int groups = 0;
  for (int i = 0; i < n; ++i) {
    if (groups > 0 && order[i] == last[groups - 1] + 1) {
      last[groups - 1] = order[i];
    } else {
      first[groups] = last[groups] = order[i];
      ++groups;
    }
  }
  // Byte strides of the kept input dims.
  int64_t stride[kMaxRank];
  int64_t s = static_cast<int64_t>(elem_size);
  for (int d = kept - 1; d >= 0; --d) {
    stride[d] = s;
    s *= dims[d];
  }
  size_t elem = elem_size;
  if (groups > 0 && last[groups - 1] == kept - 1) {  // the innermost run stays innermost
    for (int d = first[groups - 1]; d <= last[groups - 1]; ++d) elem *= static_cast<size_t>(dims[d]);
    --groups;
  }
  plan->elem_bytes = elem;
  if (groups == 0) {
    plan->rank = 1;
    plan->out_dims[0] = 1;
    plan->in_strides[0] = 0;
    plan->rows = 1;
    return;
  }
  plan->rank = groups;
  plan->rows = 1;
  for (int g = 0; g < groups; ++g) {
    int64_t size = 1;
    for (int d = first[g]; d <= last[g]; ++d) size *= dims[d];
    plan->out_dims[g] = size;
    plan->in_strides[g] = stride[last[g]];
    if (g < groups - 1) plan->rows *= static_cast<size_t>(size);
  }
}

namespace {

template <size_t kBytes>
void copy_row(const uint8_t* src, int64_t stride, int64_t count, uint8_t* dst) {
  for (int64_t v = 0; v < count; ++v, src += stride, dst += kBytes) std::memcpy(dst, src, kBytes);
}

void copy_row_any(const uint8_t* src, int64_t stride, int64_t count, size_t bytes, uint8_t* dst) {
  for (int64_t v = 0; v < count; ++v, src += stride, dst += bytes) std::memcpy(dst, src, bytes);
}

}  // namespace

void x_transpose_rows(const TransposePlan& p, const void* x, void* y, size_t row_begin, size_t row_end) {
  const int r = p.rank;
  const int64_t count = p.out_dims[r - 1], sv = p.in_strides[r - 1];
  const size_t row_bytes = static_cast<size_t>(count) * p.elem_bytes;
  // The input offset of row_begin, then counters stepped row by row.
  int64_t idx[kMaxRank] = {};
  int64_t offset = 0;
  size_t rest = row_begin;
  for (int d = r - 2; d >= 0; --d) {
    idx[d] = static_cast<int64_t>(rest % static_cast<size_t>(p.out_dims[d]));
    rest /= static_cast<size_t>(p.out_dims[d]);
    offset += idx[d] * p.in_strides[d];
  }
  const auto* src = static_cast<const uint8_t*>(x);
  auto* dst = static_cast<uint8_t*>(y) + row_begin * row_bytes;
  for (size_t row = row_begin; row < row_end; ++row, dst += row_bytes) {
    const uint8_t* s = src + offset;
    if (sv == static_cast<int64_t>(p.elem_bytes)) {
      std::memcpy(dst, s, row_bytes);
    } else {
      switch (p.elem_bytes) {
        case 1: copy_row<1>(s, sv, count, dst); break;
        case 2: copy_row<2>(s, sv, count, dst); break;
        case 4: copy_row<4>(s, sv, count, dst); break;
        case 8: copy_row<8>(s, sv, count, dst); break;
        default: copy_row_any(s, sv, count, p.elem_bytes, dst); break;
      }
    }
    for (int d = r - 2; d >= 0; --d) {
      offset += p.in_strides[d];
      if (++idx[d] < p.out_dims[d]) break;
      offset -= p.in_strides[d] * p.out_dims[d];
      idx[d] = 0;
    }
  }
}

}  // namespace octet

// numpy-style broadcasting of two operands onto an output shape (shapes aligned at
// the last axis), as strides: a stride of 0 repeats an operand along that axis.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

constexpr int kMaxRank = 8;

struct BroadcastShape {
  int rank = 0;  // of the output
  int64_t out_dims[kMaxRank] = {};
  int64_t a_strides[kMaxRank] = {};  // in elements
  int64_t b_strides[kMaxRank] = {};
};

// Fills `bs` for operand shapes a and b; false when they do not broadcast or a
// rank exceeds kMaxRank.
bool make_broadcast_shape(const int64_t* a, int a_rank, const int64_t* b, int b_rank,
                          BroadcastShape* bs);

// Calls f(out_index, a_index, b_index) for every output element in row-major order.
template <typename F>
void for_each_broadcast(const BroadcastShape& bs, F&& f) {
  int64_t count = 1;
  for (int i = 0; i < bs.rank; ++i) count *= bs.out_dims[i];
  if (count == 0) return;
  int64_t idx[kMaxRank] = {};
  int64_t a = 0, b = 0;
  for (int64_t o = 0; o < count; ++o) {
    f(static_cast<size_t>(o), static_cast<size_t>(a), static_cast<size_t>(b));
    for (int d = bs.rank - 1; d >= 0; --d) {
      if (++idx[d] < bs.out_dims[d]) {
        a += bs.a_strides[d];
        b += bs.b_strides[d];
        break;
      }
      a -= bs.a_strides[d] * (bs.out_dims[d] - 1);
      b -= bs.b_strides[d] * (bs.out_dims[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace octet

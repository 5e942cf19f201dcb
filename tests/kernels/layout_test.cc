// Transpose, Pad and Slice on raw elements against index-mapping oracles: each output
// element is located by decoding its flat index and mapping it back to the input.
#include "kernels/reference/x-layout-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using Dims = std::vector<int64_t>;

int64_t numel(const Dims& d) {
  int64_t n = 1;
  for (int64_t v : d) n *= v;
  return n;
}

// Multi-index of flat index `flat` in shape `d` (row-major).
std::vector<int64_t> unflatten(int64_t flat, const Dims& d) {
  std::vector<int64_t> idx(d.size());
  for (size_t k = d.size(); k-- > 0;) {
    idx[k] = flat % d[k];
    flat /= d[k];
  }
  return idx;
}
int64_t flatten(const std::vector<int64_t>& idx, const Dims& d) {
  int64_t flat = 0;
  for (size_t k = 0; k < d.size(); ++k) flat = flat * d[k] + idx[k];
  return flat;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

void check_transpose(const Dims& in, const std::vector<int>& perm, size_t elem, std::mt19937& rng) {
  const int rank = static_cast<int>(in.size());
  const int64_t count = numel(in);
  const std::vector<uint8_t> x = random_bytes(rng, count * elem);
  std::vector<uint8_t> y(count * elem + 8, 0xA5);
  x_transpose__reference(rank, in.data(), perm.data(), elem, x.data(), y.data());
  Dims out(rank);
  for (int d = 0; d < rank; ++d) out[d] = in[perm[d]];
  for (int64_t o = 0; o < count; ++o) {
    const std::vector<int64_t> oi = unflatten(o, out);
    std::vector<int64_t> ii(rank);
    for (int d = 0; d < rank; ++d) ii[perm[d]] = oi[d];  // output axis d is input axis perm[d]
    const int64_t src = flatten(ii, in);
    ASSERT_EQ(std::memcmp(&y[o * elem], &x[src * elem], elem), 0) << "rank " << rank << " output " << o;
  }
  for (size_t t = count * elem; t < y.size(); ++t) ASSERT_EQ(y[t], 0xA5) << "wrote past the end";
}

TEST(XTranspose, RandomPermutationsRanks1To6) {
  std::mt19937 rng(90);
  for (int rank = 1; rank <= 6; ++rank)
    for (int i = 0; i < 60; ++i) {
      Dims in(rank);
      for (auto& d : in) d = octet_test::uniform_int(rng, 1, rank <= 3 ? 7 : 4);
      if (i % 15 == 14) in[octet_test::uniform_int(rng, 0, rank - 1)] = 0;  // empty tensor
      std::vector<int> perm(rank);
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      check_transpose(in, perm, i % 2 == 0 ? 1 : 4, rng);
    }
}

TEST(XTranspose, CommonLayoutsAndIdentity) {
  std::mt19937 rng(91);
  check_transpose({2, 3, 4, 5}, {0, 2, 3, 1}, 1, rng);  // NCHW -> NHWC
  check_transpose({2, 4, 5, 3}, {0, 3, 1, 2}, 4, rng);  // NHWC -> NCHW
  check_transpose({3, 4, 5}, {0, 1, 2}, 4, rng);        // identity
  check_transpose({6, 7}, {1, 0}, 1, rng);              // matrix transpose
  check_transpose({1, 1, 1, 1, 1, 9}, {5, 4, 3, 2, 1, 0}, 4, rng);
  check_transpose({2, 2, 2, 2, 2, 2, 2, 2}, {7, 0, 6, 1, 5, 2, 4, 3}, 1, rng);  // kMaxRank
  // Hand-checked 2x3 -> 3x2.
  const int8_t x[] = {1, 2, 3, 4, 5, 6};
  int8_t y[6];
  const int64_t dims[] = {2, 3};
  const int perm[] = {1, 0};
  x_transpose__reference(2, dims, perm, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 6), (std::vector<int8_t>{1, 4, 2, 5, 3, 6}));
}

// ---------------------------------------------------------------------------
// Pad

// Source coordinate along one axis for padded output coordinate o, or -1 for the
// constant. Reflect in closed form: period 2 * (size - 1), mirrored in its second half.
int64_t oracle_pad_source(int64_t o, int64_t before, int64_t size, PadFill fill) {
  const int64_t i = o - before;
  if (i >= 0 && i < size) return i;
  switch (fill) {
    case PadFill::kConstant: return -1;
    case PadFill::kEdge: return std::min<int64_t>(std::max<int64_t>(i, 0), size - 1);
    case PadFill::kReflect: {
      if (size == 1) return 0;
      const int64_t period = 2 * (size - 1);
      const int64_t m = ((i % period) + period) % period;
      return m < size ? m : period - m;
    }
  }
  return -1;
}

void check_pad(const Dims& in, const std::vector<int64_t>& pads, PadFill fill, size_t elem, std::mt19937& rng) {
  const int rank = static_cast<int>(in.size());
  Dims out(rank);
  for (int d = 0; d < rank; ++d) out[d] = in[d] + pads[d] + pads[rank + d];
  const std::vector<uint8_t> x = random_bytes(rng, numel(in) * elem + 1);
  const std::vector<uint8_t> constant = random_bytes(rng, elem);
  const int64_t count = numel(out);
  std::vector<uint8_t> y(count * elem + 8, 0xA5);
  x_pad__reference(rank, in.data(), pads.data(), fill, constant.data(), elem, x.data(), y.data());
  for (int64_t o = 0; o < count; ++o) {
    const std::vector<int64_t> oi = unflatten(o, out);
    std::vector<int64_t> ii(rank);
    bool inside = true;
    for (int d = 0; d < rank; ++d) {
      ii[d] = oracle_pad_source(oi[d], pads[d], in[d], fill);
      inside = inside && ii[d] >= 0;
    }
    const uint8_t* e = inside ? &x[flatten(ii, in) * elem] : constant.data();
    ASSERT_EQ(std::memcmp(&y[o * elem], e, elem), 0)
        << "rank " << rank << " fill " << int(fill) << " output " << o;
  }
  for (size_t t = count * elem; t < y.size(); ++t) ASSERT_EQ(y[t], 0xA5) << "wrote past the end";
}

TEST(XPad, RandomPadsAllFillsRanks1To4) {
  std::mt19937 rng(92);
  for (PadFill fill : {PadFill::kConstant, PadFill::kReflect, PadFill::kEdge})
    for (int rank = 1; rank <= 4; ++rank)
      for (int i = 0; i < 60; ++i) {
        Dims in(rank);
        for (auto& d : in) d = octet_test::uniform_int(rng, 1, 6);
        std::vector<int64_t> pads(2 * rank);
        for (int k = 0; k < 2 * rank; ++k) {
          const int64_t size = in[k % rank];
          // Reflect needs each pad < the axis size; zero pads are common.
          const int64_t max_pad = fill == PadFill::kReflect ? size - 1 : 4;
          pads[k] = octet_test::uniform_int(rng, 0, 2) == 0 ? 0 : octet_test::uniform_int(rng, 0, int(max_pad));
        }
        check_pad(in, pads, fill, i % 2 == 0 ? 1 : 4, rng);
      }
}

TEST(XPad, ZeroPadsIsACopy) {
  std::mt19937 rng(93);
  for (PadFill fill : {PadFill::kConstant, PadFill::kReflect, PadFill::kEdge}) {
    check_pad({3, 4, 5}, {0, 0, 0, 0, 0, 0}, fill, 4, rng);
    check_pad({7}, {0, 0}, fill, 1, rng);
  }
}

TEST(XPad, EmptyAxisTakesTheConstantInEveryMode) {
  // An axis of size 0 has no element to repeat or mirror: nothing of x is read.
  const int64_t dims[] = {0};
  const int64_t pads[] = {1, 2};
  const uint8_t constant = 7;
  for (PadFill fill : {PadFill::kConstant, PadFill::kReflect, PadFill::kEdge}) {
    uint8_t y[4] = {0, 0, 0, 0x55};
    x_pad__reference(1, dims, pads, fill, &constant, 1, nullptr, y);
    EXPECT_EQ(y[0], 7);
    EXPECT_EQ(y[1], 7);
    EXPECT_EQ(y[2], 7);
    EXPECT_EQ(y[3], 0x55);
  }
}

TEST(XPad, HandChecked) {
  const int8_t x[] = {1, 2, 3};
  const int64_t dims[] = {3};
  const int8_t c = 9;
  int8_t y[8];
  const int64_t pads[] = {2, 3};
  x_pad__reference(1, dims, pads, PadFill::kConstant, &c, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 8), (std::vector<int8_t>{9, 9, 1, 2, 3, 9, 9, 9}));
  x_pad__reference(1, dims, pads, PadFill::kEdge, &c, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 8), (std::vector<int8_t>{1, 1, 1, 2, 3, 3, 3, 3}));
  const int64_t rpads[] = {2, 2};
  x_pad__reference(1, dims, rpads, PadFill::kReflect, &c, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 7), (std::vector<int8_t>{3, 2, 1, 2, 3, 2, 1}));
  // Rank 2, constant float, pads only on the second axis.
  const float xf[] = {1.5f, 2.5f, 3.5f, 4.5f};  // 2x2
  const int64_t d2[] = {2, 2}, p2[] = {0, 1, 0, 0};
  const float cf = -7.0f;
  float yf[6];
  x_pad__reference(2, d2, p2, PadFill::kConstant, &cf, sizeof(float), xf, yf);
  EXPECT_EQ(std::vector<float>(yf, yf + 6), (std::vector<float>{-7.0f, 1.5f, 2.5f, -7.0f, 3.5f, 4.5f}));
}

// ---------------------------------------------------------------------------
// Slice

// Length of a slice axis, by walking it: indices begin, begin + step, ... before end.
int64_t oracle_slice_length(int64_t begin, int64_t end, int64_t step) {
  int64_t n = 0;
  while (step > 0 ? begin + n * step < end : begin + n * step > end) ++n;
  return n;
}

void check_slice(const Dims& in, const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
                 const std::vector<int64_t>& step, size_t elem, std::mt19937& rng) {
  const int rank = static_cast<int>(in.size());
  Dims out(rank);
  for (int d = 0; d < rank; ++d) out[d] = oracle_slice_length(begin[d], end[d], step[d]);
  const std::vector<uint8_t> x = random_bytes(rng, numel(in) * elem);
  const int64_t count = numel(out);
  std::vector<uint8_t> y(count * elem + 8, 0xA5);
  x_slice__reference(rank, in.data(), begin.data(), step.data(), out.data(), elem, x.data(), y.data());
  for (int64_t o = 0; o < count; ++o) {
    const std::vector<int64_t> oi = unflatten(o, out);
    std::vector<int64_t> ii(rank);
    for (int d = 0; d < rank; ++d) {
      ii[d] = begin[d] + oi[d] * step[d];
      ASSERT_TRUE(ii[d] >= 0 && ii[d] < in[d]) << "oracle index out of range";
    }
    ASSERT_EQ(std::memcmp(&y[o * elem], &x[flatten(ii, in) * elem], elem), 0) << "rank " << rank << " output " << o;
  }
  for (size_t t = count * elem; t < y.size(); ++t) ASSERT_EQ(y[t], 0xA5) << "wrote past the end";
}

TEST(XSlice, RandomStridesBothDirectionsRanks0To6) {
  std::mt19937 rng(94);
  for (int rank = 0; rank <= 6; ++rank)
    for (int i = 0; i < 80; ++i) {
      Dims in(rank);
      for (auto& d : in) d = octet_test::uniform_int(rng, 1, rank <= 3 ? 8 : 4);
      std::vector<int64_t> begin(rank), end(rank), step(rank);
      for (int d = 0; d < rank; ++d) {
        // Steps of 1 on the last axis take the kernel's contiguous-row path.
        step[d] = octet_test::uniform_int(rng, 0, 2) == 0 ? 1 : octet_test::uniform_int(rng, 1, 3) * (octet_test::uniform_int(rng, 0, 1) ? 1 : -1);
        const int lo = step[d] > 0 ? 0 : -1, hi = step[d] > 0 ? int(in[d]) : int(in[d]) - 1;
        begin[d] = octet_test::uniform_int(rng, lo, hi);
        end[d] = octet_test::uniform_int(rng, lo, hi);
        if (octet_test::uniform_int(rng, 0, 3) == 0) {  // the whole axis, forwards or backwards
          begin[d] = step[d] > 0 ? 0 : in[d] - 1;
          end[d] = step[d] > 0 ? in[d] : -1;
        }
      }
      check_slice(in, begin, end, step, i % 2 == 0 ? 1 : 4, rng);
    }
}

TEST(XSlice, EmptyOutputsAndHugeSteps) {
  std::mt19937 rng(95);
  check_slice({5, 4}, {3, 0}, {3, 4}, {1, 1}, 4, rng);                    // empty first axis
  check_slice({5, 4}, {0, 2}, {5, 1}, {1, 1}, 1, rng);                    // end before begin
  check_slice({5, 4}, {4, 3}, {-1, -1}, {-2147483647, -1}, 1, rng);       // one element backwards
  check_slice({6}, {1}, {6}, {2147483647}, 4, rng);                       // one element
  check_slice({0, 3}, {0, 0}, {0, 3}, {1, 1}, 4, rng);                    // empty input
  check_slice({}, {}, {}, {}, 4, rng);                                    // a scalar
}

TEST(XSlice, HandChecked) {
  const int8_t x[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};  // 3x4
  const int64_t dims[] = {3, 4};
  int8_t y[12];
  // Rows 2, 0 (step -2), columns 1..3.
  const int64_t b1[] = {2, 1}, s1[] = {-2, 1}, o1[] = {2, 3};
  x_slice__reference(2, dims, b1, s1, o1, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 6), (std::vector<int8_t>{9, 10, 11, 1, 2, 3}));
  // Every row, columns 3, 1 (step -2).
  const int64_t b2[] = {0, 3}, s2[] = {1, -2}, o2[] = {3, 2};
  x_slice__reference(2, dims, b2, s2, o2, 1, x, y);
  EXPECT_EQ(std::vector<int8_t>(y, y + 6), (std::vector<int8_t>{3, 1, 7, 5, 11, 9}));
}

}  // namespace
}  // namespace octet

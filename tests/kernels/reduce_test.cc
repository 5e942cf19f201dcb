// qs8_reduce__reference and f32_reduce__reference over random axis sets, against
// oracles that visit every input element and add it to the output element its kept
// coordinates name; int8 Mean/Sum with exact sums and the __int128 requantization
// oracle, Max/Min exactly, float Mean/Sum in long double.
#include "kernels/reference/qs8-reduce-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using Dims = std::vector<int64_t>;

int64_t numel(const Dims& d) {
  int64_t n = 1;
  for (int64_t v : d) n *= v;
  return n;
}

struct Case {
  Dims dims;
  std::vector<bool> reduced;
};

ReduceShape shape_of(const Case& c) {
  ReduceShape s;
  s.rank = static_cast<int>(c.dims.size());
  for (int d = 0; d < s.rank; ++d) {
    s.dims[d] = c.dims[d];
    s.reduced[d] = c.reduced[d];
  }
  return s;
}

// Output flat index of every input element (kept coordinates, row-major), and the
// number of elements per output.
std::vector<size_t> oracle_targets(const Case& c, int64_t* out_count, int64_t* count) {
  const int64_t n = numel(c.dims);
  std::vector<size_t> target(n);
  *out_count = 1;
  *count = 1;
  for (size_t d = 0; d < c.dims.size(); ++d) (c.reduced[d] ? *count : *out_count) *= c.dims[d];
  for (int64_t i = 0; i < n; ++i) {
    int64_t rest = i, flat = 0, scale = 1;
    for (size_t d = c.dims.size(); d-- > 0;) {
      const int64_t coord = rest % c.dims[d];
      rest /= c.dims[d];
      if (!c.reduced[d]) {
        flat += coord * scale;
        scale *= c.dims[d];
      }
    }
    target[i] = static_cast<size_t>(flat);
  }
  return target;
}

Case random_case(std::mt19937& rng) {
  Case c;
  const int rank = octet_test::uniform_int(rng, 0, 5);
  for (int d = 0; d < rank; ++d) {
    c.dims.push_back(octet_test::uniform_int(rng, 1, rank <= 3 ? 7 : 4));
    c.reduced.push_back(octet_test::uniform_int(rng, 0, 1) == 1);
  }
  return c;
}

void check_qs8(ReduceOp op, const Case& c, std::mt19937& rng) {
  int64_t out_count = 0, count = 0;
  const std::vector<size_t> target = oracle_targets(c, &out_count, &count);
  const std::vector<int8_t> x = octet_test::random_s8(rng, numel(c.dims));
  QReduceParams p;
  p.input_zero_point = octet_test::random_zero_point(rng);
  p.output_zero_point = octet_test::random_zero_point(rng);
  p.qmin = octet_test::uniform_int(rng, 0, 3) == 0 ? octet_test::uniform_int(rng, -128, 0) : -128;
  p.qmax = octet_test::uniform_int(rng, 0, 3) == 0 ? octet_test::uniform_int(rng, 0, 127) : 127;
  std::vector<int8_t> expected(out_count);
  if (op == ReduceOp::kMean || op == ReduceOp::kSum) {
    const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.1));
    // An output scale that keeps most results inside the range.
    const float so = static_cast<float>(si * (op == ReduceOp::kMean ? 1.0 : std::sqrt(double(count)) * 8.0) *
                                        octet_test::log_uniform(rng, 0.5, 2.0));
    ASSERT_TRUE(compute_qs8_reduce_multiplier(op, si, so, count, &p.multiplier));
    QuantizedMultiplier m;
    ASSERT_TRUE(quantize_multiplier(double(si) / (double(so) * (op == ReduceOp::kMean ? double(count) : 1.0)), &m));
    ASSERT_EQ(p.multiplier.m0, m.m0);
    ASSERT_EQ(p.multiplier.shift, m.shift);
    std::vector<int64_t> sum(out_count, 0);
    for (size_t i = 0; i < x.size(); ++i) sum[target[i]] += int64_t{x[i]} - p.input_zero_point;
    for (int64_t o = 0; o < out_count; ++o) {
      expected[o] = octet_test::expected_requantize(sum[o], m.m0, m.shift, p.output_zero_point, p.qmin, p.qmax);
    }
  } else {
    std::vector<int64_t> r(out_count, op == ReduceOp::kMaximum ? -1000 : 1000);
    for (size_t i = 0; i < x.size(); ++i) {
      r[target[i]] = op == ReduceOp::kMaximum ? std::max<int64_t>(r[target[i]], x[i]) : std::min<int64_t>(r[target[i]], x[i]);
    }
    for (int64_t o = 0; o < out_count; ++o) expected[o] = static_cast<int8_t>(octet_test::clamp64(r[o], p.qmin, p.qmax));
  }
  const ReduceShape s = shape_of(c);
  std::vector<int8_t> y(out_count + 1, int8_t{0x55});
  const std::vector<size_t> cuts = octet_test::random_split(rng, static_cast<size_t>(out_count), 4);
  for (size_t k = 0; k + 1 < cuts.size(); ++k) qs8_reduce__reference(op, s, x.data(), p, y.data(), cuts[k], cuts[k + 1]);
  for (int64_t o = 0; o < out_count; ++o) ASSERT_EQ(y[o], expected[o]) << "op " << int(op) << " output " << o;
  EXPECT_EQ(y.back(), 0x55) << "wrote past the end";
}

TEST(QS8Reduce, RandomAxesEveryKind) {
  std::mt19937 rng(140);
  for (ReduceOp op : {ReduceOp::kMean, ReduceOp::kSum, ReduceOp::kMaximum, ReduceOp::kMinimum})
    for (int i = 0; i < 250; ++i) check_qs8(op, random_case(rng), rng);
}

TEST(QS8Reduce, CommonLayouts) {
  std::mt19937 rng(141);
  const Case cases[] = {
      {{1, 25, 192}, {false, false, true}},        // LayerNorm-style mean over the last axis
      {{2, 7, 9, 16}, {false, true, true, false}},  // NHWC spatial mean
      {{3, 1000}, {true, false}},
      {{4, 5, 6}, {true, true, true}},              // everything
      {{4, 5, 6}, {false, false, false}},           // nothing: a requantized copy
  };
  for (const Case& c : cases)
    for (ReduceOp op : {ReduceOp::kMean, ReduceOp::kSum, ReduceOp::kMaximum, ReduceOp::kMinimum}) check_qs8(op, c, rng);
}

TEST(QS8Reduce, MeanTiesAndExtremes) {
  // Mean of {-1, 0} with equal scales: M = 1/2, -0.5 rounds toward +inf to 0; of {1, 2}: 1.5 -> 2.
  const Case c{{2}, {true}};
  const ReduceShape s = shape_of(c);
  QReduceParams p;
  ASSERT_TRUE(compute_qs8_reduce_multiplier(ReduceOp::kMean, 0.5f, 0.5f, 2, &p.multiplier));
  const int8_t a[] = {-1, 0}, b[] = {1, 2}, lo[] = {-128, -128}, hi[] = {127, 127};
  int8_t y = 0;
  qs8_reduce__reference(ReduceOp::kMean, s, a, p, &y, 0, 1);
  EXPECT_EQ(y, 0);
  qs8_reduce__reference(ReduceOp::kMean, s, b, p, &y, 0, 1);
  EXPECT_EQ(y, 2);
  p.input_zero_point = 127;
  p.output_zero_point = -128;
  qs8_reduce__reference(ReduceOp::kMean, s, lo, p, &y, 0, 1);  // mean(q - zi) = -255
  EXPECT_EQ(y, -128);
  p.input_zero_point = -128;
  qs8_reduce__reference(ReduceOp::kMean, s, hi, p, &y, 0, 1);  // -128 + 255
  EXPECT_EQ(y, 127);
  // Refused multipliers: empty reductions and ratios of 2^30 or more.
  QuantizedMultiplier m;
  EXPECT_FALSE(compute_qs8_reduce_multiplier(ReduceOp::kMean, 1.0f, 1.0f, 0, &m));
  EXPECT_FALSE(compute_qs8_reduce_multiplier(ReduceOp::kSum, 1.0f, 1e-10f, 4, &m));
  EXPECT_FALSE(compute_qs8_reduce_multiplier(ReduceOp::kSum, std::numeric_limits<float>::quiet_NaN(), 1.0f, 4, &m));
}

TEST(QS8Reduce, LargestCountSumFitsInt32) {
  // 2^23 elements of 127 - (-128) = 255: sum 2139095040 < 2^31.
  const int64_t n = int64_t{1} << 23;
  const Case c{{n}, {true}};
  const ReduceShape s = shape_of(c);
  const std::vector<int8_t> x(n, 127);
  QReduceParams p;
  p.input_zero_point = -128;
  ASSERT_TRUE(compute_qs8_reduce_multiplier(ReduceOp::kMean, 0.1f, 0.1f, n, &p.multiplier));
  int8_t y = 0;
  qs8_reduce__reference(ReduceOp::kMean, s, x.data(), p, &y, 0, 1);
  EXPECT_EQ(y, 127);  // 255, clamped
  ASSERT_TRUE(compute_qs8_reduce_multiplier(ReduceOp::kSum, 0.1f, 0.1f * 16777216.0f, n, &p.multiplier));
  qs8_reduce__reference(ReduceOp::kSum, s, x.data(), p, &y, 0, 1);
  EXPECT_EQ(y, octet_test::expected_requantize(n * 255, p.multiplier.m0, p.multiplier.shift, 0, -128, 127));
  EXPECT_EQ(y, 127);  // 2139095040 / 2^24 = 127.5 -> 128, clamped to 127
}

TEST(F32Reduce, RandomAxesAgainstLongDouble) {
  std::mt19937 rng(142);
  for (ReduceOp op : {ReduceOp::kMean, ReduceOp::kSum, ReduceOp::kMaximum, ReduceOp::kMinimum})
    for (int i = 0; i < 250; ++i) {
      const Case c = random_case(rng);
      int64_t out_count = 0, count = 0;
      const std::vector<size_t> target = oracle_targets(c, &out_count, &count);
      std::vector<float> x = octet_test::random_f32(rng, numel(c.dims), -100, 100);
      const bool with_nan = i % 25 == 24 && !x.empty();
      if (with_nan) x[octet_test::uniform_int(rng, 0, int(x.size()) - 1)] = std::numeric_limits<float>::quiet_NaN();
      std::vector<long double> acc(out_count, 0), mag(out_count, 0);
      std::vector<float> r(out_count, op == ReduceOp::kMaximum ? -INFINITY : INFINITY);
      std::vector<bool> nan(out_count, false);
      for (size_t k = 0; k < x.size(); ++k) {
        const size_t o = target[k];
        acc[o] += x[k];
        mag[o] += std::fabs(static_cast<long double>(x[k]));
        nan[o] = nan[o] || std::isnan(x[k]);
        if (!std::isnan(x[k])) r[o] = op == ReduceOp::kMaximum ? std::max(r[o], x[k]) : std::min(r[o], x[k]);
      }
      const ReduceShape s = shape_of(c);
      std::vector<float> y(out_count + 1, 12345.0f);
      const std::vector<size_t> cuts = octet_test::random_split(rng, static_cast<size_t>(out_count), 3);
      for (size_t k = 0; k + 1 < cuts.size(); ++k) f32_reduce__reference(op, s, x.data(), y.data(), cuts[k], cuts[k + 1]);
      for (int64_t o = 0; o < out_count; ++o) {
        if (nan[o]) {
          ASSERT_TRUE(std::isnan(y[o])) << "op " << int(op) << " output " << o;
        } else if (op == ReduceOp::kMaximum || op == ReduceOp::kMinimum) {
          ASSERT_EQ(y[o], r[o]) << "op " << int(op) << " output " << o;
        } else {
          const long double div = op == ReduceOp::kMean ? count : 1;
          ASSERT_NEAR(y[o], static_cast<double>(acc[o] / div), 1e-7 * static_cast<double>(mag[o] / div) + 1e-30)
              << "op " << int(op) << " output " << o;
        }
      }
      EXPECT_EQ(y.back(), 12345.0f);
    }
}

TEST(F32Reduce, SumBeyondFloatRangeIsInfinity) {
  const Case c{{3}, {true}};
  const ReduceShape s = shape_of(c);
  const float big = std::numeric_limits<float>::max();
  const float x[] = {big, big, -big / 2};
  float y = 0;
  f32_reduce__reference(ReduceOp::kSum, s, x, &y, 0, 1);
  EXPECT_EQ(y, INFINITY);
  f32_reduce__reference(ReduceOp::kMean, s, x, &y, 0, 1);
  EXPECT_EQ(y, static_cast<float>((double(big) * 1.5) / 3.0));
}

}  // namespace
}  // namespace octet

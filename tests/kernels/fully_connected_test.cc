// qs8_fully_connected__reference against exact integer dot products and the
// __int128 requantization oracle.
#include "kernels/reference/qs8-fully-connected-reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

struct FcCase {
  size_t rows, k, n;
  int32_t zi, zo, qmin, qmax;
  bool per_channel, bias;
  bool extreme;  // inputs and weights only at -128 / 127
  bool pow2 = false;  // multipliers 2^-k: exact ties are common
};

// Returns the number of outputs strictly inside the clamp range.
int64_t check_fully_connected(const FcCase& c, std::mt19937& rng) {
  const auto pick = [&](size_t n, int lo) {
    if (!c.extreme) return octet_test::random_s8(rng, n, lo, 127);
    std::vector<int8_t> v(n);
    for (auto& e : v) e = octet_test::uniform_int(rng, 0, 1) ? int8_t{127} : int8_t{-128};
    return v;
  };
  const std::vector<int8_t> x = pick(c.rows * c.k, -128);
  const std::vector<int8_t> w = pick(c.n * c.k, -127);
  std::vector<int32_t> bias(c.n);
  for (auto& b : bias) b = octet_test::uniform_int(rng, -100000, 100000);
  const size_t nm = c.per_channel ? c.n : 1;
  std::vector<int32_t> m0(nm), shift(nm);
  const double typical = std::sqrt(double(c.k)) * 74.0 * 74.0;
  for (size_t i = 0; i < nm; ++i) {
    QuantizedMultiplier qm;
    double m = (c.extreme ? 0.02 : 1.0) * 64.0 / typical * octet_test::log_uniform(rng, 0.1, 10.0);
    if (c.pow2) m = std::ldexp(1.0, static_cast<int>(std::lround(std::log2(m))) + 3);
    EXPECT_TRUE(quantize_multiplier(m, &qm));
    m0[i] = qm.m0;
    shift[i] = qm.shift;
  }

  std::vector<int8_t> expected(c.rows * c.n);
  int64_t interior = 0;
  for (size_t r = 0; r < c.rows; ++r)
    for (size_t j = 0; j < c.n; ++j) {
      int64_t acc = c.bias ? bias[j] : 0;
      for (size_t i = 0; i < c.k; ++i) acc += (int64_t{x[r * c.k + i]} - c.zi) * w[j * c.k + i];
      const size_t q = c.per_channel ? j : 0;
      const int8_t e = octet_test::expected_requantize(acc, m0[q], shift[q], c.zo, c.qmin, c.qmax);
      expected[r * c.n + j] = e;
      interior += e > c.qmin && e < c.qmax;
    }

  RequantParams rq;
  rq.m0 = m0.data();
  rq.shift = shift.data();
  rq.per_channel = c.per_channel;
  rq.zero_point = c.zo;
  rq.qmin = c.qmin;
  rq.qmax = c.qmax;
  const int32_t* b = c.bias ? bias.data() : nullptr;
  std::vector<int8_t> one(c.rows * c.n, int8_t{0x55});
  qs8_fully_connected__reference(c.k, c.n, x.data(), c.zi, w.data(), b, rq, one.data(), 0, c.rows);
  for (size_t i = 0, bad = 0; i < one.size(); ++i) {
    if (one[i] != expected[i] && bad++ < 5) {
      ADD_FAILURE() << "rows " << c.rows << " k " << c.k << " n " << c.n << " zi " << c.zi << " zo "
                    << c.zo << " per_channel " << c.per_channel << " bias " << c.bias
                    << ": output " << i << " got " << int{one[i]} << " expected " << int{expected[i]};
    }
  }
  // Row ranges: each piece writes only its rows, and the pieces give the same bytes.
  std::vector<int8_t> pieces(one.size(), int8_t{0x55});
  const std::vector<size_t> cuts = octet_test::random_split(rng, c.rows, 4);
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const std::vector<int8_t> before = pieces;
    qs8_fully_connected__reference(c.k, c.n, x.data(), c.zi, w.data(), b, rq, pieces.data(), cuts[i], cuts[i + 1]);
    for (size_t j = 0; j < pieces.size(); ++j) {
      const size_t r = j / c.n;
      if (r < cuts[i] || r >= cuts[i + 1]) {
        EXPECT_EQ(pieces[j], before[j]) << "range [" << cuts[i] << "," << cuts[i + 1] << ") wrote row " << r;
      }
    }
  }
  EXPECT_TRUE(pieces == one);
  return interior;
}

TEST(FullyConnected, InnerSizesAroundTileWidths) {
  std::mt19937 rng(20);
  int64_t interior = 0;
  for (size_t k : {1, 2, 3, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 200})
    for (size_t n : {1, 3, 7, 8, 9, 15, 17, 33}) {
      FcCase c{static_cast<size_t>(octet_test::uniform_int(rng, 1, 5)), k, n,
               octet_test::random_zero_point(rng), octet_test::random_zero_point(rng), -128, 127,
               n % 2 == 1, k != 3, false};
      interior += check_fully_connected(c, rng);
    }
  EXPECT_GT(interior, 1000);
}

TEST(FullyConnected, ExtremeZeroPointsAndValues) {
  std::mt19937 rng(21);
  for (int32_t zi : {-128, 127})
    for (int32_t zo : {-128, 0, 127})
      for (bool extreme : {false, true})
        for (size_t k : {16, 64, 1000}) {
          FcCase c{3, k, 9, zi, zo, -128, 127, true, true, extreme};
          check_fully_connected(c, rng);
        }
}

TEST(FullyConnected, FusedClampAndSingleMultiplier) {
  std::mt19937 rng(22);
  for (int i = 0; i < 40; ++i) {
    const int32_t lo = octet_test::uniform_int(rng, -128, 127);
    const int32_t hi = octet_test::uniform_int(rng, lo, 127);
    FcCase c{static_cast<size_t>(octet_test::uniform_int(rng, 1, 8)),
             static_cast<size_t>(octet_test::uniform_int(rng, 1, 80)),
             static_cast<size_t>(octet_test::uniform_int(rng, 1, 40)),
             octet_test::random_zero_point(rng), octet_test::random_zero_point(rng), lo, hi,
             i % 2 == 0, i % 5 != 0, false};
    check_fully_connected(c, rng);
  }
}

TEST(FullyConnected, RandomSweep) {
  std::mt19937 rng(23);
  int64_t interior = 0;
  for (int i = 0; i < 400; ++i) {
    int32_t lo = -128, hi = 127;
    if (i % 4 == 3) {
      lo = octet_test::uniform_int(rng, -128, 0);
      hi = octet_test::uniform_int(rng, lo, 127);
    }
    FcCase c{static_cast<size_t>(octet_test::uniform_int(rng, 1, 9)),
             static_cast<size_t>(octet_test::uniform_int(rng, 1, 160)),
             static_cast<size_t>(octet_test::uniform_int(rng, 1, 40)),
             octet_test::random_zero_point(rng), octet_test::random_zero_point(rng), lo, hi,
             octet_test::uniform_int(rng, 0, 1) == 1, octet_test::uniform_int(rng, 0, 5) != 0, false,
             i % 3 == 0};
    interior += check_fully_connected(c, rng);
  }
  EXPECT_GT(interior, 10000);
}

TEST(FullyConnected, EmptyRangeWritesNothing) {
  const int8_t x[4] = {1, 2, 3, 4}, w[4] = {1, 1, 1, 1};
  const int32_t m0 = 1 << 30, shift = 31;
  RequantParams rq;
  rq.m0 = &m0;
  rq.shift = &shift;
  int8_t y[4] = {7, 7, 7, 7};
  qs8_fully_connected__reference(2, 2, x, 0, w, nullptr, rq, y, 1, 1);
  for (int8_t v : y) EXPECT_EQ(v, 7);
  // Hand-checked: row 1 = (3, 4), sums 7 * 0.5 = 3.5 -> 4 (half up); row 0 untouched.
  qs8_fully_connected__reference(2, 2, x, 0, w, nullptr, rq, y, 1, 2);
  EXPECT_EQ(y[0], 7);
  EXPECT_EQ(y[1], 7);
  EXPECT_EQ(y[2], 4);
  EXPECT_EQ(y[3], 4);
}

}  // namespace
}  // namespace octet

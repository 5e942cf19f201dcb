// int8 softmax: the exp table against double, and the kernel against exact
// arithmetic clamp(zo + floor(e * M0 / (sum * 2^shift) + 1/2)) in __int128,
// also within 1 of the real softmax / so.
#include "kernels/reference/qs8-softmax-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using octet_test::i128;

TEST(QS8SoftmaxTable, MatchesDoubleExp) {
  std::mt19937 rng(70);
  int ambiguous = 0;
  for (int i = 0; i < 400; ++i) {
    const float beta = i % 3 == 0 ? 1.0f : static_cast<float>(octet_test::log_uniform(rng, 0.1, 10.0));
    const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-4, 1.0));
    int32_t t[256];
    build_qs8_softmax_table(beta, si, t);
    EXPECT_EQ(t[0], kSoftmaxTableOne);
    for (int d = 0; d < 256; ++d) {
      const double v = std::ldexp(std::exp(-(double(beta) * double(si) * d)), 23);
      const double e = std::floor(v + 0.5);
      ASSERT_GE(t[d], 0);
      ASSERT_LE(t[d], kSoftmaxTableOne);
      if (d > 0) {
        ASSERT_LE(t[d], t[d - 1]) << "table must not increase";
      }
      if (t[d] == e) continue;
      // Accept the other neighbour only where v is within rounding noise of a tie.
      ASSERT_LT(std::fabs(v - std::floor(v) - 0.5), 1e-6) << "d " << d << " v " << v << " got " << t[d];
      ASSERT_LE(std::fabs(t[d] - v), 0.5 + 1e-6);
      ++ambiguous;
    }
  }
  EXPECT_LT(ambiguous, 5);
}

struct SoftmaxCase {
  size_t rows, channels;
  float beta, si, so;
  int32_t zo;
  bool narrow;  // inputs within a small range of each other
};

// Checks the kernel with `table`; `real_check` when the table is the exp table of
// (beta, si), so the result must also be within 1 of the real softmax.
// `given` replaces the random inputs when not null.
void check_softmax_table(const SoftmaxCase& c, const int32_t* table, bool real_check, std::mt19937& rng,
                         const std::vector<int8_t>* given = nullptr) {
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(1.0 / double(c.so), &p.inv_output_scale)) << c.so;
  p.output_zero_point = c.zo;
  const int lo = c.narrow ? octet_test::uniform_int(rng, -128, 100) : -128;
  const std::vector<int8_t> x =
      given != nullptr ? *given : octet_test::random_s8(rng, c.rows * c.channels, lo, c.narrow ? std::min(127, lo + 20) : 127);
  std::vector<int8_t> y(c.rows * c.channels + 1, int8_t{0x55});
  qs8_softmax__reference(c.rows, c.channels, x.data(), p, y.data());
  ASSERT_EQ(y.back(), 0x55) << "wrote past the output";
  const int64_t m0 = p.inv_output_scale.m0;
  const int shift = p.inv_output_scale.shift;
  for (size_t r = 0; r < c.rows; ++r) {
    const int8_t* in = x.data() + r * c.channels;
    int mx = -128;
    for (size_t j = 0; j < c.channels; ++j) mx = std::max(mx, int{in[j]});
    i128 sum = 0;
    double real_sum = 0;
    for (size_t j = 0; j < c.channels; ++j) {
      sum += table[mx - in[j]];
      real_sum += std::exp(double(c.beta) * c.si * (in[j] - mx));
    }
    for (size_t j = 0; j < c.channels; ++j) {
      const i128 e = table[mx - in[j]];
      // floor(e * M0 / (sum * 2^shift) + 1/2) = floor((2 e M0 + sum 2^shift) / (sum 2^(shift+1))).
      const i128 q = octet_test::floor_div(2 * e * m0 + sum * octet_test::pow2(shift),
                                           sum * octet_test::pow2(shift + 1));
      const int64_t expected = octet_test::clamp64(c.zo + static_cast<int64_t>(q), -128, 127);
      const int got = y[r * c.channels + j];
      ASSERT_EQ(got, expected) << "row " << r << " channel " << j << " of " << c.channels << " beta "
                               << c.beta << " si " << c.si << " so " << c.so << " zo " << c.zo;
      if (!real_check) continue;
      const double real = std::exp(double(c.beta) * c.si * (in[j] - mx)) / real_sum / c.so;
      const double ideal = std::min(127.0, std::max(-128.0, c.zo + std::round(real)));
      ASSERT_LE(std::fabs(got - ideal), 1.0) << "real " << real;
    }
  }
}

void check_softmax(const SoftmaxCase& c, std::mt19937& rng, const std::vector<int8_t>* given = nullptr) {
  int32_t table[256];
  build_qs8_softmax_table(c.beta, c.si, table);
  check_softmax_table(c, table, true, rng, given);
}

TEST(QS8Softmax, RandomRowsAndQuantizations) {
  std::mt19937 rng(71);
  for (size_t channels : {1, 2, 7, 16, 17, 100, 1000})
    for (int i = 0; i < 100; ++i) {
      const bool standard = i % 2 == 0;  // so = 1/256, zo = -128: the usual int8 softmax output
      SoftmaxCase c{size_t(octet_test::uniform_int(rng, 1, channels >= 100 ? 3 : 8)), channels,
                    i % 3 == 0 ? 1.0f : static_cast<float>(octet_test::log_uniform(rng, 0.1, 10.0)),
                    static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.5)),
                    standard ? 1.0f / 256.0f : static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.1)),
                    standard ? -128 : octet_test::random_zero_point(rng), i % 4 == 1};
      check_softmax(c, rng);
    }
}

TEST(QS8Softmax, EqualInputsAndHandCheckedValues) {
  int32_t table[256];
  build_qs8_softmax_table(1.0f, 0.1f, table);
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(256.0, &p.inv_output_scale));
  p.output_zero_point = -128;
  // Two equal inputs: 0.5 each -> 128 / 256 -> zo + 128 = 0; one input: 1.0 -> 256 -> clamps to 127.
  const int8_t two[] = {42, 42};
  int8_t y[2];
  qs8_softmax__reference(1, 2, two, p, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 0);
  qs8_softmax__reference(1, 1, two, p, y);
  EXPECT_EQ(y[0], 127);
  // Four equal inputs: 64 / 256 each -> -64. All 256 channel values equal: 1/256 -> -127.
  std::vector<int8_t> x(256, -128), out(256);
  qs8_softmax__reference(1, 4, x.data(), p, out.data());
  for (int j = 0; j < 4; ++j) EXPECT_EQ(out[j], -64);
  qs8_softmax__reference(1, 256, x.data(), p, out.data());
  for (int j = 0; j < 256; ++j) EXPECT_EQ(out[j], -127);
  // Rows are independent.
  std::mt19937 rng(72);
  for (int i = 0; i < 50; ++i) {
    check_softmax({8, size_t(octet_test::uniform_int(rng, 1, 40)), 1.0f, 0.1f, 1.0f / 256.0f, -128, false}, rng);
  }
}

// The kernel's arithmetic holds for any table within its contract (entries in
// [0, 2^23], entry 0 > 0), not only exp tables.
TEST(QS8Softmax, ArbitraryTables) {
  std::mt19937 rng(74);
  for (int i = 0; i < 300; ++i) {
    int32_t table[256];
    for (int d = 0; d < 256; ++d) {
      table[d] = octet_test::uniform_int(rng, 0, 3) == 0 ? 0 : octet_test::uniform_int(rng, 0, kSoftmaxTableOne);
    }
    table[0] = octet_test::uniform_int(rng, 1, kSoftmaxTableOne);
    SoftmaxCase c{3, size_t(octet_test::uniform_int(rng, 1, 64)), 1.0f, 0.1f,
                  static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.1)), octet_test::random_zero_point(rng),
                  i % 2 == 0};
    check_softmax_table(c, table, false, rng);
  }
}

// An exact tie: e / sum = 257 / 512 and 255 / 512, so = 1/256: 128.5 -> 129 and
// 127.5 -> 128 (half toward +inf).
TEST(QS8Softmax, TiesRoundHalfUp) {
  int32_t table[256] = {};
  table[0] = 257 << 14;
  table[1] = 255 << 14;
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(256.0, &p.inv_output_scale));
  p.output_zero_point = -128;
  const int8_t x[] = {5, 4, 4, 5};
  int8_t y[4];
  qs8_softmax__reference(2, 2, x, p, y);
  EXPECT_EQ(y[0], 1);   // -128 + 129
  EXPECT_EQ(y[1], 0);   // -128 + 128
  EXPECT_EQ(y[2], 0);
  EXPECT_EQ(y[3], 1);
  std::mt19937 rng(75);
  check_softmax_table({1, 2, 1.0f, 0.1f, 1.0f / 256.0f, -128, false}, table, false, rng);
}

// Just below a tie: e = 1092556, sum = 2^23 + 1092556, 256 e / sum = 29.4999997891:
// e * M0 / sum is not an integer and must be floored before the rounding shift
// (rounding it up would give 30). Found by search; random inputs reach such values
// with probability ~2^-22.
TEST(QS8Softmax, NearTieUsesFloorOfQuotient) {
  int32_t table[256] = {};
  table[0] = kSoftmaxTableOne;
  table[1] = 1092556;
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(256.0, &p.inv_output_scale));
  p.output_zero_point = -128;
  const int8_t x[] = {10, 9};
  int8_t y[2];
  qs8_softmax__reference(1, 2, x, p, y);
  EXPECT_EQ(y[0], -128 + 227);  // 226.50000021 -> 227
  EXPECT_EQ(y[1], -128 + 29);
  std::mt19937 rng(76);
  check_softmax_table({1, 2, 1.0f, 0.1f, 1.0f / 256.0f, -128, false}, table, false, rng);
}

// Rows whose maximum is negative: d is measured from the row's maximum, so with a
// steep table (beta * si = 0.5, exp_table[d] = 0 for d >= 37) the result is the same
// as for the row shifted up.
TEST(QS8Softmax, RowsWithNegativeMaximum) {
  std::mt19937 rng(77);
  const std::vector<int8_t> x = {-128, -128, -127, -120, -128, -100, -90, -128};  // 2 rows of 4
  check_softmax({2, 4, 1.0f, 0.5f, 1.0f / 256.0f, -128, false}, rng, &x);
  std::vector<int8_t> shifted(x);
  for (auto& v : shifted) v = static_cast<int8_t>(v + 127);
  int32_t table[256];
  build_qs8_softmax_table(1.0f, 0.5f, table);
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(256.0, &p.inv_output_scale));
  p.output_zero_point = -128;
  std::vector<int8_t> y(8), ys(8);
  qs8_softmax__reference(2, 4, x.data(), p, y.data());
  qs8_softmax__reference(2, 4, shifted.data(), p, ys.data());
  EXPECT_EQ(y, ys);
  for (int i = 0; i < 50; ++i) {
    std::vector<int8_t> r = octet_test::random_s8(rng, 3 * 16, -128, -60);
    check_softmax({3, 16, 2.0f, 0.3f, 1.0f / 256.0f, -128, false}, rng, &r);
  }
}

TEST(QS8Softmax, ExtremeSpreadsAndScales) {
  std::mt19937 rng(73);
  // Large beta * si: the table underflows to 0 beyond a few steps; only the max survives.
  check_softmax({4, 64, 10.0f, 0.5f, 1.0f / 256.0f, -128, false}, rng);
  // Tiny beta * si: every entry ~ 2^23, a near-uniform distribution.
  check_softmax({4, 1000, 1.0f, 1e-5f, 1.0f / 256.0f, -128, false}, rng);
  // Output scales that put 1.0 far outside the range, and just inside it.
  check_softmax({4, 16, 1.0f, 0.05f, 1.0f / 1000.0f, -128, false}, rng);
  check_softmax({4, 16, 1.0f, 0.05f, 1.0f / 255.0f, -128, false}, rng);
  check_softmax({4, 16, 1.0f, 0.05f, 1.0f / 127.0f, 0, false}, rng);
  // Inputs at both ends of the int8 range in one row: d = 255.
  std::vector<int8_t> x = {-128, 127, -128, 127, 0};
  int32_t table[256];
  build_qs8_softmax_table(0.01f, 0.1f, table);
  QSoftmaxParams p;
  p.exp_table = table;
  ASSERT_TRUE(quantize_multiplier(256.0, &p.inv_output_scale));
  p.output_zero_point = -128;
  std::vector<int8_t> y(5);
  qs8_softmax__reference(1, 5, x.data(), p, y.data());
  i128 sum = 0;
  for (int8_t v : x) sum += table[127 - v];
  for (int j = 0; j < 5; ++j) {
    const i128 e = table[127 - x[j]];
    const i128 q = octet_test::floor_div(2 * e * 256 + sum, 2 * sum);  // M = 256 exactly
    EXPECT_EQ(y[j], octet_test::clamp64(-128 + static_cast<int64_t>(q), -128, 127)) << j;
  }
}

}  // namespace
}  // namespace octet

// build_qs8_lut for every UnaryFunction against the functions written out here in
// double, and qs8_lut__reference as a table lookup.
#include "kernels/reference/qs8-lut-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/kernels/oracle.h"
#include "tests/kernels/unary_oracle.h"

namespace octet {
namespace {

using octet_test::oracle_unary;

// Functions whose double evaluation is exact (products and sums of a few exact
// values), so their table must match with no allowance at all.
bool is_exact(UnaryFunction f) {
  return f == UnaryFunction::kRelu || f == UnaryFunction::kClamp || f == UnaryFunction::kAbs ||
         f == UnaryFunction::kNeg || f == UnaryFunction::kLeakyRelu;
}

double round_half_away(double v) { return v < 0 ? -std::floor(-v + 0.5) : std::floor(v + 0.5); }

struct LutCase {
  UnaryFunction f;
  double alpha, beta;
  float si, so;
  int32_t zi, zo;
};

// Returns the number of entries whose exact value sits so close to a rounding
// boundary that two correct double evaluations may disagree (accepted either way).
int check_table(const LutCase& c) {
  int8_t table[256];
  build_qs8_lut(c.f, c.alpha, c.beta, c.si, c.zi, c.so, c.zo, table);
  int ambiguous = 0;
  for (int q = -128; q <= 127; ++q) {
    const double x = double(c.si) * (q - c.zi);
    const double v = oracle_unary(c.f, x, c.alpha, c.beta) / double(c.so);
    // NaN (sqrt or log of a negative value) is the real 0: the zero point.
    const auto quantize = [&](double r) {
      return std::isnan(r) ? double(c.zo) : std::min(127.0, std::max(-128.0, round_half_away(r) + c.zo));
    };
    const double e = quantize(v);
    const int got = table[q + 128];
    if (got == e) continue;
    const double frac = std::fabs(v) - std::floor(std::fabs(v));
    if (!is_exact(c.f) && std::fabs(frac - 0.5) < 1e-9 * std::max(1.0, std::fabs(v)) &&
        (got == quantize(v + 0.5) || got == quantize(v - 0.5))) {
      ++ambiguous;
      continue;
    }
    ADD_FAILURE() << "function " << int(c.f) << " alpha " << c.alpha << " beta " << c.beta << " si " << c.si
                  << " zi " << c.zi << " so " << c.so << " zo " << c.zo << ": q " << q << " (x " << x
                  << ", f/so " << v << ") got " << got << " expected " << e;
    return ambiguous;
  }
  return ambiguous;
}

void random_alpha_beta(UnaryFunction f, std::mt19937& rng, double* alpha, double* beta) {
  *alpha = 0;
  *beta = 0;
  switch (f) {
    case UnaryFunction::kClamp:
      *alpha = octet_test::uniform_real(rng, -6, 2);
      *beta = *alpha + octet_test::uniform_real(rng, 0, 8);
      break;
    case UnaryFunction::kHardSigmoid:
      *alpha = octet_test::uniform_int(rng, 0, 1) ? 0.2 : octet_test::uniform_real(rng, 0.01, 2);
      *beta = octet_test::uniform_int(rng, 0, 1) ? 0.5 : octet_test::uniform_real(rng, -1, 1);
      break;
    case UnaryFunction::kLeakyRelu:
      *alpha = octet_test::uniform_int(rng, 0, 1) ? 0.01 : octet_test::uniform_real(rng, 0, 1);
      break;
    case UnaryFunction::kElu:
      *alpha = octet_test::uniform_int(rng, 0, 1) ? 1.0 : octet_test::uniform_real(rng, 0.1, 2);
      break;
    default: break;
  }
}

TEST(BuildQS8Lut, EveryFunctionOverRandomQuantizations) {
  std::mt19937 rng(60);
  int ambiguous = 0;
  for (UnaryFunction f : octet_test::kAllUnaryFunctions)
    for (int i = 0; i < 150; ++i) {
      LutCase c{f, 0, 0, static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.2)),
                static_cast<float>(octet_test::log_uniform(rng, 1e-3, 0.2)),
                octet_test::random_zero_point(rng), octet_test::random_zero_point(rng)};
      random_alpha_beta(f, rng, &c.alpha, &c.beta);
      ambiguous += check_table(c);
    }
  EXPECT_LT(ambiguous, 10);
}

TEST(BuildQS8Lut, HalfWayValuesRoundAwayFromZero) {
  // si = 1, so = 2: Neg gives -q / 2, Abs |q| / 2, Relu max(q, 0) / 2: exact ties.
  int8_t table[256];
  build_qs8_lut(UnaryFunction::kNeg, 0, 0, 1.0f, 0, 2.0f, 0, table);
  EXPECT_EQ(table[1 + 128], -1);   // -0.5 -> -1
  EXPECT_EQ(table[-1 + 128], 1);   // 0.5 -> 1
  EXPECT_EQ(table[3 + 128], -2);   // -1.5 -> -2
  EXPECT_EQ(table[-5 + 128], 3);   // 2.5 -> 3
  EXPECT_EQ(table[-128 + 128], 64);
  EXPECT_EQ(table[127 + 128], -64);  // -63.5 -> -64
  build_qs8_lut(UnaryFunction::kRelu, 0, 0, 1.0f, 0, 2.0f, 10, table);
  EXPECT_EQ(table[5 + 128], 13);  // 10 + 2.5 -> 10 + 3
  EXPECT_EQ(table[-5 + 128], 10);
  for (UnaryFunction f : {UnaryFunction::kNeg, UnaryFunction::kAbs, UnaryFunction::kRelu, UnaryFunction::kLeakyRelu})
    for (int32_t zi : {-128, 0, 127})
      for (int32_t zo : {-128, -3, 0, 127}) check_table({f, 0.5, 0, 1.0f, 2.0f, zi, zo});
}

TEST(BuildQS8Lut, NanFunctionValuesGiveTheZeroPoint) {
  int8_t table[256];
  build_qs8_lut(UnaryFunction::kLeakyRelu, std::nan(""), 0, 0.1f, 0, 0.1f, 50, table);
  for (int q = -128; q < 0; ++q) EXPECT_EQ(table[q + 128], 50) << q;  // alpha * x is NaN
  for (int q = 0; q <= 77; ++q) EXPECT_EQ(table[q + 128], q + 50) << q;
}

TEST(BuildQS8Lut, SaturationAndIdentity) {
  int8_t table[256];
  // Exp of large inputs overflows the output range (and double, to inf): 127.
  build_qs8_lut(UnaryFunction::kExp, 0, 0, 10.0f, 0, 0.01f, 0, table);
  EXPECT_EQ(table[127 + 128], 127);
  EXPECT_EQ(table[-128 + 128], 0);
  check_table({UnaryFunction::kExp, 0, 0, 10.0f, 0.01f, 0, 0});
  // Clamp with bounds covering the whole range and equal quantizations: identity.
  build_qs8_lut(UnaryFunction::kClamp, -1e9, 1e9, 0.1f, 7, 0.1f, 7, table);
  for (int q = -128; q <= 127; ++q) EXPECT_EQ(table[q + 128], q);
  // Relu6 as Clamp(0, 6) with so = 6 / 255 and zo = -128: 0 -> -128, 6 -> 127.
  build_qs8_lut(UnaryFunction::kClamp, 0.0, 6.0, 0.05f, 0, 6.0f / 255.0f, -128, table);
  EXPECT_EQ(table[-100 + 128], -128);
  EXPECT_EQ(table[120 + 128], 127);
  check_table({UnaryFunction::kClamp, 0.0, 6.0, 0.05f, 6.0f / 255.0f, 0, -128});
}

TEST(UnaryFunctionF64, MatchesDefinitions) {
  std::mt19937 rng(61);
  for (UnaryFunction f : octet_test::kAllUnaryFunctions)
    for (int i = 0; i < 2000; ++i) {
      double alpha, beta;
      random_alpha_beta(f, rng, &alpha, &beta);
      const double x = octet_test::uniform_real(rng, -12, 12);
      const double e = oracle_unary(f, x, alpha, beta), got = unary_function_f64(f, x, alpha, beta);
      if (std::isnan(e)) {
        EXPECT_TRUE(std::isnan(got)) << int(f) << " x " << x;
        continue;
      }
      EXPECT_NEAR(got, e, 1e-12 * std::max(1.0, std::fabs(e))) << int(f) << " x " << x;
    }
}

TEST(UnaryFunctionF64, NewFunctionsAtSpecialPoints) {
  const double inf = INFINITY;
  EXPECT_EQ(unary_function_f64(UnaryFunction::kSqrt, 0.0, 0, 0), 0.0);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kSqrt, 2.25, 0, 0), 1.5);
  EXPECT_TRUE(std::isnan(unary_function_f64(UnaryFunction::kSqrt, -1.0, 0, 0)));
  EXPECT_EQ(unary_function_f64(UnaryFunction::kReciprocal, 0.0, 0, 0), inf);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kReciprocal, -0.0, 0, 0), -inf);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kReciprocal, -4.0, 0, 0), -0.25);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kLog, 0.0, 0, 0), -inf);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kLog, 1.0, 0, 0), 0.0);
  EXPECT_TRUE(std::isnan(unary_function_f64(UnaryFunction::kLog, -1.0, 0, 0)));
  EXPECT_EQ(unary_function_f64(UnaryFunction::kErf, 0.0, 0, 0), 0.0);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kErf, 30.0, 0, 0), 1.0);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kFloor, -2.5, 0, 0), -3.0);
  EXPECT_EQ(unary_function_f64(UnaryFunction::kFloor, 2.5, 0, 0), 2.0);
  // Softplus neither overflows for large x nor rounds small results to 0.
  EXPECT_EQ(unary_function_f64(UnaryFunction::kSoftplus, 1000.0, 0, 0), 1000.0);
  EXPECT_NEAR(unary_function_f64(UnaryFunction::kSoftplus, -50.0, 0, 0), std::exp(-50.0), 1e-30);
  EXPECT_EQ(unary_function_f32(UnaryFunction::kSoftplus, 200.0f, 0, 0), 200.0f);
  EXPECT_GT(unary_function_f32(UnaryFunction::kSoftplus, -80.0f, 0, 0), 0.0f);
  // The int8 table of Sqrt: negative inputs (NaN) take the zero point; Log of 0 saturates.
  int8_t table[256];
  build_qs8_lut(UnaryFunction::kSqrt, 0, 0, 0.25f, 0, 0.125f, -5, table);
  EXPECT_EQ(table[-1 + 128], -5);
  EXPECT_EQ(table[0 + 128], -5);
  EXPECT_EQ(table[16 + 128], -5 + 16);  // sqrt(4) / 0.125
  build_qs8_lut(UnaryFunction::kLog, 0, 0, 0.25f, 0, 0.125f, 0, table);
  EXPECT_EQ(table[0 + 128], -128);
  EXPECT_EQ(table[4 + 128], 0);  // log(1)
}

TEST(QS8Lut, LooksUpEveryByte) {
  std::mt19937 rng(62);
  const std::vector<int8_t> t = octet_test::random_s8(rng, 256);
  for (size_t n : {0, 1, 7, 16, 255, 256, 1000}) {
    std::vector<int8_t> x = octet_test::random_s8(rng, n);
    if (n == 256) {
      for (int i = 0; i < 256; ++i) x[i] = static_cast<int8_t>(i - 128);
    }
    std::vector<int8_t> y(n + 1, int8_t{0x55});
    qs8_lut__reference(n, x.data(), t.data(), y.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(y[i], t[int{x[i]} + 128]) << i;
    EXPECT_EQ(y[n], 0x55);
  }
  // In place (y == x) is a plain element-wise map as well.
  std::vector<int8_t> x = octet_test::random_s8(rng, 300), copy = x;
  qs8_lut__reference(x.size(), x.data(), t.data(), x.data());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], t[int{copy[i]} + 128]);
}

}  // namespace
}  // namespace octet

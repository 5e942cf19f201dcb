// quantize_multiplier and the requantization rule of requantize.h, against exact
// __int128 arithmetic with a mathematical floor.
#include "kernels/reference/requantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using octet_test::expected_requantize;
using octet_test::round_half_up_scaled;

// The normal form of M, derived without frexp: scale M by 2^e (exact) until it lies
// in [2^30, 2^31), round half away from zero (M > 0: floor(x + 1/2), exact in double
// since x < 2^31 has 22 fraction bits to spare), renormalise a carry to 2^31.
// Returns false where quantize_multiplier must reject M.
bool oracle_multiplier(double m, int64_t* m0, int* shift) {
  if (!(m > 0) || !std::isfinite(m)) return false;
  int e = 0;
  while (std::ldexp(m, e) < 1073741824.0) ++e;
  while (std::ldexp(m, e) >= 2147483648.0) --e;
  int64_t q = static_cast<int64_t>(std::floor(std::ldexp(m, e) + 0.5));
  if (q == (int64_t{1} << 31)) {
    q >>= 1;
    --e;
  }
  if (e < 1) return false;
  if (e > 62) {
    q = 0;
    e = 62;
  }
  *m0 = q;
  *shift = e;
  return true;
}

void expect_multiplier(double m) {
  QuantizedMultiplier qm;
  qm.m0 = 12345;  // sentinel: must stay when rejected
  qm.shift = 7;
  int64_t m0 = 0;
  int shift = 0;
  const bool ok = oracle_multiplier(m, &m0, &shift);
  ASSERT_EQ(quantize_multiplier(m, &qm), ok) << "M = " << m;
  if (!ok) {
    EXPECT_EQ(qm.m0, 12345);
    EXPECT_EQ(qm.shift, 7);
    return;
  }
  EXPECT_EQ(qm.m0, m0) << "M = " << m;
  EXPECT_EQ(qm.shift, shift) << "M = " << m;
  EXPECT_TRUE(is_valid_multiplier(qm.m0, qm.shift)) << "M = " << m;
  if (qm.m0 != 0) {
    // Relative error of the normal form: at most half a unit of M0 >= 2^30.
    const double approx = std::ldexp(static_cast<double>(qm.m0), -qm.shift);
    EXPECT_LE(std::fabs(approx - m), std::ldexp(m, -31)) << "M = " << m;
  } else {
    EXPECT_LT(m, std::ldexp(1.0, -32)) << "M = " << m;
  }
}

TEST(QuantizeMultiplier, RandomMultipliers) {
  std::mt19937 rng(1);
  for (int i = 0; i < 200000; ++i) {
    expect_multiplier(octet_test::log_uniform(rng, 1e-12, 536870912.0));  // (1e-12, 2^29)
  }
}

TEST(QuantizeMultiplier, ExactPowersOfTwo) {
  for (int k = -32; k <= 29; ++k) {
    QuantizedMultiplier qm;
    ASSERT_TRUE(quantize_multiplier(std::ldexp(1.0, k), &qm)) << k;
    EXPECT_EQ(qm.m0, 1 << 30) << k;
    EXPECT_EQ(qm.shift, 30 - k) << k;
  }
  // 2^30 needs shift 0: rejected, as is everything above.
  for (int k = 30; k <= 1000; k += 7) expect_multiplier(std::ldexp(1.0, k));
  // Below 2^-32: the zero form.
  for (int k = -33; k >= -1074; --k) {
    QuantizedMultiplier qm;
    ASSERT_TRUE(quantize_multiplier(std::ldexp(1.0, k), &qm)) << k;
    EXPECT_EQ(qm.m0, 0) << k;
    EXPECT_EQ(qm.shift, 62) << k;
  }
}

TEST(QuantizeMultiplier, RoundingCarryRenormalises) {
  QuantizedMultiplier qm;
  // 0.99999999999 * 2^31 = 2147483647.98 rounds to 2^31: M0 = 2^30, shift 31 - 1.
  ASSERT_TRUE(quantize_multiplier(0.99999999999, &qm));
  EXPECT_EQ(qm.m0, 1 << 30);
  EXPECT_EQ(qm.shift, 30);
  for (int k = -31; k <= 29; ++k) {
    const double below = std::ldexp(1.0 - 1e-12, k);  // just below 2^k
    expect_multiplier(below);
    ASSERT_TRUE(quantize_multiplier(below, &qm));
    EXPECT_EQ(qm.m0, 1 << 30) << k;
    EXPECT_EQ(qm.shift, 30 - k) << k;
    expect_multiplier(std::nextafter(std::ldexp(1.0, k), 0.0));
    expect_multiplier(std::nextafter(std::ldexp(1.0, k), 2.0 * std::ldexp(1.0, k)));
  }
  // Largest M0 that does not carry: fraction (2^31 - 1) / 2^31 exactly.
  ASSERT_TRUE(quantize_multiplier(2147483647.0 / 2147483648.0, &qm));
  EXPECT_EQ(qm.m0, 2147483647);
  EXPECT_EQ(qm.shift, 31);
  // Ties of M0 round away from zero: (2^30 + 0.5) / 2^31.
  ASSERT_TRUE(quantize_multiplier(1073741824.5 / 2147483648.0, &qm));
  EXPECT_EQ(qm.m0, 1073741825);
  EXPECT_EQ(qm.shift, 31);
}

TEST(QuantizeMultiplier, RejectsLargeZeroNegativeAndNonFinite) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double m : {0.0, -0.0, -1.0, -1e-300, -inf, inf, nan, 1073741824.0, 1e12,
                   std::nextafter(1073741824.0, 0.0),  // rounds up to 2^30
                   std::numeric_limits<double>::max()}) {
    QuantizedMultiplier qm;
    qm.m0 = 99;
    qm.shift = 3;
    EXPECT_FALSE(quantize_multiplier(m, &qm)) << m;
    EXPECT_EQ(qm.m0, 99);
    EXPECT_EQ(qm.shift, 3);
  }
  // 2^30 - 1 is below the carry point and still fits with shift 1.
  QuantizedMultiplier qm;
  ASSERT_TRUE(quantize_multiplier(1073741823.0, &qm));
  EXPECT_EQ(qm.m0, 2147483646);
  EXPECT_EQ(qm.shift, 1);
}

TEST(QuantizeMultiplier, TinyMultipliersGiveZeroForm) {
  std::mt19937 rng(2);
  for (int i = 0; i < 20000; ++i) {
    const double m = octet_test::log_uniform(rng, 1e-300, std::ldexp(0.99, -32));
    QuantizedMultiplier qm;
    ASSERT_TRUE(quantize_multiplier(m, &qm)) << m;
    EXPECT_EQ(qm.m0, 0) << m;
    EXPECT_EQ(qm.shift, 62) << m;
  }
  expect_multiplier(std::numeric_limits<double>::denorm_min());
  expect_multiplier(std::ldexp(1.0, -32));
  expect_multiplier(std::nextafter(std::ldexp(1.0, -32), 0.0));  // carries up to 2^-32
  expect_multiplier(std::ldexp(0.75, -32));
}

TEST(IsValidMultiplier, NormalFormOnly) {
  EXPECT_TRUE(is_valid_multiplier(1 << 30, 1));
  EXPECT_TRUE(is_valid_multiplier(2147483647, 62));
  EXPECT_TRUE(is_valid_multiplier(0, 62));
  EXPECT_TRUE(is_valid_multiplier(0, 1));
  EXPECT_FALSE(is_valid_multiplier((1 << 30) - 1, 31));
  EXPECT_FALSE(is_valid_multiplier(1 << 30, 0));
  EXPECT_FALSE(is_valid_multiplier(1 << 30, 63));
  EXPECT_FALSE(is_valid_multiplier(-(1 << 30), 31));
  EXPECT_FALSE(is_valid_multiplier(0, 0));
  EXPECT_FALSE(is_valid_multiplier(0, 63));
  EXPECT_FALSE(is_valid_multiplier(std::numeric_limits<int32_t>::min(), 31));
}

// A random (m0, shift) in normal form, or the zero form now and then.
void random_multiplier(std::mt19937& rng, int32_t* m0, int32_t* shift) {
  *shift = octet_test::uniform_int(rng, 1, 62);
  switch (octet_test::uniform_int(rng, 0, 15)) {
    case 0: *m0 = 0; break;
    case 1: *m0 = 1 << 30; break;
    case 2: *m0 = std::numeric_limits<int32_t>::max(); break;
    default:
      *m0 = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(int64_t{1} << 30, (int64_t{1} << 31) - 1)(rng));
  }
}

int32_t random_acc(std::mt19937& rng) {
  switch (octet_test::uniform_int(rng, 0, 9)) {
    case 0: return std::numeric_limits<int32_t>::min();
    case 1: return std::numeric_limits<int32_t>::max();
    case 2: return 0;
    case 3: return octet_test::uniform_int(rng, -1000, 1000);
    case 4: return octet_test::uniform_int(rng, -(1 << 20), 1 << 20);
    default: return static_cast<int32_t>(rng());
  }
}

TEST(MultiplyByQuantizedMultiplier, RandomTriplesMatchExactArithmetic) {
  std::mt19937 rng(3);
  for (int i = 0; i < 1000000; ++i) {
    int32_t m0, shift;
    random_multiplier(rng, &m0, &shift);
    const int32_t acc = random_acc(rng);
    const int64_t expected = round_half_up_scaled(acc, m0, shift);
    const int64_t got = multiply_by_quantized_multiplier(acc, m0, shift);
    if (got != expected) {
      FAIL() << "acc=" << acc << " m0=" << m0 << " shift=" << shift << " got " << got
             << " expected " << expected;
    }
  }
}

TEST(MultiplyByQuantizedMultiplier, Extremes) {
  const int32_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  for (int32_t acc : {lo, lo + 1, -1, 0, 1, hi - 1, hi}) {
    for (int32_t m0 : {0, 1 << 30, (1 << 30) + 1, hi}) {
      for (int32_t shift = 1; shift <= 62; ++shift) {
        EXPECT_EQ(multiply_by_quantized_multiplier(acc, m0, shift), round_half_up_scaled(acc, m0, shift))
            << acc << " " << m0 << " " << shift;
      }
    }
  }
  // Hand-checked values: -2^31 * (2^31 - 1) / 2^62 = -1 + 2^-31 rounds to -1;
  // -2^31 * 2^30 / 2^62 = -1/2 exactly rounds toward +inf, to 0; / 2^61 is -1.
  EXPECT_EQ(multiply_by_quantized_multiplier(lo, hi, 62), -1);
  EXPECT_EQ(multiply_by_quantized_multiplier(lo, hi, 61), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier(lo, 1 << 30, 62), 0);
  EXPECT_EQ(multiply_by_quantized_multiplier(lo, 1 << 30, 61), -1);
  EXPECT_EQ(multiply_by_quantized_multiplier(lo, 1 << 30, 60), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier(hi, hi, 1), (int64_t{hi} * hi + 1) / 2);
}

// Exact ties: acc * m0 = k * 2^shift + 2^(shift-1). With m0 = 2^t * u (u odd), any
// acc = odd * 2^(shift - 1 - t) makes one; the rule rounds them toward +infinity.
TEST(MultiplyByQuantizedMultiplier, TiesRoundTowardPlusInfinity) {
  std::mt19937 rng(4);
  int ties = 0, negative = 0;
  for (int i = 0; i < 200000; ++i) {
    int32_t m0, shift;
    random_multiplier(rng, &m0, &shift);
    if (m0 == 0) continue;
    const int t = __builtin_ctz(static_cast<uint32_t>(m0));
    const int p = shift - 1 - t;  // power of two in acc
    if (p < 0 || p > 30) continue;
    const int64_t max_odd = ((int64_t{1} << 31) >> p) - 1;  // |odd * 2^p| < 2^31
    int64_t odd = std::uniform_int_distribution<int64_t>(-max_odd, max_odd)(rng) | 1;
    if (odd > max_odd) odd -= 2;
    const int32_t acc = static_cast<int32_t>(odd * (int64_t{1} << p));
    const octet_test::i128 prod = static_cast<octet_test::i128>(acc) * m0;
    // A tie: the remainder modulo 2^shift is exactly half of it.
    const octet_test::i128 k = octet_test::floor_div(prod, octet_test::pow2(shift));
    ASSERT_EQ(prod - k * octet_test::pow2(shift), octet_test::pow2(shift - 1));
    // Half-way: the result is k + 1 (toward +inf), for negative k as well.
    ASSERT_EQ(multiply_by_quantized_multiplier(acc, m0, shift), static_cast<int64_t>(k + 1))
        << "acc=" << acc << " m0=" << m0 << " shift=" << shift;
    ++ties;
    negative += acc < 0;
  }
  EXPECT_GT(ties, 10000);
  EXPECT_GT(negative, 1000);
  // Small hand-written ties: 3 * 2^30 / 2^31 = 1.5 -> 2; -3 * 2^30 / 2^31 = -1.5 -> -1;
  // -1 * 2^30 / 2^31 = -0.5 -> 0; 1 * 2^30 / 2^31 = 0.5 -> 1.
  EXPECT_EQ(multiply_by_quantized_multiplier(3, 1 << 30, 31), 2);
  EXPECT_EQ(multiply_by_quantized_multiplier(-3, 1 << 30, 31), -1);
  EXPECT_EQ(multiply_by_quantized_multiplier(-1, 1 << 30, 31), 0);
  EXPECT_EQ(multiply_by_quantized_multiplier(1, 1 << 30, 31), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier(-5, 1 << 30, 31), -2);
}

TEST(RoundingRshift, MatchesFloorOfHalfUp) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200000; ++i) {
    const int shift = static_cast<int>(rng() % 62) + 1;
    const int64_t x = static_cast<int64_t>(rng()) >> 2;  // |x| < 2^62 (well, <= 2^61)
    const octet_test::i128 expected =
        octet_test::floor_div(2 * static_cast<octet_test::i128>(x) + octet_test::pow2(shift),
                              octet_test::pow2(shift + 1));
    ASSERT_EQ(rounding_rshift(x, shift), static_cast<int64_t>(expected)) << x << " " << shift;
  }
}

TEST(RequantizeS8, RandomTriplesWithZeroPointAndClamp) {
  std::mt19937 rng(6);
  for (int i = 0; i < 1000000; ++i) {
    int32_t m0, shift;
    random_multiplier(rng, &m0, &shift);
    // Accumulators that land in or near the int8 range after scaling, mixed with
    // arbitrary ones (which mostly saturate).
    int32_t acc = random_acc(rng);
    if (i % 2 == 0 && m0 != 0 && shift <= 50) {
      const double target = octet_test::uniform_real(rng, -300, 300);
      const double a = target / (std::ldexp(static_cast<double>(m0), -shift));
      if (std::fabs(a) < 2e9) acc = static_cast<int32_t>(a);
    }
    const int32_t zp = octet_test::random_zero_point(rng);
    int32_t qmin = -128, qmax = 127;
    if (i % 4 == 0) {
      qmin = octet_test::uniform_int(rng, -128, 127);
      qmax = octet_test::uniform_int(rng, qmin, 127);
    }
    const int8_t expected = expected_requantize(acc, m0, shift, zp, qmin, qmax);
    const int8_t got = requantize_s8(acc, m0, shift, zp, qmin, qmax);
    if (got != expected) {
      FAIL() << "acc=" << acc << " m0=" << m0 << " shift=" << shift << " zp=" << zp << " ["
             << qmin << "," << qmax << "] got " << int{got} << " expected " << int{expected};
    }
  }
}

TEST(RequantizeChannel, PerChannelAndSingleMultiplier) {
  const int32_t m0[3] = {1 << 30, 1610612736, 2147483647};  // 0.5, 0.75, ~1 at shift 31
  const int32_t shift[3] = {31, 31, 31};
  RequantParams p;
  p.m0 = m0;
  p.shift = shift;
  p.zero_point = 3;
  p.qmin = -20;
  p.qmax = 100;
  p.per_channel = true;
  EXPECT_EQ(requantize_channel(p, 10, 0), 8);    // 3 + 5
  EXPECT_EQ(requantize_channel(p, 10, 1), 11);   // 3 + 7.5 -> 3 + 8
  EXPECT_EQ(requantize_channel(p, -10, 1), -4);  // 3 - 7.5 -> 3 - 7
  EXPECT_EQ(requantize_channel(p, 1000, 2), 100);
  EXPECT_EQ(requantize_channel(p, -1000, 2), -20);
  p.per_channel = false;
  EXPECT_EQ(requantize_channel(p, 10, 2), 8);  // channel ignored: entry 0
}

TEST(ClampI64, Bounds) {
  EXPECT_EQ(clamp_i64(int64_t{1} << 40, -128, 127), 127);
  EXPECT_EQ(clamp_i64(-(int64_t{1} << 40), -128, 127), -128);
  EXPECT_EQ(clamp_i64(5, -128, 127), 5);
  EXPECT_EQ(clamp_i64(5, 6, 6), 6);
}

}  // namespace
}  // namespace octet

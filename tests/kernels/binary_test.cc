// Broadcasting, int8 Add / Sub (the 32-bit formula of qs8-binary-reference.h with
// parameters derived independently from the scales), int8 Mul (exact
// requantization) and int8 Maximum / Minimum (each operand rescaled with Add's
// multipliers), each also checked against the real-valued result.
#include "kernels/reference/qs8-binary-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// Output shape of numpy broadcasting, or false.
bool oracle_broadcast_shape(const Shape& a, const Shape& b, Shape* out) {
  const size_t rank = std::max(a.size(), b.size());
  out->assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t ad = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t bd = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (ad != bd && ad != 1 && bd != 1) return false;
    (*out)[rank - 1 - i] = ad == 1 ? bd : ad;
  }
  return true;
}

// Flat index into operand `s` (aligned at the last axis) of output multi-index `idx`.
size_t operand_index(const Shape& s, const std::vector<int64_t>& idx) {
  const size_t off = idx.size() - s.size();
  size_t flat = 0;
  for (size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + (s[d] == 1 ? 0 : idx[off + d]);
  return flat;
}

// Calls f(out, ia, ib) for every output element, by decoding each flat index.
template <typename F>
void oracle_for_each(const Shape& a, const Shape& b, const Shape& out, F&& f) {
  const int64_t count = numel(out);
  std::vector<int64_t> idx(out.size());
  for (int64_t o = 0; o < count; ++o) {
    int64_t rest = o;
    for (size_t d = out.size(); d-- > 0;) {
      idx[d] = rest % out[d];
      rest /= out[d];
    }
    f(static_cast<size_t>(o), operand_index(a, idx), operand_index(b, idx));
  }
}

const std::vector<std::pair<Shape, Shape>>& shape_pairs() {
  static const std::vector<std::pair<Shape, Shape>> pairs = {
      {{2, 3, 4, 5}, {5}},
      {{5}, {2, 3, 4, 5}},
      {{2, 1, 4, 1}, {1, 3, 1, 5}},
      {{2, 3, 4, 5}, {2, 3, 4, 5}},
      {{}, {3, 4}},
      {{3, 4}, {}},
      {{}, {}},
      {{1}, {7}},
      {{4, 1}, {1, 4}},
      {{3, 1, 5}, {4, 1}},
      {{1, 1, 1}, {2, 3}},
      {{2, 3, 4, 5}, {3, 1, 1}},
      {{17}, {17}},
      {{2, 1, 2, 1, 2, 1, 2, 1}, {1, 2, 1, 2, 1, 2, 1, 2}},
      {{0, 3}, {3}},
      {{2, 0, 3}, {1, 1, 3}},
  };
  return pairs;
}

TEST(Broadcast, MatchesNumpyRules) {
  for (const auto& [a, b] : shape_pairs()) {
    BroadcastShape bs;
    Shape out;
    ASSERT_TRUE(oracle_broadcast_shape(a, b, &out));
    ASSERT_TRUE(make_broadcast_shape(a.data(), int(a.size()), b.data(), int(b.size()), &bs));
    ASSERT_EQ(bs.rank, int(out.size()));
    for (size_t d = 0; d < out.size(); ++d) EXPECT_EQ(bs.out_dims[d], out[d]);
    std::vector<std::array<size_t, 3>> expected, got;
    oracle_for_each(a, b, out, [&](size_t o, size_t ia, size_t ib) { expected.push_back({o, ia, ib}); });
    for_each_broadcast(bs, [&](size_t o, size_t ia, size_t ib) { got.push_back({o, ia, ib}); });
    EXPECT_EQ(got, expected);
  }
}

TEST(Broadcast, RejectsIncompatibleAndTooHighRank) {
  BroadcastShape bs;
  const int64_t a[] = {2, 3}, b[] = {4, 3}, c[] = {3, 2}, z[] = {0}, five[] = {5};
  EXPECT_FALSE(make_broadcast_shape(a, 2, b, 2, &bs));
  EXPECT_FALSE(make_broadcast_shape(a, 2, c, 2, &bs));
  EXPECT_FALSE(make_broadcast_shape(z, 1, five, 1, &bs));  // 0 broadcasts only against 1
  const int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_FALSE(make_broadcast_shape(nine, 9, a, 2, &bs));
  EXPECT_TRUE(make_broadcast_shape(nine, 8, a, 2, &bs));
}

// ---------------------------------------------------------------------------
// Add / Sub

// The parameters of the documented formula, derived here: shift is the largest
// s <= 30 with round(max_ratio * 2^s) < 2^20; multipliers round(ratio * 2^s)
// (half away from zero); bias = -(za * am + zb * bm) + 2^(s-1).
struct OracleAdd {
  int64_t am, bm, bias;
  int shift;
};
OracleAdd oracle_add_params(float sa, int32_t za, float sb, int32_t zb, float so, bool subtract) {
  const double ra = double(sa) / double(so), rb = double(sb) / double(so);
  const double mx = ra > rb ? ra : rb;
  const auto round_pos = [](double v) { return static_cast<int64_t>(std::floor(v + 0.5)); };
  int s = 30;
  while (s > 0 && round_pos(std::ldexp(mx, s)) >= (int64_t{1} << 20)) --s;
  OracleAdd p;
  p.shift = s;
  p.am = round_pos(std::ldexp(ra, s));
  p.bm = round_pos(std::ldexp(rb, s)) * (subtract ? -1 : 1);
  p.bias = -(int64_t{za} * p.am + int64_t{zb} * p.bm) + (s > 0 ? int64_t{1} << (s - 1) : 0);
  return p;
}

struct AddCase {
  Shape a, b;
  float sa, sb, so;
  int32_t za, zb, zo, qmin, qmax;
  bool subtract;
};

// Checks one Add/Sub case; `real_check` also compares with the real-valued result.
void check_add(const AddCase& c, bool real_check, std::mt19937& rng) {
  QAddParams p;
  ASSERT_TRUE(compute_qs8_add_params(c.sa, c.za, c.sb, c.zb, c.so, c.zo, c.subtract, c.qmin, c.qmax, &p))
      << c.sa << " " << c.sb << " " << c.so;
  const OracleAdd o = oracle_add_params(c.sa, c.za, c.sb, c.zb, c.so, c.subtract);
  ASSERT_EQ(p.shift, o.shift) << c.sa << " " << c.sb << " " << c.so;
  ASSERT_EQ(p.a_multiplier, o.am);
  ASSERT_EQ(p.b_multiplier, o.bm);
  ASSERT_EQ(p.bias, o.bias);
  EXPECT_EQ(p.output_zero_point, c.zo);
  EXPECT_EQ(p.qmin, c.qmin);
  EXPECT_EQ(p.qmax, c.qmax);
  EXPECT_GE(p.shift, 0);
  EXPECT_LT(p.shift, 31);
  // The larger multiplier has 20 significant bits, unless the shift is capped at 30.
  const int64_t larger = std::max(std::abs(o.am), std::abs(o.bm));
  EXPECT_LT(larger, int64_t{1} << 20);
  if (p.shift < 30) {
    EXPECT_GE(larger, int64_t{1} << 19);
  }

  const std::vector<int8_t> a = octet_test::random_s8(rng, numel(c.a));
  const std::vector<int8_t> b = octet_test::random_s8(rng, numel(c.b));
  Shape out;
  ASSERT_TRUE(oracle_broadcast_shape(c.a, c.b, &out));
  BroadcastShape bs;
  ASSERT_TRUE(make_broadcast_shape(c.a.data(), int(c.a.size()), c.b.data(), int(c.b.size()), &bs));
  std::vector<int8_t> y(numel(out) + 1, int8_t{0x55});  // one guard byte
  qs8_add__reference(bs, a.data(), b.data(), p, y.data());
  EXPECT_EQ(y.back(), 0x55) << "wrote past the output";
  int bad = 0;
  oracle_for_each(c.a, c.b, out, [&](size_t i, size_t ia, size_t ib) {
    // The documented 32-bit formula, evaluated in 64 bits: the accumulator must fit
    // in int32 for the kernel's arithmetic to be exact.
    const int64_t acc = o.bias + int64_t{a[ia]} * o.am + int64_t{b[ib]} * o.bm;
    EXPECT_LT(std::abs(acc), int64_t{1} << 31);
    const int64_t expected =
        octet_test::clamp64(c.zo + static_cast<int64_t>(octet_test::floor_div(acc, octet_test::pow2(o.shift))), c.qmin, c.qmax);
    if (y[i] != expected && bad++ < 5) {
      ADD_FAILURE() << "a=" << int{a[ia]} << " b=" << int{b[ib]} << " sa=" << c.sa << " sb=" << c.sb
                    << " so=" << c.so << " za=" << c.za << " zb=" << c.zb << " zo=" << c.zo
                    << " sub=" << c.subtract << ": got " << int{y[i]} << " expected " << expected;
    }
    if (real_check) {
      const double real = ((a[ia] - c.za) * double(c.sa) +
                           (c.subtract ? -1.0 : 1.0) * (b[ib] - c.zb) * double(c.sb)) / double(c.so);
      const double ideal = std::min<double>(std::max<double>(c.zo + std::round(real), c.qmin), c.qmax);
      if (std::fabs(y[i] - ideal) > 1.0 && bad++ < 5) {
        ADD_FAILURE() << "real " << real << " ideal " << ideal << " got " << int{y[i]};
      }
    }
  });
}

float random_scale(std::mt19937& rng) { return static_cast<float>(octet_test::log_uniform(rng, 1e-4, 1.0)); }

TEST(QS8Add, BroadcastShapesAndScaleRatios) {
  std::mt19937 rng(30);
  for (bool subtract : {false, true})
    for (const auto& [sa_shape, sb_shape] : shape_pairs())
      for (int i = 0; i < 40; ++i) {
        const float so = random_scale(rng);
        // Ratios from 1/1000 to 1000, including equal scales.
        const float sa = i == 0 ? so : static_cast<float>(so * octet_test::log_uniform(rng, 1e-3, 1e3));
        const float sb = i == 1 ? sa : static_cast<float>(so * octet_test::log_uniform(rng, 1e-3, 1e3));
        int32_t qmin = -128, qmax = 127;
        if (i % 4 == 3) {
          qmin = octet_test::uniform_int(rng, -128, 127);
          qmax = octet_test::uniform_int(rng, qmin, 127);
        }
        AddCase c{sa_shape, sb_shape, sa, sb, so, octet_test::random_zero_point(rng),
                  octet_test::random_zero_point(rng), octet_test::random_zero_point(rng), qmin, qmax,
                  subtract};
        check_add(c, true, rng);
      }
}

TEST(QS8Add, RandomScalesAndZeroPoints) {
  std::mt19937 rng(34);
  for (int i = 0; i < 4000; ++i) {
    const float so = random_scale(rng);
    // Ratios over the whole accepted range; the real-valued bound is checked up to 1000.
    const double hi_ratio = i % 2 == 0 ? 1e3 : 4095.0;
    const float sa = static_cast<float>(so * octet_test::log_uniform(rng, 1e-4, hi_ratio));
    const float sb = static_cast<float>(so * octet_test::log_uniform(rng, 1e-4, hi_ratio));
    AddCase c{{64}, i % 3 == 0 ? Shape{} : Shape{64}, sa, sb, so, octet_test::random_zero_point(rng),
              octet_test::random_zero_point(rng), octet_test::random_zero_point(rng), -128, 127, i % 4 == 1};
    check_add(c, hi_ratio <= 1e3, rng);
  }
}

TEST(QS8Add, ExtremeZeroPointsAndRatios) {
  std::mt19937 rng(31);
  const double ratios[] = {1e-3, 0.5, 1.0, 1.0 / 3.0, 2.0, 1e3, 4095.0, 4095.99, 1e-9, 1e-30};
  for (bool subtract : {false, true})
    for (int32_t za : {-128, 127})
      for (int32_t zb : {-128, 127})
        for (int32_t zo : {-128, 0, 127})
          for (double ra : ratios)
            for (double rb : {1.0, 1e-3, 1e3, 4095.5}) {
              const float so = 0.01f;
              AddCase c{{16}, {16}, static_cast<float>(so * ra), static_cast<float>(so * rb), so,
                        za, zb, zo, -128, 127, subtract};
              // The real-valued comparison holds where the multipliers have >= 10
              // fraction bits per unit of input (ratios up to 1000).
              check_add(c, ra <= 1000.0 && rb <= 1000.0, rng);
            }
}

TEST(QS8Add, EveryInputPairAtUnitScales) {
  // sa = sb = so: y = clamp(zo + (a - za) + (b - zb)) exactly, for all 65536 pairs.
  QAddParams p;
  ASSERT_TRUE(compute_qs8_add_params(0.5f, 3, 0.5f, -7, 0.5f, 1, false, -128, 127, &p));
  std::vector<int8_t> a(256 * 256), b(256 * 256), y(256 * 256);
  for (int i = 0; i < 256 * 256; ++i) {
    a[i] = static_cast<int8_t>(i / 256 - 128);
    b[i] = static_cast<int8_t>(i % 256 - 128);
  }
  const int64_t dims[] = {256 * 256};
  BroadcastShape bs;
  ASSERT_TRUE(make_broadcast_shape(dims, 1, dims, 1, &bs));
  qs8_add__reference(bs, a.data(), b.data(), p, y.data());
  for (int i = 0; i < 256 * 256; ++i) {
    ASSERT_EQ(y[i], octet_test::clamp64(1 + (a[i] - 3) + (b[i] + 7), -128, 127)) << i;
  }
  // Half-way real values round up: sa = sb = so / 2 makes (a - za + b - zb) / 2.
  ASSERT_TRUE(compute_qs8_add_params(0.25f, 0, 0.25f, 0, 0.5f, 0, false, -128, 127, &p));
  qs8_add__reference(bs, a.data(), b.data(), p, y.data());
  for (int i = 0; i < 256 * 256; ++i) {
    ASSERT_EQ(y[i], octet_test::clamp64(static_cast<int64_t>(octet_test::floor_div(a[i] + b[i] + 1, 2)), -128, 127)) << i;
  }
}

TEST(QS8Add, ParamsRejectInvalidScales) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float bad[] = {0.0f, -0.0f, -1.0f, nan, inf, -inf};
  QAddParams sentinel;
  sentinel.a_multiplier = 11;
  sentinel.b_multiplier = 22;
  sentinel.bias = 33;
  sentinel.shift = 4;
  const auto unchanged = [&](const QAddParams& p) {
    return p.a_multiplier == 11 && p.b_multiplier == 22 && p.bias == 33 && p.shift == 4;
  };
  for (float s : bad) {
    for (int which = 0; which < 3; ++which) {
      QAddParams p = sentinel;
      const float sa = which == 0 ? s : 1.0f, sb = which == 1 ? s : 1.0f, so = which == 2 ? s : 1.0f;
      EXPECT_FALSE(compute_qs8_add_params(sa, 0, sb, 0, so, 0, false, -128, 127, &p)) << s << " " << which;
      EXPECT_TRUE(unchanged(p));
    }
  }
  // Ratio limit: 4096 and above rejected, just below accepted.
  for (double r : {4096.0, 4096.5, 1e6, 1e30}) {
    for (bool on_a : {false, true}) {
      QAddParams p = sentinel;
      const float big = static_cast<float>(r);
      EXPECT_FALSE(compute_qs8_add_params(on_a ? big : 1.0f, 0, on_a ? 1.0f : big, 0, 1.0f, 0, true,
                                          -128, 127, &p)) << r;
      EXPECT_TRUE(unchanged(p));
    }
  }
  QAddParams p;
  EXPECT_TRUE(compute_qs8_add_params(std::nextafter(4096.0f, 0.0f), 0, 1.0f, 0, 1.0f, 0, false, -128, 127, &p));
  // Exactly 4096 at small power-of-two scales is rejected too.
  EXPECT_FALSE(compute_qs8_add_params(std::ldexp(1.0f, -8), 0, 1.0f, 0, std::ldexp(1.0f, -20), 0,
                                      false, -128, 127, &p));
  EXPECT_TRUE(compute_qs8_add_params(std::ldexp(1.0f, -9), 0, std::ldexp(1.0f, -9), 0,
                                     std::ldexp(1.0f, -20), 0, false, -128, 127, &p));
  // Denormal and largest finite scales are accepted when the ratio is in range.
  EXPECT_TRUE(compute_qs8_add_params(std::numeric_limits<float>::denorm_min(), 0, 1.0f, 0, 1.0f, 0,
                                     false, -128, 127, &p));
  EXPECT_TRUE(compute_qs8_add_params(std::numeric_limits<float>::max(), 0, 1.0f, 0,
                                     std::numeric_limits<float>::max(), 0, false, -128, 127, &p));
}

// ---------------------------------------------------------------------------
// Mul

TEST(QS8Mul, BroadcastShapesScalesAndZeroPoints) {
  std::mt19937 rng(32);
  for (const auto& [sa_shape, sb_shape] : shape_pairs())
    for (int i = 0; i < 12; ++i) {
      const float sa = random_scale(rng), sb = random_scale(rng);
      // Output scales around the typical product magnitude, and far from it.
      const float so = static_cast<float>(double(sa) * sb * octet_test::log_uniform(rng, 1.0, 1e4));
      QMulParams p;
      p.a_zero_point = octet_test::random_zero_point(rng);
      p.b_zero_point = octet_test::random_zero_point(rng);
      p.output_zero_point = octet_test::random_zero_point(rng);
      if (i % 4 == 3) {
        p.qmin = octet_test::uniform_int(rng, -128, 127);
        p.qmax = octet_test::uniform_int(rng, p.qmin, 127);
      }
      double m = double(sa) * sb / so;
      if (i % 3 == 0) m = std::ldexp(1.0, -octet_test::uniform_int(rng, 1, 8));  // exact ties
      ASSERT_TRUE(quantize_multiplier(m, &p.multiplier));
      const std::vector<int8_t> a = octet_test::random_s8(rng, numel(sa_shape));
      const std::vector<int8_t> b = octet_test::random_s8(rng, numel(sb_shape));
      Shape out;
      ASSERT_TRUE(oracle_broadcast_shape(sa_shape, sb_shape, &out));
      BroadcastShape bs;
      ASSERT_TRUE(make_broadcast_shape(sa_shape.data(), int(sa_shape.size()), sb_shape.data(),
                                       int(sb_shape.size()), &bs));
      std::vector<int8_t> y(numel(out) + 1, int8_t{0x55});
      qs8_mul__reference(bs, a.data(), b.data(), p, y.data());
      EXPECT_EQ(y.back(), 0x55);
      int bad = 0;
      oracle_for_each(sa_shape, sb_shape, out, [&](size_t o, size_t ia, size_t ib) {
        const int64_t prod = (int64_t{a[ia]} - p.a_zero_point) * (int64_t{b[ib]} - p.b_zero_point);
        const int8_t e = octet_test::expected_requantize(prod, p.multiplier.m0, p.multiplier.shift,
                                                         p.output_zero_point, p.qmin, p.qmax);
        const double real = prod * m;
        const double ideal = std::min<double>(std::max<double>(p.output_zero_point + std::round(real), p.qmin), p.qmax);
        if ((y[o] != e || std::fabs(y[o] - ideal) > 1.0) && bad++ < 5) {
          ADD_FAILURE() << "a=" << int{a[ia]} << " b=" << int{b[ib]} << " got " << int{y[o]}
                        << " expected " << int{e} << " (real " << real << ")";
        }
      });
    }
}

TEST(QS8Mul, AllPairsWithExtremeZeroPoints) {
  std::mt19937 rng(33);
  std::vector<int8_t> a(256 * 256), b(256 * 256), y(256 * 256);
  for (int i = 0; i < 256 * 256; ++i) {
    a[i] = static_cast<int8_t>(i / 256 - 128);
    b[i] = static_cast<int8_t>(i % 256 - 128);
  }
  const int64_t dims[] = {256 * 256};
  BroadcastShape bs;
  ASSERT_TRUE(make_broadcast_shape(dims, 1, dims, 1, &bs));
  for (int32_t za : {-128, 127})
    for (int32_t zb : {-128, 127, 0}) {
      QMulParams p;
      p.a_zero_point = za;
      p.b_zero_point = zb;
      p.output_zero_point = octet_test::random_zero_point(rng);
      ASSERT_TRUE(quantize_multiplier(octet_test::log_uniform(rng, 1.0 / 65025, 1.0 / 100), &p.multiplier));
      qs8_mul__reference(bs, a.data(), b.data(), p, y.data());
      for (int i = 0; i < 256 * 256; ++i) {
        const int64_t prod = (int64_t{a[i]} - za) * (int64_t{b[i]} - zb);
        ASSERT_EQ(y[i], octet_test::expected_requantize(prod, p.multiplier.m0, p.multiplier.shift,
                                                         p.output_zero_point, -128, 127))
            << i;
      }
    }
}

// ---------------------------------------------------------------------------
// Maximum / Minimum

// Operand q rescaled to the output with Add's multiplier m and shift s:
// floor(((q - z) * m + 2^(s-1)) / 2^s), the documented per-operand rounding.
int64_t oracle_rescale(int64_t q, int64_t z, int64_t m, int s) {
  return static_cast<int64_t>(
      octet_test::floor_div((q - z) * m + (s > 0 ? octet_test::pow2(s - 1) : 0), octet_test::pow2(s)));
}

void check_minmax(const Shape& sa_shape, const Shape& sb_shape, float sa, int32_t za, float sb, int32_t zb, float so,
                  int32_t zo, int32_t qmin, int32_t qmax, bool real_check, std::mt19937& rng) {
  QMinMaxParams p;
  ASSERT_TRUE(compute_qs8_minmax_params(sa, za, sb, zb, so, zo, qmin, qmax, &p)) << sa << " " << sb << " " << so;
  const OracleAdd o = oracle_add_params(sa, 0, sb, 0, so, false);
  ASSERT_EQ(p.shift, o.shift);
  ASSERT_EQ(p.a_multiplier, o.am);
  ASSERT_EQ(p.b_multiplier, o.bm);
  const std::vector<int8_t> a = octet_test::random_s8(rng, numel(sa_shape));
  const std::vector<int8_t> b = octet_test::random_s8(rng, numel(sb_shape));
  Shape out;
  ASSERT_TRUE(oracle_broadcast_shape(sa_shape, sb_shape, &out));
  BroadcastShape bs;
  ASSERT_TRUE(make_broadcast_shape(sa_shape.data(), int(sa_shape.size()), sb_shape.data(), int(sb_shape.size()), &bs));
  std::vector<int8_t> ymax(numel(out) + 1, int8_t{0x55}), ymin(numel(out) + 1, int8_t{0x55});
  qs8_maximum__reference(bs, a.data(), b.data(), p, ymax.data());
  qs8_minimum__reference(bs, a.data(), b.data(), p, ymin.data());
  EXPECT_EQ(ymax.back(), 0x55);
  EXPECT_EQ(ymin.back(), 0x55);
  int bad = 0;
  oracle_for_each(sa_shape, sb_shape, out, [&](size_t i, size_t ia, size_t ib) {
    const int64_t ra = oracle_rescale(a[ia], za, o.am, o.shift), rb = oracle_rescale(b[ib], zb, o.bm, o.shift);
    const int64_t emax = octet_test::clamp64(zo + std::max(ra, rb), qmin, qmax);
    const int64_t emin = octet_test::clamp64(zo + std::min(ra, rb), qmin, qmax);
    if ((ymax[i] != emax || ymin[i] != emin) && bad++ < 5) {
      ADD_FAILURE() << "a=" << int{a[ia]} << " b=" << int{b[ib]} << " sa=" << sa << " sb=" << sb << " so=" << so << " za=" << za
                    << " zb=" << zb << " zo=" << zo << ": got " << int{ymax[i]} << "/" << int{ymin[i]} << " expected " << emax << "/"
                    << emin;
    }
    if (real_check) {
      const double va = (a[ia] - za) * double(sa) / so, vb = (b[ib] - zb) * double(sb) / so;
      const double imax = std::min<double>(std::max<double>(zo + std::round(std::max(va, vb)), qmin), qmax);
      const double imin = std::min<double>(std::max<double>(zo + std::round(std::min(va, vb)), qmin), qmax);
      if ((std::fabs(ymax[i] - imax) > 1.0 || std::fabs(ymin[i] - imin) > 1.0) && bad++ < 5) {
        ADD_FAILURE() << "real " << va << ", " << vb << " got " << int{ymax[i]} << "/" << int{ymin[i]};
      }
    }
  });
}

TEST(QS8MinMax, BroadcastShapesAndScaleRatios) {
  std::mt19937 rng(35);
  for (const auto& [sa_shape, sb_shape] : shape_pairs())
    for (int i = 0; i < 30; ++i) {
      const float so = random_scale(rng);
      const float sa = i == 0 ? so : static_cast<float>(so * octet_test::log_uniform(rng, 1e-3, 1e3));
      const float sb = i == 1 ? sa : static_cast<float>(so * octet_test::log_uniform(rng, 1e-3, 1e3));
      int32_t qmin = -128, qmax = 127;
      if (i % 4 == 3) {
        qmin = octet_test::uniform_int(rng, -128, 127);
        qmax = octet_test::uniform_int(rng, qmin, 127);
      }
      check_minmax(sa_shape, sb_shape, sa, octet_test::random_zero_point(rng), sb, octet_test::random_zero_point(rng), so,
                   octet_test::random_zero_point(rng), qmin, qmax, true, rng);
    }
}

TEST(QS8MinMax, ExtremeZeroPointsAndRatios) {
  std::mt19937 rng(36);
  for (int32_t za : {-128, 127})
    for (int32_t zb : {-128, 127})
      for (int32_t zo : {-128, 0, 127})
        for (double ra : {1e-3, 0.5, 1.0, 2.0, 1e3, 4095.0, 1e-9})
          for (double rb : {1.0, 1e-3, 4095.5}) {
            const float so = 0.01f;
            check_minmax({16}, {16}, static_cast<float>(so * ra), za, static_cast<float>(so * rb), zb, so, zo, -128, 127,
                         ra <= 1000.0 && rb <= 1000.0, rng);
          }
}

TEST(QS8MinMax, EqualQuantizationIsExactMaxAndMin) {
  // Every pair with both inputs quantized like the output: max / min of the raw values.
  QMinMaxParams p;
  ASSERT_TRUE(compute_qs8_minmax_params(0.05f, -7, 0.05f, -7, 0.05f, -7, -128, 127, &p));
  std::vector<int8_t> a(256 * 256), b(256 * 256), ymax(256 * 256), ymin(256 * 256);
  for (int i = 0; i < 256 * 256; ++i) {
    a[i] = static_cast<int8_t>(i / 256 - 128);
    b[i] = static_cast<int8_t>(i % 256 - 128);
  }
  const int64_t dims[] = {256 * 256};
  BroadcastShape bs;
  ASSERT_TRUE(make_broadcast_shape(dims, 1, dims, 1, &bs));
  qs8_maximum__reference(bs, a.data(), b.data(), p, ymax.data());
  qs8_minimum__reference(bs, a.data(), b.data(), p, ymin.data());
  for (int i = 0; i < 256 * 256; ++i) {
    ASSERT_EQ(ymax[i], std::max(a[i], b[i])) << i;
    ASSERT_EQ(ymin[i], std::min(a[i], b[i])) << i;
  }
  // Relu as Maximum with a zero constant (0 = the zero point) under a fused clamp.
  ASSERT_TRUE(compute_qs8_minmax_params(0.05f, -7, 0.05f, -7, 0.05f, -7, -7, 100, &p));
  const int64_t one[] = {1};
  ASSERT_TRUE(make_broadcast_shape(dims, 1, one, 0, &bs));
  const int8_t zero = -7;
  qs8_maximum__reference(bs, a.data(), &zero, p, ymax.data());
  for (int i = 0; i < 256 * 256; ++i) ASSERT_EQ(ymax[i], std::min<int>(std::max<int>(a[i], -7), 100)) << i;
}

TEST(QS8MinMax, ParamsRejectInvalidScales) {
  QMinMaxParams p;
  EXPECT_FALSE(compute_qs8_minmax_params(0.0f, 0, 1.0f, 0, 1.0f, 0, -128, 127, &p));
  EXPECT_FALSE(compute_qs8_minmax_params(1.0f, 0, std::numeric_limits<float>::quiet_NaN(), 0, 1.0f, 0, -128, 127, &p));
  EXPECT_FALSE(compute_qs8_minmax_params(4096.0f, 0, 1.0f, 0, 1.0f, 0, -128, 127, &p));
  EXPECT_TRUE(compute_qs8_minmax_params(4095.0f, 0, 1.0f, 0, 1.0f, 0, -128, 127, &p));
}

}  // namespace
}  // namespace octet

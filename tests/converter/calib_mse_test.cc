// The MSE calibration's range search on histograms with known answers: heavy
// outliers are clipped (with less error than min-max), a flat distribution keeps its
// range, ranges always hold 0, and the quantization it scores is the lowering's.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/quant/lower_context.h"

namespace octet::cvt {
namespace {

struct Hist {
  std::vector<double> h;
  double lo, hi;
};

Hist histogram(const std::vector<double>& v, int bins = 2048) {
  Hist r{std::vector<double>(bins, 0.0), *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
  for (double x : v) {
    int b = static_cast<int>((x - r.lo) / (r.hi - r.lo) * bins);
    r.h[std::max(0, std::min(bins - 1, b))] += 1;
  }
  return r;
}

// Laplace(0, 1): 8-bit MSE-optimal clipping is near 9.9 (Banner et al., ACIQ), well
// inside the extremes of a million samples; a handful of huge outliers, which cost
// more clipped than kept, stay in (squared error is dominated by them).
TEST(CalibMse, ClipsALongTailButKeepsCostlyOutliers) {
  std::mt19937 rng(1);
  std::exponential_distribution<double> e(1.0);
  std::vector<double> v;
  for (int i = 0; i < 1000000; ++i) v.push_back((rng() & 1) ? e(rng) : -e(rng));
  const Hist h = histogram(v);
  const Range r = mse_range(h.h, h.lo, h.hi);
  EXPECT_LT(r.hi, 0.9 * h.hi) << r.lo << " " << r.hi << " of " << h.lo << " " << h.hi;
  EXPECT_GT(r.lo, 0.9 * h.lo);
  EXPECT_GT(r.hi, 6.0);
  const double err = histogram_mse(h.h, h.lo, h.hi, r);
  const double minmax = histogram_mse(h.h, h.lo, h.hi, Range{static_cast<float>(h.lo), static_cast<float>(h.hi)});
  EXPECT_LT(err, minmax);
  // Its choice is the best on its own grid: no single-step change does better.
  for (float dlo : {-0.025f, 0.0f, 0.025f}) {
    for (float dhi : {-0.025f, 0.0f, 0.025f}) {
      const Range n{std::max(static_cast<float>(h.lo), r.lo + dlo * static_cast<float>(h.lo)),
                    std::min(static_cast<float>(h.hi), r.hi + dhi * static_cast<float>(h.hi))};
      EXPECT_GE(histogram_mse(h.h, h.lo, h.hi, n), err * (1 - 1e-9)) << n.lo << " " << n.hi;
    }
  }

  std::vector<double> w;
  std::normal_distribution<double> g(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) w.push_back(g(rng));
  for (int i = 0; i < 20; ++i) w.push_back(60.0 + i);
  const Hist o = histogram(w);
  const Range ro = mse_range(o.h, o.lo, o.hi);
  EXPECT_GT(ro.hi, 60.0f) << "clipping 20 values near 70 costs more than it saves";
}

TEST(CalibMse, FlatDistributionKeepsItsRange) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(-1.0, 3.0);
  std::vector<double> v;
  for (int i = 0; i < 100000; ++i) v.push_back(u(rng));
  const Hist h = histogram(v);
  const Range r = mse_range(h.h, h.lo, h.hi);
  EXPECT_GT(r.hi - r.lo, 0.9 * (h.hi - h.lo)) << r.lo << " " << r.hi;
}

TEST(CalibMse, OneSidedValuesAndDegenerateHistograms) {
  // ReLU-like: non-negative with a long tail; the low end stays at 0.
  std::mt19937 rng(3);
  std::exponential_distribution<double> e(1.0);
  std::vector<double> v;
  for (int i = 0; i < 100000; ++i) v.push_back(e(rng));
  const Hist h = histogram(v);
  const Range r = mse_range(h.h, 0.0, h.hi);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_LT(r.hi, h.hi);
  EXPECT_GT(r.hi, 3.0);
  // Empty or zero-width histograms return the observed range untouched.
  const Range z = mse_range({}, 1.0, 2.0);
  EXPECT_EQ(z.lo, 1.0f);
  EXPECT_EQ(z.hi, 2.0f);
}

TEST(CalibMse, ScoresTheLoweringsQuantization) {
  // range_qparams is what LowerContext uses: the same scale and zero point.
  for (auto [lo, hi] : {std::pair{-1.0f, 3.0f}, std::pair{0.5f, 2.0f}, std::pair{-4.0f, -1.0f}, std::pair{0.0f, 0.0f}}) {
    double s;
    int32_t z;
    range_qparams(lo, hi, &s, &z);
    const QuantParams q = LowerContext::qparams_from_range(lo, hi);
    EXPECT_EQ(static_cast<float>(s), q.scales[0]);
    EXPECT_EQ(z, q.zero_points[0]);
  }
  CalibMethod m;
  ASSERT_TRUE(parse_calib_method("mse", &m));
  EXPECT_EQ(m, CalibMethod::kMse);
  EXPECT_STREQ(calib_method_name(m), "mse");
}

}  // namespace
}  // namespace octet::cvt

// int8 max / average / global average pooling against oracles over an explicitly
// padded input (a marker outside the image), with exact requantization.
#include "kernels/reference/qs8-pool-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/reference/conv-shape.h"
#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

constexpr int32_t kOutside = std::numeric_limits<int32_t>::min();

// A random pooling geometry; pads may exceed the window so that some windows lie
// entirely in the padding.
ConvShape random_pool_shape(std::mt19937& rng) {
  for (;;) {
    ConvShape s;
    s.batch = octet_test::uniform_int(rng, 1, 2);
    s.in_h = octet_test::uniform_int(rng, 1, 9);
    s.in_w = octet_test::uniform_int(rng, 1, 9);
    s.in_c = s.out_c = octet_test::uniform_int(rng, 1, 17);
    s.kernel_h = octet_test::uniform_int(rng, 1, 5);
    s.kernel_w = octet_test::uniform_int(rng, 1, 5);
    s.stride_h = octet_test::uniform_int(rng, 1, 3);
    s.stride_w = octet_test::uniform_int(rng, 1, 3);
    s.dilation_h = octet_test::uniform_int(rng, 0, 3) == 0 ? 2 : 1;
    s.dilation_w = octet_test::uniform_int(rng, 0, 3) == 0 ? 2 : 1;
    const int big = octet_test::uniform_int(rng, 0, 4) == 0 ? 6 : 2;
    s.pad_top = octet_test::uniform_int(rng, 0, big);
    s.pad_left = octet_test::uniform_int(rng, 0, big);
    s.pad_bottom = octet_test::uniform_int(rng, 0, big);
    s.pad_right = octet_test::uniform_int(rng, 0, big);
    const int span_h = s.dilation_h * (s.kernel_h - 1) + 1, span_w = s.dilation_w * (s.kernel_w - 1) + 1;
    const int ph = s.in_h + s.pad_top + s.pad_bottom, pw = s.in_w + s.pad_left + s.pad_right;
    if (ph < span_h || pw < span_w) continue;
    s.out_h = (ph - span_h) / s.stride_h + 1;
    s.out_w = (pw - span_w) / s.stride_w + 1;
    return s;
  }
}

std::string describe(const ConvShape& s) {
  std::ostringstream o;
  o << "N" << s.batch << " " << s.in_h << "x" << s.in_w << "x" << s.in_c << " -> " << s.out_h << "x"
    << s.out_w << " k " << s.kernel_h << "x" << s.kernel_w << " s " << s.stride_h << "," << s.stride_w
    << " d " << s.dilation_h << "," << s.dilation_w << " pads " << s.pad_top << "," << s.pad_left << ","
    << s.pad_bottom << "," << s.pad_right;
  return o.str();
}

// Input values of the padded image (kOutside marks padding), indexed [n][y][x][c].
struct Padded {
  int h, w, c;
  std::vector<int32_t> v;
  int32_t at(int n, int y, int x, int ch) const { return v[((size_t(n) * h + y) * w + x) * c + ch]; }
};
Padded pad_input(const ConvShape& s, const std::vector<int8_t>& x) {
  Padded p{s.in_h + s.pad_top + s.pad_bottom, s.in_w + s.pad_left + s.pad_right, s.in_c, {}};
  p.v.assign(size_t(s.batch) * p.h * p.w * p.c, kOutside);
  for (int n = 0; n < s.batch; ++n)
    for (int y = 0; y < s.in_h; ++y)
      for (int xx = 0; xx < s.in_w; ++xx)
        for (int c = 0; c < s.in_c; ++c)
          p.v[((size_t(n) * p.h + y + s.pad_top) * p.w + xx + s.pad_left) * p.c + c] =
              x[((size_t(n) * s.in_h + y) * s.in_w + xx) * s.in_c + c];
  return p;
}

// Calls f(value) for each window element of output (n, oy, ox, c), padding included.
template <typename F>
void window(const ConvShape& s, const Padded& p, int n, int oy, int ox, int c, F&& f) {
  for (int ky = 0; ky < s.kernel_h; ++ky)
    for (int kx = 0; kx < s.kernel_w; ++kx)
      f(p.at(n, oy * s.stride_h + ky * s.dilation_h, ox * s.stride_w + kx * s.dilation_w, c));
}

TEST(QS8MaxPool, RandomShapesAndClamps) {
  std::mt19937 rng(50);
  int all_padding = 0;
  for (int i = 0; i < 1500; ++i) {
    const ConvShape s = random_pool_shape(rng);
    int32_t qmin = -128, qmax = 127;
    if (i % 3 == 1) {
      qmin = octet_test::uniform_int(rng, -128, 127);
      qmax = octet_test::uniform_int(rng, qmin, 127);
    }
    const std::vector<int8_t> x = octet_test::random_s8(rng, size_t(s.batch) * s.in_h * s.in_w * s.in_c);
    const Padded p = pad_input(s, x);
    const size_t out_size = size_t(s.batch) * s.out_h * s.out_w * s.out_c;
    std::vector<int8_t> y(out_size + 1, int8_t{0x55});
    qs8_maxpool2d__reference(s, x.data(), qmin, qmax, y.data());
    ASSERT_EQ(y.back(), 0x55) << "wrote past the output";
    size_t o = 0;
    for (int n = 0; n < s.batch; ++n)
      for (int oy = 0; oy < s.out_h; ++oy)
        for (int ox = 0; ox < s.out_w; ++ox)
          for (int c = 0; c < s.in_c; ++c, ++o) {
            int32_t m = kOutside;
            window(s, p, n, oy, ox, c, [&](int32_t v) { m = std::max(m, v); });
            if (m == kOutside) {  // entirely in padding: the lowest value, clamped
              m = -128;
              ++all_padding;
            }
            const int8_t e = static_cast<int8_t>(std::min(std::max(m, qmin), qmax));
            ASSERT_EQ(y[o], e) << describe(s) << " at n" << n << " y" << oy << " x" << ox << " c" << c;
          }
  }
  EXPECT_GT(all_padding, 0);
}

// ---------------------------------------------------------------------------
// Average pooling

TEST(QS8AvgPool, MultipliersPerCount) {
  std::mt19937 rng(51);
  for (int i = 0; i < 200; ++i) {
    const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-4, 1.0));
    const float so = static_cast<float>(octet_test::log_uniform(rng, 1e-4, 1.0));
    const int max_count = octet_test::uniform_int(rng, 1, 64);
    std::vector<QuantizedMultiplier> m;
    ASSERT_TRUE(compute_qs8_avgpool_multipliers(si, so, max_count, &m));
    ASSERT_EQ(m.size(), size_t(max_count) + 1);
    for (int count = 1; count <= max_count; ++count) {
      QuantizedMultiplier e;
      ASSERT_TRUE(quantize_multiplier(double(si) / (double(so) * count), &e));
      EXPECT_EQ(m[count].m0, e.m0) << count;
      EXPECT_EQ(m[count].shift, e.shift) << count;
    }
  }
  std::vector<QuantizedMultiplier> m;
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (float bad : {0.0f, -1.0f, inf, nan}) {
    EXPECT_FALSE(compute_qs8_avgpool_multipliers(bad, 1.0f, 4, &m)) << bad;
    EXPECT_FALSE(compute_qs8_avgpool_multipliers(1.0f, bad, 4, &m)) << bad;
  }
  EXPECT_FALSE(compute_qs8_avgpool_multipliers(1.0f, 1.0f, 0, &m));
  EXPECT_FALSE(compute_qs8_avgpool_multipliers(std::ldexp(1.0f, 30), 1.0f, 4, &m));  // M >= 2^30 at count 1
}

// Checks one average-pool case; returns the number of windows entirely in padding.
int check_avgpool(const ConvShape& s, bool include_pad, int32_t zi, int32_t zo, int32_t qmin, int32_t qmax,
                  float si, float so, std::mt19937& rng) {
  std::vector<QuantizedMultiplier> mult;
  EXPECT_TRUE(compute_qs8_avgpool_multipliers(si, so, s.kernel_h * s.kernel_w, &mult));
  QAvgPoolParams prm;
  prm.input_zero_point = zi;
  prm.output_zero_point = zo;
  prm.qmin = qmin;
  prm.qmax = qmax;
  prm.count_include_pad = include_pad;
  prm.multipliers = mult.data();
  const std::vector<int8_t> x = octet_test::random_s8(rng, size_t(s.batch) * s.in_h * s.in_w * s.in_c);
  const Padded p = pad_input(s, x);
  std::vector<int8_t> y(size_t(s.batch) * s.out_h * s.out_w * s.out_c + 1, int8_t{0x55});
  qs8_avgpool2d__reference(s, x.data(), prm, y.data());
  EXPECT_EQ(y.back(), 0x55) << "wrote past the output";
  int empty = 0;
  size_t o = 0;
  for (int n = 0; n < s.batch; ++n)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox)
        for (int c = 0; c < s.in_c; ++c, ++o) {
          int64_t sum = 0;
          int inside = 0;
          window(s, p, n, oy, ox, c, [&](int32_t v) {
            if (v == kOutside) return;  // padding: the real value 0
            sum += v - zi;
            ++inside;
          });
          const int count = include_pad ? s.kernel_h * s.kernel_w : inside;
          int8_t e;
          if (inside == 0 && !include_pad) {
            e = static_cast<int8_t>(octet_test::clamp64(zo, qmin, qmax));
            ++empty;
          } else {
            QuantizedMultiplier m;
            EXPECT_TRUE(quantize_multiplier(double(si) / (double(so) * count), &m));
            e = octet_test::expected_requantize(sum, m.m0, m.shift, zo, qmin, qmax);
            // Within 1 of the real-valued mean.
            const double real = double(sum) / count * si / so;
            const double ideal = std::min<double>(std::max<double>(zo + std::round(real), qmin), qmax);
            EXPECT_LE(std::fabs(e - ideal), 1.0);
          }
          if (y[o] != e) {
            ADD_FAILURE() << describe(s) << " include_pad " << include_pad << " zi " << zi << " zo " << zo
                          << " at n" << n << " y" << oy << " x" << ox << " c" << c << ": got " << int{y[o]}
                          << " expected " << int{e} << " (sum " << sum << ", count " << count << ")";
            return empty;
          }
        }
  return empty;
}

TEST(QS8AvgPool, RandomShapesBothPaddingModes) {
  std::mt19937 rng(52);
  int empty = 0;
  for (int i = 0; i < 1500; ++i) {
    const ConvShape s = random_pool_shape(rng);
    int32_t qmin = -128, qmax = 127;
    if (i % 4 == 3) {
      qmin = octet_test::uniform_int(rng, -128, 127);
      qmax = octet_test::uniform_int(rng, qmin, 127);
    }
    const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-3, 1.0));
    // so = si half the time: counts that are powers of two then give exact ties.
    const float so = i % 2 == 0 ? si : static_cast<float>(si * octet_test::log_uniform(rng, 0.2, 5.0));
    empty += check_avgpool(s, i % 2 == 0, octet_test::random_zero_point(rng), octet_test::random_zero_point(rng),
                           qmin, qmax, si, so, rng);
  }
  EXPECT_GT(empty, 0);  // windows entirely in padding were exercised
}

TEST(QS8AvgPool, WindowsPartlyAndEntirelyInPadding) {
  std::mt19937 rng(53);
  // 2x2 image, 3x3 window, pads of 3 on every side: the corner windows see nothing,
  // edge windows see part of the image.
  ConvShape s;
  s.batch = 2;
  s.in_h = s.in_w = 2;
  s.in_c = s.out_c = 3;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 3;
  s.out_h = s.out_w = 2 + 6 - 3 + 1;
  for (bool include_pad : {false, true})
    for (int32_t zi : {-128, 127})
      for (int32_t zo : {-128, 0, 127}) {
        const int empty = check_avgpool(s, include_pad, zi, zo, -128, 127, 0.05f, 0.03f, rng);
        EXPECT_EQ(empty, include_pad ? 0 : 2 * 3 * 20);  // 36 windows, 16 touch the image
      }
  // A clamp that excludes zo: empty windows give the clamped zo.
  check_avgpool(s, false, 0, -100, -50, 50, 0.05f, 0.03f, rng);
}

TEST(QS8AvgPool, HandCheckedHalfWay) {
  // A 2x1 window over (1, 2) with zi 0: mean 1.5 -> 2; over (-1, -2): -1.5 -> -1.
  ConvShape s;
  s.in_h = 2;
  s.in_w = 1;
  s.in_c = s.out_c = 2;
  s.kernel_h = 2;
  s.out_h = s.out_w = 1;
  const int8_t x[] = {1, -1, 2, -2};
  std::vector<QuantizedMultiplier> m;
  ASSERT_TRUE(compute_qs8_avgpool_multipliers(1.0f, 1.0f, 2, &m));
  QAvgPoolParams p;
  p.multipliers = m.data();
  int8_t y[2];
  qs8_avgpool2d__reference(s, x, p, y);
  EXPECT_EQ(y[0], 2);
  EXPECT_EQ(y[1], -1);
}

// ---------------------------------------------------------------------------
// Global average pooling

TEST(QS8GlobalAvgPool, RandomSizesAndZeroPoints) {
  std::mt19937 rng(54);
  for (size_t hw : {1, 2, 7, 49, 64, 196, 1000})
    for (int i = 0; i < 12; ++i) {
      const size_t batch = size_t(octet_test::uniform_int(rng, 1, 3));
      const size_t channels = size_t(octet_test::uniform_int(rng, 1, 33));
      const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-3, 1.0));
      const float so = i % 2 == 0 ? si : static_cast<float>(si * octet_test::log_uniform(rng, 0.1, 3.0));
      QGlobalAvgPoolParams p;
      p.input_zero_point = octet_test::random_zero_point(rng);
      p.output_zero_point = octet_test::random_zero_point(rng);
      if (i % 3 == 2) {
        p.qmin = octet_test::uniform_int(rng, -128, 127);
        p.qmax = octet_test::uniform_int(rng, p.qmin, 127);
      }
      ASSERT_TRUE(quantize_multiplier(double(si) / (double(so) * hw), &p.multiplier));
      // Some inputs all at one extreme, to reach the largest sums.
      const std::vector<int8_t> x = i % 4 == 0 ? std::vector<int8_t>(batch * hw * channels, int8_t(i % 8 == 0 ? -128 : 127))
                                               : octet_test::random_s8(rng, batch * hw * channels);
      std::vector<int8_t> y(batch * channels + 1, int8_t{0x55});
      qs8_global_avgpool__reference(batch, hw, channels, x.data(), p, y.data());
      ASSERT_EQ(y.back(), 0x55);
      for (size_t n = 0; n < batch; ++n)
        for (size_t c = 0; c < channels; ++c) {
          int64_t sum = 0;
          for (size_t j = 0; j < hw; ++j) sum += int64_t{x[(n * hw + j) * channels + c]} - p.input_zero_point;
          const int8_t e = octet_test::expected_requantize(sum, p.multiplier.m0, p.multiplier.shift,
                                                           p.output_zero_point, p.qmin, p.qmax);
          ASSERT_EQ(y[n * channels + c], e) << "hw " << hw << " n " << n << " c " << c << " sum " << sum;
        }
    }
}

}  // namespace
}  // namespace octet

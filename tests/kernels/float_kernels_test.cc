// Float kernels against double computations. These are the only tests with a
// tolerance: a small relative error bound scaled by the magnitude of the terms
// summed (float rounding, not an allowance for wrong results). Max pooling and
// nearest resize move values and must match exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/conv-shape.h"
#include "kernels/reference/f32-conv2d-reference.h"
#include "kernels/reference/f32-layer-norm-reference.h"
#include "kernels/reference/qs8-binary-reference.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/qs8-pool-reference.h"
#include "kernels/reference/qs8-resize-reference.h"
#include "kernels/reference/qs8-softmax-reference.h"
#include "tests/kernels/oracle.h"
#include "tests/kernels/unary_oracle.h"

namespace octet {
namespace {

constexpr double kRelTol = 1e-5;
constexpr float kInf = std::numeric_limits<float>::infinity();

ConvShape random_conv_shape(std::mt19937& rng, bool pool) {
  for (;;) {
    ConvShape s;
    s.batch = octet_test::uniform_int(rng, 1, 2);
    s.in_h = octet_test::uniform_int(rng, 1, 8);
    s.in_w = octet_test::uniform_int(rng, 1, 8);
    s.kernel_h = octet_test::uniform_int(rng, 1, 4);
    s.kernel_w = octet_test::uniform_int(rng, 1, 4);
    s.stride_h = octet_test::uniform_int(rng, 1, 3);
    s.stride_w = octet_test::uniform_int(rng, 1, 3);
    s.dilation_h = octet_test::uniform_int(rng, 1, 2);
    s.dilation_w = octet_test::uniform_int(rng, 1, 2);
    const int pad_max = pool ? 5 : 2;
    s.pad_top = octet_test::uniform_int(rng, 0, pad_max);
    s.pad_left = octet_test::uniform_int(rng, 0, pad_max);
    s.pad_bottom = octet_test::uniform_int(rng, 0, pad_max);
    s.pad_right = octet_test::uniform_int(rng, 0, pad_max);
    if (pool) {
      s.in_c = s.out_c = octet_test::uniform_int(rng, 1, 9);
    } else {
      s.groups = octet_test::uniform_int(rng, 1, 3);
      s.in_c = s.groups * octet_test::uniform_int(rng, 1, 9);
      s.out_c = s.groups * octet_test::uniform_int(rng, 1, 9);
    }
    const int64_t oh = conv_output_size(s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.stride_h, s.dilation_h);
    const int64_t ow = conv_output_size(s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.stride_w, s.dilation_w);
    if (oh < 1 || ow < 1) continue;
    s.out_h = static_cast<int>(oh);
    s.out_w = static_cast<int>(ow);
    return s;
  }
}

// Value of input pixel (n, y, x, c) where (y, x) are padded coordinates, or NaN in padding.
double padded_at(const ConvShape& s, const std::vector<float>& x, int n, int py, int px, int c) {
  const int y = py - s.pad_top, xx = px - s.pad_left;
  if (y < 0 || y >= s.in_h || xx < 0 || xx >= s.in_w) return std::numeric_limits<double>::quiet_NaN();
  return x[((size_t(n) * s.in_h + y) * s.in_w + xx) * s.in_c + c];
}

TEST(F32Conv2D, RandomShapesAgainstDouble) {
  std::mt19937 rng(110);
  for (int i = 0; i < 800; ++i) {
    const ConvShape s = random_conv_shape(rng, false);
    const int gi = s.in_c / s.groups, go = s.out_c / s.groups;
    const std::vector<float> x = octet_test::random_f32(rng, size_t(s.batch) * s.in_h * s.in_w * s.in_c, -2, 2);
    const std::vector<float> w = octet_test::random_f32(rng, size_t(s.out_c) * s.kernel_h * s.kernel_w * gi);
    const std::vector<float> bias = octet_test::random_f32(rng, s.out_c);
    const bool has_bias = i % 5 != 0;
    const float lo = i % 3 == 0 ? 0.0f : -kInf, hi = i % 3 == 0 ? 6.0f : kInf;
    const size_t rows = size_t(s.batch) * s.out_h;
    const size_t out_size = rows * s.out_w * s.out_c;
    std::vector<float> y(out_size + 1, 12345.0f);
    // Computed in two row ranges.
    const size_t cut = size_t(octet_test::uniform_int(rng, 0, int(rows)));
    f32_conv2d__reference(s, x.data(), w.data(), has_bias ? bias.data() : nullptr, lo, hi, y.data(), 0, cut);
    f32_conv2d__reference(s, x.data(), w.data(), has_bias ? bias.data() : nullptr, lo, hi, y.data(), cut, rows);
    ASSERT_EQ(y.back(), 12345.0f);
    size_t o = 0;
    for (int n = 0; n < s.batch; ++n)
      for (int oy = 0; oy < s.out_h; ++oy)
        for (int ox = 0; ox < s.out_w; ++ox)
          for (int oc = 0; oc < s.out_c; ++oc, ++o) {
            const int g = oc / go;
            double acc = has_bias ? bias[oc] : 0.0, mag = std::fabs(acc);
            for (int ky = 0; ky < s.kernel_h; ++ky)
              for (int kx = 0; kx < s.kernel_w; ++kx)
                for (int ic = 0; ic < gi; ++ic) {
                  const double v = padded_at(s, x, n, oy * s.stride_h + ky * s.dilation_h,
                                             ox * s.stride_w + kx * s.dilation_w, g * gi + ic);
                  if (std::isnan(v)) continue;
                  const double t = v * w[((size_t(oc) * s.kernel_h + ky) * s.kernel_w + kx) * gi + ic];
                  acc += t;
                  mag += std::fabs(t);
                }
            const double e = std::min<double>(std::max<double>(acc, lo), hi);
            ASSERT_NEAR(y[o], e, kRelTol * mag + 1e-30) << "case " << i << " output " << o;
          }
  }
}

TEST(F32FullyConnected, AgainstDouble) {
  std::mt19937 rng(111);
  for (size_t k : {1, 7, 16, 33, 64, 300})
    for (size_t n : {1, 5, 8, 17}) {
      const size_t rows = size_t(octet_test::uniform_int(rng, 1, 4));
      const std::vector<float> x = octet_test::random_f32(rng, rows * k, -3, 3);
      const std::vector<float> w = octet_test::random_f32(rng, n * k);
      const std::vector<float> b = octet_test::random_f32(rng, n);
      const bool relu = k % 2 == 1;
      std::vector<float> y(rows * n);
      f32_fully_connected__reference(k, n, x.data(), w.data(), k == 16 ? nullptr : b.data(), relu ? 0.0f : -kInf,
                                     kInf, y.data(), 0, rows);
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < n; ++c) {
          double acc = k == 16 ? 0.0 : b[c], mag = std::fabs(acc);
          for (size_t i = 0; i < k; ++i) {
            acc += double(x[r * k + i]) * w[c * k + i];
            mag += std::fabs(double(x[r * k + i]) * w[c * k + i]);
          }
          if (relu) acc = std::max(acc, 0.0);
          ASSERT_NEAR(y[r * n + c], acc, kRelTol * mag + 1e-30) << k << " " << n << " " << r << " " << c;
        }
    }
}

// The float binary ops in double (Maximum / Minimum NaN when either operand is).
double oracle_binary(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMaximum: return std::isnan(a) || std::isnan(b) ? NAN : std::fmax(a, b);
    case BinaryOp::kMinimum: return std::isnan(a) || std::isnan(b) ? NAN : std::fmin(a, b);
    case BinaryOp::kPow: return std::exp(b * std::log(a));  // a > 0 here
  }
  return 0;
}

TEST(F32Binary, BroadcastEveryOp) {
  std::mt19937 rng(112);
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
      {{2, 3, 4, 5}, {5}}, {{2, 1, 4, 1}, {1, 3, 1, 5}}, {{}, {3, 4}}, {{4, 1}, {}}, {{6}, {6}}};
  for (const auto& [sa, sb] : shapes)
    for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv, BinaryOp::kMaximum, BinaryOp::kMinimum,
                        BinaryOp::kPow}) {
      BroadcastShape bs;
      ASSERT_TRUE(make_broadcast_shape(sa.data(), int(sa.size()), sb.data(), int(sb.size()), &bs));
      int64_t na = 1, nb = 1, no = 1;
      for (int64_t d : sa) na *= d;
      for (int64_t d : sb) nb *= d;
      for (int d = 0; d < bs.rank; ++d) no *= bs.out_dims[d];
      // Pow on positive bases with small exponents; Div away from 0.
      const bool pow = op == BinaryOp::kPow;
      std::vector<float> a = octet_test::random_f32(rng, na, pow ? 0.1f : -10, pow ? 4 : 10);
      std::vector<float> b = octet_test::random_f32(rng, nb, pow ? -3 : -10, pow ? 3 : 10);
      if (op == BinaryOp::kDiv) {
        for (float& v : b) v = v < 0 ? v - 0.5f : v + 0.5f;
      }
      if (pow && nb > 1) b[0] = 2.0f;  // the squaring path
      std::vector<float> y(no);
      const bool clamp = op == BinaryOp::kAdd || op == BinaryOp::kSub || op == BinaryOp::kMaximum;
      const float lo = clamp ? -5.0f : -kInf, hi = clamp ? 5.0f : kInf;
      f32_binary__reference(op, bs, a.data(), b.data(), lo, hi, y.data());
      // Index the operands by decoding each output index (right-aligned broadcasting).
      std::vector<int64_t> idx(bs.rank);
      for (int64_t o = 0; o < no; ++o) {
        int64_t rest = o;
        for (int d = bs.rank - 1; d >= 0; --d) {
          idx[d] = rest % bs.out_dims[d];
          rest /= bs.out_dims[d];
        }
        const auto flat = [&](const std::vector<int64_t>& s) {
          int64_t f = 0;
          for (size_t d = 0; d < s.size(); ++d) f = f * s[d] + (s[d] == 1 ? 0 : idx[bs.rank - s.size() + d]);
          return f;
        };
        const double va = a[flat(sa)], vb = b[flat(sb)];
        double e = oracle_binary(op, va, vb);
        e = std::min<double>(std::max<double>(e, lo), hi);
        if (op == BinaryOp::kMaximum || op == BinaryOp::kMinimum) {
          ASSERT_EQ(y[o], e) << int(op) << " " << o;  // a max moves a value
        } else if (pow && vb == 2.0) {
          ASSERT_EQ(y[o], a[flat(sa)] * a[flat(sa)]) << o;
        } else {
          ASSERT_NEAR(y[o], e, 1e-6 * (std::fabs(va) + std::fabs(vb) + std::fabs(va * vb) + std::fabs(e))) << int(op) << " " << o;
        }
      }
    }
}

TEST(F32Binary, NanAndSpecialValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(f32_binary_value(BinaryOp::kMaximum, nan, 1.0f)));
  EXPECT_TRUE(std::isnan(f32_binary_value(BinaryOp::kMaximum, 1.0f, nan)));
  EXPECT_TRUE(std::isnan(f32_binary_value(BinaryOp::kMinimum, nan, 1.0f)));
  EXPECT_TRUE(std::isnan(f32_binary_value(BinaryOp::kMinimum, 1.0f, nan)));
  EXPECT_EQ(f32_binary_value(BinaryOp::kMaximum, -kInf, 3.0f), 3.0f);
  EXPECT_EQ(f32_binary_value(BinaryOp::kMinimum, -kInf, 3.0f), -kInf);
  EXPECT_EQ(f32_binary_value(BinaryOp::kDiv, 1.0f, 0.0f), kInf);
  EXPECT_EQ(f32_binary_value(BinaryOp::kDiv, -1.0f, 0.0f), -kInf);
  EXPECT_EQ(f32_binary_value(BinaryOp::kPow, -3.0f, 2.0f), 9.0f);
  EXPECT_EQ(f32_binary_value(BinaryOp::kPow, -2.0f, 3.0f), -8.0f);
  EXPECT_EQ(f32_binary_value(BinaryOp::kPow, 0.0f, 0.0f), 1.0f);
  EXPECT_TRUE(std::isnan(f32_binary_value(BinaryOp::kPow, -2.0f, 0.5f)));
  EXPECT_EQ(f32_binary_value(BinaryOp::kPow, kInf, 2.0f), kInf);
}

TEST(F32Pool, MaxAvgAndGlobal) {
  std::mt19937 rng(113);
  for (int i = 0; i < 200; ++i) {
    const ConvShape s = random_conv_shape(rng, true);
    const std::vector<float> x = octet_test::random_f32(rng, size_t(s.batch) * s.in_h * s.in_w * s.in_c, -4, 4);
    const size_t out_size = size_t(s.batch) * s.out_h * s.out_w * s.out_c;
    const float lo = i % 4 == 0 ? -1.0f : -kInf, hi = i % 4 == 0 ? 1.0f : kInf;
    const bool include_pad = i % 2 == 0;
    std::vector<float> ymax(out_size), yavg(out_size);
    f32_maxpool2d__reference(s, x.data(), lo, hi, ymax.data());
    f32_avgpool2d__reference(s, x.data(), include_pad, lo, hi, yavg.data());
    size_t o = 0;
    for (int n = 0; n < s.batch; ++n)
      for (int oy = 0; oy < s.out_h; ++oy)
        for (int ox = 0; ox < s.out_w; ++ox)
          for (int c = 0; c < s.in_c; ++c, ++o) {
            double m = -std::numeric_limits<double>::infinity(), sum = 0, mag = 0;
            int inside = 0;
            for (int ky = 0; ky < s.kernel_h; ++ky)
              for (int kx = 0; kx < s.kernel_w; ++kx) {
                const double v = padded_at(s, x, n, oy * s.stride_h + ky * s.dilation_h,
                                           ox * s.stride_w + kx * s.dilation_w, c);
                if (std::isnan(v)) continue;
                m = std::max(m, v);
                sum += v;
                mag += std::fabs(v);
                ++inside;
              }
            const double em = std::min<double>(std::max<double>(m, lo), hi);
            ASSERT_EQ(double(ymax[o]), em) << "max, case " << i;  // exact: a max moves a value
            const int count = include_pad ? s.kernel_h * s.kernel_w : inside;
            const double avg = count == 0 ? 0.0 : sum / count;
            const double ea = std::min<double>(std::max<double>(avg, lo), hi);
            ASSERT_NEAR(yavg[o], ea, kRelTol * (count == 0 ? 0 : mag / count) + 1e-30) << "avg, case " << i;
          }
  }
  for (size_t hw : {1, 5, 49, 1000}) {
    const size_t batch = 2, channels = 7;
    const std::vector<float> x = octet_test::random_f32(rng, batch * hw * channels, -3, 3);
    std::vector<float> y(batch * channels);
    f32_global_avgpool__reference(batch, hw, channels, x.data(), y.data());
    for (size_t n = 0; n < batch; ++n)
      for (size_t c = 0; c < channels; ++c) {
        double sum = 0, mag = 0;
        for (size_t j = 0; j < hw; ++j) {
          sum += x[(n * hw + j) * channels + c];
          mag += std::fabs(x[(n * hw + j) * channels + c]);
        }
        ASSERT_NEAR(y[n * channels + c], sum / hw, kRelTol * mag / hw) << hw;
      }
  }
}

TEST(F32Unary, EveryFunctionAgainstDouble) {
  std::mt19937 rng(114);
  for (UnaryFunction f : octet_test::kAllUnaryFunctions) {
    const float alpha = f == UnaryFunction::kClamp ? -1.5f : f == UnaryFunction::kHardSigmoid ? 0.2f : 0.1f;
    const float beta = f == UnaryFunction::kClamp ? 2.5f : f == UnaryFunction::kHardSigmoid ? 0.5f : 0.0f;
    std::vector<float> x = octet_test::random_f32(rng, 5000, -10, 10);
    x[0] = 0.0f;
    x[1] = -3.0f;
    x[2] = 3.0f;
    std::vector<float> y(x.size());
    f32_unary__reference(f, alpha, beta, x.size(), x.data(), y.data());
    for (size_t i = 0; i < x.size(); ++i) {
      const double e = octet_test::oracle_unary(f, x[i], alpha, beta);
      if (std::isnan(e)) {
        ASSERT_TRUE(std::isnan(y[i])) << "function " << int(f) << " x " << x[i];  // sqrt, log of x < 0
        continue;
      }
      if (std::isinf(e)) {
        ASSERT_EQ(y[i], e) << "function " << int(f) << " x " << x[i];  // log(0), 1 / 0
        continue;
      }
      ASSERT_NEAR(y[i], e, kRelTol * std::fabs(e) + 1e-6) << "function " << int(f) << " x " << x[i];
      ASSERT_EQ(y[i], unary_function_f32(f, x[i], alpha, beta));
    }
  }
}

TEST(F32Softmax, RowsAgainstDouble) {
  std::mt19937 rng(115);
  for (size_t channels : {1, 2, 10, 100, 1000})
    for (float beta : {1.0f, 0.5f, 3.0f}) {
      const size_t rows = 3;
      const std::vector<float> x = octet_test::random_f32(rng, rows * channels, -20, 20);
      std::vector<float> y(rows * channels);
      f32_softmax__reference(rows, channels, beta, x.data(), y.data());
      for (size_t r = 0; r < rows; ++r) {
        double mx = -1e300, sum = 0;
        for (size_t c = 0; c < channels; ++c) mx = std::max(mx, double(x[r * channels + c]));
        for (size_t c = 0; c < channels; ++c) sum += std::exp(double(beta) * (x[r * channels + c] - mx));
        double total = 0;
        for (size_t c = 0; c < channels; ++c) {
          const double e = std::exp(double(beta) * (x[r * channels + c] - mx)) / sum;
          ASSERT_NEAR(y[r * channels + c], e, kRelTol * e + 1e-9) << channels << " " << r << " " << c;
          total += y[r * channels + c];
        }
        EXPECT_NEAR(total, 1.0, 1e-4);
      }
    }
}

TEST(F32Resize, NearestCopiesAndBilinearWeights) {
  std::mt19937 rng(116);
  struct Case {
    int in_h, in_w, out_h, out_w;
  } cases[] = {{4, 5, 8, 10}, {8, 9, 3, 4}, {5, 6, 8, 4}, {6, 6, 1, 1}, {1, 1, 4, 3}, {7, 3, 7, 3}};
  for (const Case& k : cases)
    for (ResizeCoordinates ct : {ResizeCoordinates::kHalfPixel, ResizeCoordinates::kAsymmetric,
                                 ResizeCoordinates::kAlignCorners, ResizeCoordinates::kPytorchHalfPixel}) {
      const int batch = 2, channels = 3;
      const std::vector<float> x = octet_test::random_f32(rng, size_t(batch) * k.in_h * k.in_w * channels, -5, 5);
      const auto at = [&](int n, int yy, int xx, int c) {
        return double(x[((size_t(n) * k.in_h + yy) * k.in_w + xx) * channels + c]);
      };
      const size_t out_size = size_t(batch) * k.out_h * k.out_w * channels;
      ResizeAxis ay, ax;
      compute_resize_axis_nearest(k.in_h, k.out_h, 0, ct, NearestRounding::kRoundPreferFloor, &ay);
      compute_resize_axis_nearest(k.in_w, k.out_w, 0, ct, NearestRounding::kRoundPreferFloor, &ax);
      std::vector<float> y(out_size);
      f32_resize_nearest__reference(batch, k.in_h, k.in_w, channels, ay, ax, x.data(), y.data());
      size_t o = 0;
      for (int n = 0; n < batch; ++n)
        for (int oy = 0; oy < k.out_h; ++oy)
          for (int ox = 0; ox < k.out_w; ++ox)
            for (int c = 0; c < channels; ++c, ++o) ASSERT_EQ(y[o], at(n, ay.index0[oy], ax.index0[ox], c));
      compute_resize_axis_bilinear(k.in_h, k.out_h, 0, ct, &ay);
      compute_resize_axis_bilinear(k.in_w, k.out_w, 0, ct, &ax);
      f32_resize_bilinear__reference(batch, k.in_h, k.in_w, channels, ay, ax, x.data(), y.data());
      o = 0;
      for (int n = 0; n < batch; ++n)
        for (int oy = 0; oy < k.out_h; ++oy)
          for (int ox = 0; ox < k.out_w; ++ox)
            for (int c = 0; c < channels; ++c, ++o) {
              const double wy1 = ay.lambda[oy] / 2048.0, wx1 = ax.lambda[ox] / 2048.0;
              const double e = (1 - wy1) * ((1 - wx1) * at(n, ay.index0[oy], ax.index0[ox], c) +
                                            wx1 * at(n, ay.index0[oy], ax.index1[ox], c)) +
                               wy1 * ((1 - wx1) * at(n, ay.index1[oy], ax.index0[ox], c) +
                                      wx1 * at(n, ay.index1[oy], ax.index1[ox], c));
              ASSERT_NEAR(y[o], e, kRelTol * 5.0) << k.in_h << "x" << k.in_w << "->" << k.out_h << "x" << k.out_w;
            }
    }
}

TEST(F32LayerNorm, RowsAgainstLongDouble) {
  std::mt19937 rng(117);
  for (size_t channels : {1, 2, 7, 64, 192, 1000})
    for (float epsilon : {1e-5f, 1e-6f, 0.0f}) {
      const size_t rows = 5;
      std::vector<float> x = octet_test::random_f32(rng, rows * channels, -3, 3);
      // A row with a large common offset (the naive one-pass variance would cancel) and a
      // constant row (variance 0: y = beta for epsilon > 0).
      for (size_t c = 0; c < channels; ++c) x[channels + c] += 1000.0f;
      for (size_t c = 0; c < channels; ++c) x[2 * channels + c] = 0.75f;
      const std::vector<float> gamma = octet_test::random_f32(rng, channels, 0.5f, 2.0f);
      const std::vector<float> beta = octet_test::random_f32(rng, channels, -1.0f, 1.0f);
      for (bool with_beta : {true, false}) {
        std::vector<float> y(rows * channels + 1, 12345.0f), split(rows * channels + 1, 12345.0f);
        f32_layer_norm__reference(channels, x.data(), gamma.data(), with_beta ? beta.data() : nullptr, epsilon, y.data(), 0, rows);
        f32_layer_norm__reference(channels, x.data(), gamma.data(), with_beta ? beta.data() : nullptr, epsilon, split.data(), 0, 2);
        f32_layer_norm__reference(channels, x.data(), gamma.data(), with_beta ? beta.data() : nullptr, epsilon, split.data(), 2, rows);
        ASSERT_EQ(std::memcmp(y.data(), split.data(), y.size() * sizeof(float)), 0) << "row ranges changed the bytes";
        EXPECT_EQ(y.back(), 12345.0f);
        for (size_t r = 0; r < rows; ++r) {
          const float* in = &x[r * channels];
          long double mean = 0, var = 0;
          for (size_t c = 0; c < channels; ++c) mean += in[c];
          mean /= channels;
          for (size_t c = 0; c < channels; ++c) var += (in[c] - mean) * (in[c] - mean);
          var /= channels;
          for (size_t c = 0; c < channels; ++c) {
            const float got = y[r * channels + c];
            const long double b = with_beta ? beta[c] : 0.0L;
            if (var + epsilon == 0) {  // 0 / 0
              ASSERT_TRUE(std::isnan(got)) << channels << " row " << r;
              continue;
            }
            const long double e = (in[c] - mean) / std::sqrt(var + static_cast<long double>(epsilon)) * gamma[c] + b;
            ASSERT_NEAR(got, static_cast<double>(e), 2e-6 * (std::fabs(static_cast<double>(e)) + 1.0))
                << channels << " eps " << epsilon << " row " << r << " channel " << c;
          }
        }
      }
    }
}

}  // namespace
}  // namespace octet

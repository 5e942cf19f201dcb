// Resize: the axis tables against ONNX Resize's coordinate formulas (in double, and
// in exact rational arithmetic where the scale is a ratio of sizes), nearest output
// against the source pixel requantized exactly, bilinear output against the exact
// integer sum of the table weights, rounded as requantize.h says.
#include "kernels/reference/qs8-resize-reference.h"

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

constexpr ResizeCoordinates kCoords[] = {ResizeCoordinates::kHalfPixel, ResizeCoordinates::kAsymmetric,
                                         ResizeCoordinates::kAlignCorners, ResizeCoordinates::kPytorchHalfPixel};
constexpr NearestRounding kRoundings[] = {NearestRounding::kRoundPreferFloor, NearestRounding::kRoundPreferCeil,
                                          NearestRounding::kFloor, NearestRounding::kCeil};

// ONNX Resize: x_original for output index i. `scale` is output/input as given, or 0
// when the output size was given (then scale = out / in).
double onnx_coordinate(int i, int in, int out, double scale, ResizeCoordinates ct) {
  const double s = scale != 0 ? scale : double(out) / double(in);
  switch (ct) {
    case ResizeCoordinates::kHalfPixel: return (i + 0.5) / s - 0.5;
    case ResizeCoordinates::kAsymmetric: return i / s;
    case ResizeCoordinates::kAlignCorners: return out == 1 ? 0.0 : i * double(in - 1) / double(out - 1);
    case ResizeCoordinates::kPytorchHalfPixel: return out > 1 ? (i + 0.5) / s - 0.5 : 0.0;
  }
  return 0;
}

// ONNX nearest_mode on a real coordinate, then clamped to [0, in - 1].
int onnx_nearest(double c, NearestRounding r, int in) {
  const double f = std::floor(c), d = c - f;
  double v = 0;
  switch (r) {
    case NearestRounding::kRoundPreferFloor: v = d > 0.5 ? f + 1 : f; break;
    case NearestRounding::kRoundPreferCeil: v = d >= 0.5 ? f + 1 : f; break;
    case NearestRounding::kFloor: v = f; break;
    case NearestRounding::kCeil: v = std::ceil(c); break;
  }
  return static_cast<int>(std::min<double>(std::max<double>(v, 0), in - 1));
}

// The same in exact arithmetic, for scale = out / in: x_original = num / den.
void exact_coordinate(int i, int in, int out, ResizeCoordinates ct, int64_t* num, int64_t* den) {
  switch (ct) {
    case ResizeCoordinates::kHalfPixel:
      *num = int64_t{2 * i + 1} * in - out;
      *den = int64_t{2} * out;
      return;
    case ResizeCoordinates::kAsymmetric:
      *num = int64_t{i} * in;
      *den = out;
      return;
    case ResizeCoordinates::kAlignCorners:
      *num = out == 1 ? 0 : int64_t{i} * (in - 1);
      *den = out == 1 ? 1 : out - 1;
      return;
    case ResizeCoordinates::kPytorchHalfPixel:
      *num = out > 1 ? int64_t{2 * i + 1} * in - out : 0;
      *den = out > 1 ? int64_t{2} * out : 1;
      return;
  }
}
int exact_nearest(int64_t num, int64_t den, NearestRounding r, int in) {
  const int64_t f = static_cast<int64_t>(octet_test::floor_div(num, den));
  const int64_t twice_rem = 2 * (num - f * den);  // compare rem with den / 2
  int64_t v = f;
  switch (r) {
    case NearestRounding::kRoundPreferFloor: v = twice_rem > den ? f + 1 : f; break;
    case NearestRounding::kRoundPreferCeil: v = twice_rem >= den ? f + 1 : f; break;
    case NearestRounding::kFloor: v = f; break;
    case NearestRounding::kCeil: v = twice_rem > 0 ? f + 1 : f; break;
  }
  return static_cast<int>(octet_test::clamp64(v, 0, in - 1));
}

// Expected bilinear table entry from the ONNX coordinate (clamped to the image).
void onnx_bilinear(double c, int in, int32_t* i0, int32_t* i1, int32_t* lambda) {
  c = std::min(std::max(c, 0.0), double(in - 1));
  const double f = std::floor(c);
  *i0 = static_cast<int32_t>(f);
  *i1 = std::min(*i0 + 1, in - 1);
  *lambda = static_cast<int32_t>(std::floor((c - f) * 2048.0 + 0.5));
}

// The same from the exact rational coordinate (output size given).
void exact_bilinear(int i, int in, int out, ResizeCoordinates ct, int32_t* i0, int32_t* i1, int32_t* lambda) {
  int64_t num = 0, den = 1;
  exact_coordinate(i, in, out, ct, &num, &den);
  num = std::min<int64_t>(std::max<int64_t>(num, 0), int64_t{in - 1} * den);
  const int64_t f = num / den, rem = num - f * den;
  *i0 = static_cast<int32_t>(f);
  *i1 = std::min(*i0 + 1, in - 1);
  // round(rem / den * 2048) with ties up, as an exact comparison of 2 * rem * 2048 with den * (2k + 1).
  int64_t k = 0;
  while (2 * rem * 2048 >= den * (2 * k + 1)) ++k;
  *lambda = static_cast<int32_t>(k);
}

// The oracle's index and weights: ONNX's double formula with an explicit scale,
// exact rational arithmetic when the output size was given (scale 0).
int oracle_nearest(int i, int in, int out, double scale, ResizeCoordinates ct, NearestRounding r) {
  if (scale != 0) return onnx_nearest(onnx_coordinate(i, in, out, scale, ct), r, in);
  int64_t num = 0, den = 1;
  exact_coordinate(i, in, out, ct, &num, &den);
  return exact_nearest(num, den, r, in);
}
void oracle_bilinear(int i, int in, int out, double scale, ResizeCoordinates ct, int32_t* i0, int32_t* i1, int32_t* lambda) {
  if (scale != 0) onnx_bilinear(onnx_coordinate(i, in, out, scale, ct), in, i0, i1, lambda);
  else exact_bilinear(i, in, out, ct, i0, i1, lambda);
}

// (in, out, scale) triples: upscale 2x, downscale, non-integer scales given as sizes
// and as numbers, 1-pixel inputs and outputs.
struct AxisCase {
  int in, out;
  double scale;
};
const std::vector<AxisCase>& axis_cases() {
  static const std::vector<AxisCase> cases = {
      {4, 8, 0},   {4, 8, 2.0}, {8, 4, 0},   {8, 3, 0},    {9, 4, 0.5},  {5, 7, 0},   {5, 8, 1.7},
      {7, 5, 0},   {10, 3, 0},  {10, 3, 0.3}, {3, 10, 0},  {1, 5, 0},    {5, 1, 0},   {1, 1, 0},
      {1, 3, 3.0}, {6, 6, 0},   {2, 3, 0},   {3, 2, 0},    {16, 23, 0},  {23, 16, 0}, {6, 13, 2.25},
      {12, 5, 0.4}, {2, 1, 0.5}, {13, 26, 0}, {26, 13, 0}, {5, 15, 3.0}, {15, 5, 1.0 / 3.0}};
  return cases;
}

TEST(ResizeAxis, NearestMatchesOnnxFormulas) {
  for (const AxisCase& a : axis_cases())
    for (ResizeCoordinates ct : kCoords)
      for (NearestRounding r : kRoundings) {
        ResizeAxis axis;
        compute_resize_axis_nearest(a.in, a.out, a.scale, ct, r, &axis);
        ASSERT_EQ(axis.index0.size(), size_t(a.out));
        ASSERT_EQ(axis.index1, axis.index0);
        ASSERT_EQ(axis.lambda, std::vector<int32_t>(a.out, 0));
        for (int i = 0; i < a.out; ++i) {
          int expected = 0;
          if (a.scale != 0) {
            expected = onnx_nearest(onnx_coordinate(i, a.in, a.out, a.scale, ct), r, a.in);
          } else {
            int64_t num = 0, den = 1;
            exact_coordinate(i, a.in, a.out, ct, &num, &den);
            expected = exact_nearest(num, den, r, a.in);
          }
          EXPECT_EQ(axis.index0[i], expected)
              << "in " << a.in << " out " << a.out << " scale " << a.scale << " ct " << int(ct)
              << " rounding " << int(r) << " i " << i;
        }
      }
}

TEST(ResizeAxis, NearestHandChecked) {
  ResizeAxis axis;
  // 2 -> 4, half_pixel: x_original = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25.
  compute_resize_axis_nearest(2, 4, 0, ResizeCoordinates::kHalfPixel, NearestRounding::kRoundPreferFloor, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 0, 1, 1}));
  // 3 -> 2, half_pixel: (i + 0.5) * 1.5 - 0.5 = 0.25, 1.75.
  compute_resize_axis_nearest(3, 2, 0, ResizeCoordinates::kHalfPixel, NearestRounding::kFloor, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 1}));
  compute_resize_axis_nearest(3, 2, 0, ResizeCoordinates::kHalfPixel, NearestRounding::kCeil, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{1, 2}));
  // 2 -> 3, half_pixel: (i + 0.5) / 1.5 - 0.5 = -1/6, 0.5, 7/6: the tie decides index 1.
  compute_resize_axis_nearest(2, 3, 0, ResizeCoordinates::kHalfPixel, NearestRounding::kRoundPreferFloor, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 0, 1}));
  compute_resize_axis_nearest(2, 3, 0, ResizeCoordinates::kHalfPixel, NearestRounding::kRoundPreferCeil, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 1, 1}));
  // 4 -> 3 align_corners: i * 3 / 2 = 0, 1.5, 3.
  compute_resize_axis_nearest(4, 3, 0, ResizeCoordinates::kAlignCorners, NearestRounding::kRoundPreferFloor, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 1, 3}));
  compute_resize_axis_nearest(4, 3, 0, ResizeCoordinates::kAlignCorners, NearestRounding::kRoundPreferCeil, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 2, 3}));
  // Asymmetric 3 -> 6 (scale 2): i / 2 with floor: 0 0 1 1 2 2.
  compute_resize_axis_nearest(3, 6, 2.0, ResizeCoordinates::kAsymmetric, NearestRounding::kFloor, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 0, 1, 1, 2, 2}));
}

// With the output size given, the ONNX coordinate is a rational number and the
// table must equal exact arithmetic everywhere, including coordinates that lie ON a
// rounding boundary (e.g. 7 -> 9 half_pixel, i = 4: exactly 3, where a double
// evaluation of (i + 0.5) / (9 / 7.0) - 0.5 gives 2.9999999999999996).
TEST(ResizeAxis, NearestMatchesExactArithmeticForSizeRatios) {
  int boundary_cases = 0;
  for (int in = 1; in <= 48; ++in)
    for (int out = 1; out <= 48; ++out)
      for (ResizeCoordinates ct : kCoords)
        for (NearestRounding r : kRoundings) {
          ResizeAxis axis;
          compute_resize_axis_nearest(in, out, 0, ct, r, &axis);
          for (int i = 0; i < out; ++i) {
            int64_t num = 0, den = 1;
            exact_coordinate(i, in, out, ct, &num, &den);
            const int64_t rem = num - static_cast<int64_t>(octet_test::floor_div(num, den)) * den;
            if (rem == 0 || 2 * rem == den) ++boundary_cases;
            ASSERT_EQ(axis.index0[i], exact_nearest(num, den, r, in))
                << "in " << in << " out " << out << " ct " << int(ct) << " rounding " << int(r) << " i " << i
                << ": x_original = " << num << "/" << den;
          }
        }
  EXPECT_GT(boundary_cases, 1000);  // the sweep does reach the boundaries
}

TEST(ResizeAxis, BilinearMatchesOnnxFormulas) {
  for (const AxisCase& a : axis_cases())
    for (ResizeCoordinates ct : kCoords) {
      ResizeAxis axis;
      compute_resize_axis_bilinear(a.in, a.out, a.scale, ct, &axis);
      ASSERT_EQ(axis.index0.size(), size_t(a.out));
      ASSERT_EQ(axis.index1.size(), size_t(a.out));
      ASSERT_EQ(axis.lambda.size(), size_t(a.out));
      for (int i = 0; i < a.out; ++i) {
        int32_t i0, i1, lambda;
        if (a.scale != 0) {
          onnx_bilinear(onnx_coordinate(i, a.in, a.out, a.scale, ct), a.in, &i0, &i1, &lambda);
        } else {
          exact_bilinear(i, a.in, a.out, ct, &i0, &i1, &lambda);
        }
        EXPECT_EQ(axis.index0[i], i0) << a.in << "->" << a.out << " ct " << int(ct) << " i " << i;
        EXPECT_EQ(axis.index1[i], i1) << a.in << "->" << a.out << " ct " << int(ct) << " i " << i;
        EXPECT_EQ(axis.lambda[i], lambda) << a.in << "->" << a.out << " ct " << int(ct) << " i " << i;
        EXPECT_GE(axis.lambda[i], 0);
        EXPECT_LE(axis.lambda[i], 1 << kResizeWeightBits);
      }
    }
  // Exact arithmetic for size ratios: the weight each input pixel receives (in
  // 1/2048ths) equals round(2048 * frac(x_original)) on floor + 1 and the rest on
  // floor. (A double coordinate just below an integer k gives index0 = k - 1 with
  // lambda = 2048: the same weights, so compare weights, not entries.)
  for (int in = 1; in <= 40; ++in)
    for (int out = 1; out <= 40; ++out)
      for (ResizeCoordinates ct : kCoords) {
        ResizeAxis axis;
        compute_resize_axis_bilinear(in, out, 0, ct, &axis);
        for (int i = 0; i < out; ++i) {
          int64_t num = 0, den = 1;
          exact_coordinate(i, in, out, ct, &num, &den);
          if (num < 0) num = 0;  // clamp to [0, in - 1]
          if (num > int64_t{in - 1} * den) num = int64_t{in - 1} * den;
          const int64_t f = num / den, rem = num - f * den;
          const int64_t lambda = (4096 * rem + den) / (2 * den);  // round half up of 2048 rem / den
          std::vector<int64_t> expected(in, 0), got(in, 0);
          expected[f] += 2048 - lambda;
          expected[std::min<int64_t>(f + 1, in - 1)] += lambda;
          got[axis.index0[i]] += 2048 - axis.lambda[i];
          got[axis.index1[i]] += axis.lambda[i];
          ASSERT_EQ(got, expected) << in << "->" << out << " ct " << int(ct) << " i " << i;
        }
      }
}

TEST(ResizeAxis, BilinearHandChecked) {
  ResizeAxis axis;
  // 2 -> 4 half_pixel: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  compute_resize_axis_bilinear(2, 4, 0, ResizeCoordinates::kHalfPixel, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 0, 0, 1}));
  EXPECT_EQ(axis.index1, (std::vector<int32_t>{1, 1, 1, 1}));
  EXPECT_EQ(axis.lambda, (std::vector<int32_t>{0, 512, 1536, 0}));
  // 3 -> 5 align_corners: i / 2 = 0, 0.5, 1, 1.5, 2.
  compute_resize_axis_bilinear(3, 5, 0, ResizeCoordinates::kAlignCorners, &axis);
  EXPECT_EQ(axis.index0, (std::vector<int32_t>{0, 0, 1, 1, 2}));
  EXPECT_EQ(axis.index1, (std::vector<int32_t>{1, 1, 2, 2, 2}));
  EXPECT_EQ(axis.lambda, (std::vector<int32_t>{0, 1024, 0, 1024, 0}));
}

struct ImageCase {
  int batch, in_h, in_w, out_h, out_w, channels;
  double scale_h, scale_w;
};
const std::vector<ImageCase>& image_cases() {
  static const std::vector<ImageCase> cases = {
      {2, 4, 5, 8, 10, 3, 2.0, 2.0},  // upscale 2x
      {1, 8, 9, 3, 4, 7, 0, 0},       // downscale
      {2, 5, 7, 7, 12, 2, 1.4, 1.7},  // non-integer scales (given)
      {1, 5, 6, 8, 4, 16, 0, 0},      // non-integer (sizes)
      {1, 6, 6, 1, 1, 5, 0, 0},       // 1-pixel output
      {2, 1, 1, 4, 3, 3, 0, 0},       // 1-pixel input
      {1, 3, 1, 6, 1, 17, 0, 0},      // 1-pixel wide
      {1, 7, 7, 7, 7, 8, 0, 0},       // same size
  };
  return cases;
}

// Nearest output: the source pixel at ONNX's index, requantized exactly.
void check_nearest(const ImageCase& ic, ResizeCoordinates ct, NearestRounding r, std::mt19937& rng) {
  ResizeAxis ay, ax;
  compute_resize_axis_nearest(ic.in_h, ic.out_h, ic.scale_h, ct, r, &ay);
  compute_resize_axis_nearest(ic.in_w, ic.out_w, ic.scale_w, ct, r, &ax);
  QResizeParams p;
  p.input_zero_point = octet_test::random_zero_point(rng);
  p.output_zero_point = octet_test::random_zero_point(rng);
  const int kind = octet_test::uniform_int(rng, 0, 2);
  const bool same = kind == 0;  // equal quantizations; kind 1: M = 1/2 (exact ties)
  const float si = 0.05f, so = same ? si : kind == 1 ? 0.1f : static_cast<float>(octet_test::log_uniform(rng, 0.01, 0.2));
  if (same) p.output_zero_point = p.input_zero_point;
  ASSERT_TRUE(quantize_multiplier(double(si) / so, &p.multiplier));
  const std::vector<int8_t> x =
      octet_test::random_s8(rng, size_t(ic.batch) * ic.in_h * ic.in_w * ic.channels);
  std::vector<int8_t> y(size_t(ic.batch) * ic.out_h * ic.out_w * ic.channels + 1, int8_t{0x55});
  qs8_resize_nearest__reference(ic.batch, ic.in_h, ic.in_w, ic.channels, ay, ax, x.data(), p, y.data());
  ASSERT_EQ(y.back(), 0x55) << "wrote past the output";
  for (int n = 0; n < ic.batch; ++n)
    for (int oy = 0; oy < ic.out_h; ++oy)
      for (int ox = 0; ox < ic.out_w; ++ox) {
        const int iy = oracle_nearest(oy, ic.in_h, ic.out_h, ic.scale_h, ct, r);
        const int ix = oracle_nearest(ox, ic.in_w, ic.out_w, ic.scale_w, ct, r);
        for (int c = 0; c < ic.channels; ++c) {
          const int8_t src = x[((size_t(n) * ic.in_h + iy) * ic.in_w + ix) * ic.channels + c];
          const int8_t e = octet_test::expected_requantize(int64_t{src} - p.input_zero_point, p.multiplier.m0,
                                                           p.multiplier.shift, p.output_zero_point, -128, 127);
          ASSERT_EQ(y[((size_t(n) * ic.out_h + oy) * ic.out_w + ox) * ic.channels + c], e)
              << ic.in_h << "x" << ic.in_w << " -> " << ic.out_h << "x" << ic.out_w << " ct " << int(ct)
              << " rounding " << int(r) << " at " << n << "," << oy << "," << ox << "," << c;
          if (same) {
            ASSERT_EQ(e, src);  // equal quantizations: a copy
          }
        }
      }
}

// Bilinear output: exact integer sum of the table weights, rounded as requantize.h
// says; rep 0 keeps si = so, rep 2 uses only extreme inputs.
void check_bilinear(const ImageCase& ic, ResizeCoordinates ct, int rep, std::mt19937& rng) {
  ResizeAxis ay, ax;
  compute_resize_axis_bilinear(ic.in_h, ic.out_h, ic.scale_h, ct, &ay);
  compute_resize_axis_bilinear(ic.in_w, ic.out_w, ic.scale_w, ct, &ax);
  QResizeParams p;
  p.input_zero_point = octet_test::random_zero_point(rng);
  p.output_zero_point = octet_test::random_zero_point(rng);
  const float si = static_cast<float>(octet_test::log_uniform(rng, 0.01, 0.1));
  const float so = rep == 0 ? si : static_cast<float>(si * octet_test::log_uniform(rng, 0.5, 4.0));
  ASSERT_TRUE(quantize_multiplier(double(si) / (double(so) * 4194304.0), &p.multiplier));
  // Extreme inputs (all -128 / 127) reach the largest accumulators.
  std::vector<int8_t> x = octet_test::random_s8(rng, size_t(ic.batch) * ic.in_h * ic.in_w * ic.channels);
  if (rep == 2) {
    for (auto& v : x) v = octet_test::uniform_int(rng, 0, 1) ? int8_t{127} : int8_t{-128};
  }
  std::vector<int8_t> y(size_t(ic.batch) * ic.out_h * ic.out_w * ic.channels + 1, int8_t{0x55});
  qs8_resize_bilinear__reference(ic.batch, ic.in_h, ic.in_w, ic.channels, ay, ax, x.data(), p, y.data());
  ASSERT_EQ(y.back(), 0x55) << "wrote past the output";
  const auto at = [&](int n, int yy, int xx, int c) {
    return int64_t{x[((size_t(n) * ic.in_h + yy) * ic.in_w + xx) * ic.channels + c]} - p.input_zero_point;
  };
  for (int n = 0; n < ic.batch; ++n)
    for (int oy = 0; oy < ic.out_h; ++oy)
      for (int ox = 0; ox < ic.out_w; ++ox)
        for (int c = 0; c < ic.channels; ++c) {
          const int64_t wy[2] = {2048 - ay.lambda[oy], ay.lambda[oy]};
          const int64_t wx[2] = {2048 - ax.lambda[ox], ax.lambda[ox]};
          const int yy[2] = {ay.index0[oy], ay.index1[oy]}, xx[2] = {ax.index0[ox], ax.index1[ox]};
          int64_t acc = 0;
          double real = 0;
          for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) {
              acc += wy[i] * wx[j] * at(n, yy[i], xx[j], c);
              real += double(wy[i]) * wx[j] / 4194304.0 * at(n, yy[i], xx[j], c);
            }
          const int8_t e = octet_test::expected_requantize(acc, p.multiplier.m0, p.multiplier.shift,
                                                           p.output_zero_point, -128, 127);
          const int got = y[((size_t(n) * ic.out_h + oy) * ic.out_w + ox) * ic.channels + c];
          ASSERT_EQ(got, e) << ic.in_h << "x" << ic.in_w << " -> " << ic.out_h << "x" << ic.out_w
                            << " ct " << int(ct) << " at " << n << "," << oy << "," << ox << "," << c
                            << " acc " << acc;
          // Within 1 of the real-valued interpolation with the same weights.
          const double ideal = std::min(127.0, std::max(-128.0, p.output_zero_point + std::round(real * si / so)));
          ASSERT_LE(std::fabs(got - ideal), 1.0);
        }
}

TEST(QS8ResizeNearest, EveryModeAgainstSourcePixel) {
  std::mt19937 rng(80);
  for (const ImageCase& ic : image_cases())
    for (ResizeCoordinates ct : kCoords)
      for (NearestRounding r : kRoundings) check_nearest(ic, ct, r, rng);
}

TEST(QS8ResizeBilinear, ExactSumOfTableWeights) {
  std::mt19937 rng(81);
  for (const ImageCase& ic : image_cases())
    for (ResizeCoordinates ct : kCoords)
      for (int rep = 0; rep < 3; ++rep) check_bilinear(ic, ct, rep, rng);
}

// Random sizes, with the scale given (output = floor(input * scale)) or implied.
ImageCase random_image_case(std::mt19937& rng) {
  ImageCase ic{octet_test::uniform_int(rng, 1, 2), octet_test::uniform_int(rng, 1, 12),
               octet_test::uniform_int(rng, 1, 12), 0, 0, octet_test::uniform_int(rng, 1, 9), 0, 0};
  if (octet_test::uniform_int(rng, 0, 1)) {
    ic.scale_h = octet_test::uniform_real(rng, 0.25, 3.5);
    ic.scale_w = octet_test::uniform_real(rng, 0.25, 3.5);
    ic.out_h = std::max(1, static_cast<int>(std::floor(ic.in_h * ic.scale_h)));
    ic.out_w = std::max(1, static_cast<int>(std::floor(ic.in_w * ic.scale_w)));
  } else {
    ic.out_h = octet_test::uniform_int(rng, 1, 16);
    ic.out_w = octet_test::uniform_int(rng, 1, 16);
  }
  return ic;
}

TEST(QS8Resize, RandomSizesAndScales) {
  std::mt19937 rng(82);
  for (int i = 0; i < 600; ++i) {
    const ImageCase ic = random_image_case(rng);
    const ResizeCoordinates ct = kCoords[octet_test::uniform_int(rng, 0, 3)];
    check_nearest(ic, ct, kRoundings[octet_test::uniform_int(rng, 0, 3)], rng);
    check_bilinear(ic, ct, octet_test::uniform_int(rng, 0, 2), rng);
  }
}

TEST(QS8ResizeBilinear, UpscaleHandChecked) {
  // 1x2 image (0, 100) -> 1x4 half_pixel, equal quantizations (M = 2^-22):
  // x_original = -0.25, 0.25, 0.75, 1.25 -> 0, 25, 75, 100.
  ResizeAxis ay, ax;
  compute_resize_axis_bilinear(1, 1, 0, ResizeCoordinates::kHalfPixel, &ay);
  compute_resize_axis_bilinear(2, 4, 0, ResizeCoordinates::kHalfPixel, &ax);
  QResizeParams p;
  ASSERT_TRUE(quantize_multiplier(1.0 / 4194304.0, &p.multiplier));
  const int8_t x[] = {0, 100};
  int8_t y[4];
  qs8_resize_bilinear__reference(1, 1, 2, 1, ay, ax, x, p, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 25);
  EXPECT_EQ(y[2], 75);
  EXPECT_EQ(y[3], 100);
  // (0, 3) at x_original 0.5 gives 1.5 -> 2 (half up); (0, -3) gives -1.5 -> -1.
  compute_resize_axis_bilinear(2, 1, 0, ResizeCoordinates::kHalfPixel, &ax);
  const int8_t pos[] = {0, 3}, neg[] = {0, -3};
  qs8_resize_bilinear__reference(1, 1, 2, 1, ay, ax, pos, p, y);
  EXPECT_EQ(y[0], 2);
  qs8_resize_bilinear__reference(1, 1, 2, 1, ay, ax, neg, p, y);
  EXPECT_EQ(y[0], -1);
}

}  // namespace
}  // namespace octet

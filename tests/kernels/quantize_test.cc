// QuantizeLinear / DequantizeLinear: float x / scale (one float division, as ONNX),
// rounded half to even by hand, saturated; NaN to the zero point, infinities to the
// ends of the range. Dequantize must be the correctly rounded float product.
#include "kernels/reference/qs8-quantize-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "tests/kernels/oracle.h"

namespace octet {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Round half to even written out: floor, compare the (exact) remainder with 1/2.
double round_half_even(double v) {
  const double f = std::floor(v), d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}

int oracle_quantize(float x, float scale, int32_t zp) {
  if (std::isnan(x)) return static_cast<int>(octet_test::clamp64(zp, -128, 127));
  const float q = x / scale;  // the float division ONNX specifies
  if (std::isinf(q)) return q > 0 ? 127 : -128;
  const double v = round_half_even(double(q)) + zp;
  return static_cast<int>(std::min(127.0, std::max(-128.0, v)));
}

TEST(QS8Quantize, TiesToEvenAtUnitScale) {
  struct {
    float x;
    int q;
  } cases[] = {{0.5f, 0},   {1.5f, 2},   {2.5f, 2},   {3.5f, 4},   {-0.5f, 0},   {-1.5f, -2},
               {-2.5f, -2}, {-3.5f, -4}, {0.49999997f, 0}, {0.50000006f, 1}, {-0.50000006f, -1},
               {126.5f, 126}, {-127.5f, -128}, {0.0f, 0}, {-0.0f, 0}};
  for (const auto& c : cases) {
    EXPECT_EQ(quantize_value_s8(c.x, 1.0f, 0), c.q) << c.x;
    EXPECT_EQ(oracle_quantize(c.x, 1.0f, 0), c.q) << c.x;
  }
  // Ties with a zero point and a scale: x / 0.5 = 2.5 -> 2, then + zp.
  EXPECT_EQ(quantize_value_s8(1.25f, 0.5f, 10), 12);
  EXPECT_EQ(quantize_value_s8(-1.25f, 0.5f, 10), 8);
  EXPECT_EQ(quantize_value_s8(1.75f, 0.5f, -3), 1);  // 3.5 -> 4
}

TEST(QS8Quantize, SaturationInfinitiesNaN) {
  EXPECT_EQ(quantize_value_s8(127.4f, 1.0f, 0), 127);
  EXPECT_EQ(quantize_value_s8(127.5f, 1.0f, 0), 127);  // 128 saturates
  EXPECT_EQ(quantize_value_s8(128.0f, 1.0f, 0), 127);
  EXPECT_EQ(quantize_value_s8(-128.5f, 1.0f, 0), -128);
  EXPECT_EQ(quantize_value_s8(-129.0f, 1.0f, 0), -128);
  EXPECT_EQ(quantize_value_s8(100.0f, 1.0f, 100), 127);
  EXPECT_EQ(quantize_value_s8(-100.0f, 1.0f, -100), -128);
  for (float huge : {1e10f, 3e9f, 2147483648.0f, 1e30f, std::numeric_limits<float>::max()}) {
    EXPECT_EQ(quantize_value_s8(huge, 1.0f, 0), 127) << huge;
    EXPECT_EQ(quantize_value_s8(-huge, 1.0f, 0), -128) << huge;
    EXPECT_EQ(quantize_value_s8(huge, 1e-3f, -128), 127) << huge;
    EXPECT_EQ(quantize_value_s8(-huge, 1e-3f, 127), -128) << huge;
  }
  // A finite x over a tiny scale overflows to inf in the division.
  EXPECT_EQ(quantize_value_s8(1e30f, 1e-30f, 0), 127);
  EXPECT_EQ(quantize_value_s8(-1e30f, 1e-30f, 0), -128);
  for (int32_t zp : {-128, -5, 0, 5, 127}) {
    EXPECT_EQ(quantize_value_s8(kInf, 0.1f, zp), 127) << zp;
    EXPECT_EQ(quantize_value_s8(-kInf, 0.1f, zp), -128) << zp;
    EXPECT_EQ(quantize_value_s8(kNaN, 0.1f, zp), zp) << zp;
    EXPECT_EQ(quantize_value_s8(-kNaN, 0.1f, zp), zp) << zp;
  }
  // A zero point outside int8 saturates for NaN too.
  EXPECT_EQ(quantize_value_s8(kNaN, 0.1f, 300), 127);
  EXPECT_EQ(quantize_value_s8(kNaN, 0.1f, -300), -128);
  EXPECT_EQ(quantize_value_s8(0.0f, 0.1f, 300), 127);
  EXPECT_EQ(quantize_value_s8(-40.0f, 0.1f, 300), -100);  // -400 + 300
}

TEST(QS8Quantize, RandomValuesAgainstOracle) {
  std::mt19937 rng(100);
  for (int i = 0; i < 300; ++i) {
    const float scale = static_cast<float>(octet_test::log_uniform(rng, 1e-6, 1e3));
    const int32_t zp = i % 10 == 9 ? octet_test::uniform_int(rng, -1000, 1000) : octet_test::random_zero_point(rng);
    std::vector<float> x(2000);
    for (size_t j = 0; j < x.size(); ++j) {
      switch (j % 5) {
        case 0:  // exact ties: (k + 1/2) * scale when representable
          x[j] = static_cast<float>((octet_test::uniform_int(rng, -140, 140) + 0.5) * scale);
          break;
        case 1: x[j] = static_cast<float>(octet_test::uniform_int(rng, -140, 140)) * scale; break;
        case 2: x[j] = static_cast<float>(octet_test::uniform_real(rng, -1e6, 1e6)); break;
        default: x[j] = static_cast<float>(octet_test::uniform_real(rng, -200, 200) * scale); break;
      }
    }
    x[0] = kNaN;
    x[1] = kInf;
    x[2] = -kInf;
    std::vector<int8_t> y(x.size() + 1, int8_t{0x55});
    qs8_quantize__reference(x.size(), x.data(), scale, zp, y.data());
    ASSERT_EQ(y.back(), 0x55);
    for (size_t j = 0; j < x.size(); ++j) {
      ASSERT_EQ(y[j], oracle_quantize(x[j], scale, zp)) << "x " << x[j] << " scale " << scale << " zp " << zp;
      ASSERT_EQ(y[j], quantize_value_s8(x[j], scale, zp));
    }
  }
}

TEST(QS8Dequantize, ExactFloatProduct) {
  std::mt19937 rng(101);
  std::vector<int8_t> x(256);
  for (int i = 0; i < 256; ++i) x[i] = static_cast<int8_t>(i - 128);
  for (int i = 0; i < 500; ++i) {
    const float scale = static_cast<float>(octet_test::log_uniform(rng, 1e-8, 1e4));
    const int32_t zp = octet_test::random_zero_point(rng);
    std::vector<float> y(257, 12345.0f);
    qs8_dequantize__reference(256, x.data(), scale, zp, y.data());
    ASSERT_EQ(y[256], 12345.0f);
    for (int q = 0; q < 256; ++q) {
      // The double product is exact (24 x 9 bits); one rounding to float.
      const float e = static_cast<float>(double(scale) * (int{x[q]} - zp));
      ASSERT_EQ(std::memcmp(&y[q], &e, sizeof(float)), 0) << int{x[q]} << " " << scale << " " << zp;
    }
  }
  // Round trip: dequantize then quantize returns every byte.
  for (float scale : {0.1f, 1.0f / 255.0f, 3.0f})
    for (int32_t zp : {-128, 0, 17, 127}) {
      std::vector<float> f(256);
      std::vector<int8_t> back(256);
      qs8_dequantize__reference(256, x.data(), scale, zp, f.data());
      qs8_quantize__reference(256, f.data(), scale, zp, back.data());
      for (int q = 0; q < 256; ++q) EXPECT_EQ(back[q], x[q]) << scale << " " << zp;
    }
}

}  // namespace
}  // namespace octet

// qs8_requantize__reference (change of quantization) against exact arithmetic over
// every input byte, and x_concat__reference against an index-based oracle.
#include "kernels/reference/qs8-requantize-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

std::vector<int8_t> all_bytes() {
  std::vector<int8_t> v(256);
  for (int i = 0; i < 256; ++i) v[i] = static_cast<int8_t>(i - 128);
  return v;
}

TEST(QS8Requantize, EveryInputOverRandomScales) {
  std::mt19937 rng(40);
  const std::vector<int8_t> x = all_bytes();
  for (int i = 0; i < 3000; ++i) {
    const float si = static_cast<float>(octet_test::log_uniform(rng, 1e-4, 1.0));
    // Ratios from tiny (everything rounds to zo) to large (everything saturates).
    const double ratio = i % 50 == 0 ? 1.0 : octet_test::log_uniform(rng, 1e-4, 1e3);
    const float so = static_cast<float>(si / ratio);
    const int32_t zi = octet_test::random_zero_point(rng), zo = octet_test::random_zero_point(rng);
    QRequantizeParams p;
    ASSERT_TRUE(compute_qs8_requantize_params(si, zi, so, zo, &p));
    EXPECT_EQ(p.input_zero_point, zi);
    EXPECT_EQ(p.output_zero_point, zo);
    QuantizedMultiplier m;
    ASSERT_TRUE(quantize_multiplier(double(si) / double(so), &m));
    EXPECT_EQ(p.multiplier.m0, m.m0);
    EXPECT_EQ(p.multiplier.shift, m.shift);
    std::vector<int8_t> y(256);
    qs8_requantize__reference(256, x.data(), p, y.data());
    for (int q = 0; q < 256; ++q) {
      const int8_t e = octet_test::expected_requantize(int64_t{x[q]} - zi, m.m0, m.shift, zo, -128, 127);
      ASSERT_EQ(y[q], e) << "x=" << int{x[q]} << " si=" << si << " so=" << so << " zi=" << zi << " zo=" << zo;
      // And within 1 of the real-valued result (the multiplier is exact to 2^-31).
      const double real = (x[q] - zi) * double(si) / double(so);
      const double ideal = std::min(127.0, std::max(-128.0, zo + std::round(real)));
      ASSERT_LE(std::fabs(y[q] - ideal), 1.0);
    }
  }
}

TEST(QS8Requantize, IdentityAndHalfWayCases) {
  const std::vector<int8_t> x = all_bytes();
  std::vector<int8_t> y(256);
  QRequantizeParams p;
  // Same scale, zero points -128 -> 127 shift everything by 255 (saturating).
  ASSERT_TRUE(compute_qs8_requantize_params(0.1f, -128, 0.1f, 127, &p));
  qs8_requantize__reference(256, x.data(), p, y.data());
  for (int q = 0; q < 256; ++q) EXPECT_EQ(y[q], 127) << q;
  ASSERT_TRUE(compute_qs8_requantize_params(0.1f, 5, 0.1f, 5, &p));
  qs8_requantize__reference(256, x.data(), p, y.data());
  EXPECT_EQ(y, x);
  // si / so = 1/2: (x - zi) / 2 with half-way values toward +inf.
  ASSERT_TRUE(compute_qs8_requantize_params(0.25f, 0, 0.5f, 0, &p));
  qs8_requantize__reference(256, x.data(), p, y.data());
  for (int q = 0; q < 256; ++q) {
    EXPECT_EQ(y[q], octet_test::floor_div(x[q] + 1, 2)) << int{x[q]};
  }
  EXPECT_EQ(y[-3 + 128], -1);  // -1.5 -> -1
  EXPECT_EQ(y[3 + 128], 2);    // 1.5 -> 2
  EXPECT_EQ(y[-1 + 128], 0);   // -0.5 -> 0
}

TEST(QS8Requantize, ParamsRejectInvalidScales) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (float s : {0.0f, -1.0f, nan, inf, -inf}) {
    QRequantizeParams p;
    p.input_zero_point = 9;
    EXPECT_FALSE(compute_qs8_requantize_params(s, 0, 1.0f, 0, &p)) << s;
    EXPECT_FALSE(compute_qs8_requantize_params(1.0f, 0, s, 0, &p)) << s;
    EXPECT_EQ(p.input_zero_point, 9);
  }
  QRequantizeParams p;
  EXPECT_FALSE(compute_qs8_requantize_params(std::ldexp(1.0f, 30), 0, 1.0f, 0, &p));  // si / so = 2^30
  EXPECT_TRUE(compute_qs8_requantize_params(std::ldexp(1.0f, 29), 0, 1.0f, 0, &p));
  EXPECT_EQ(p.multiplier.m0, 1 << 30);
  EXPECT_EQ(p.multiplier.shift, 1);
  // Tiny ratio: the zero form; every output is zo.
  ASSERT_TRUE(compute_qs8_requantize_params(1e-20f, 0, 1e20f, -7, &p));
  EXPECT_EQ(p.multiplier.m0, 0);
  const std::vector<int8_t> x = all_bytes();
  std::vector<int8_t> y(256);
  qs8_requantize__reference(256, x.data(), p, y.data());
  for (int8_t v : y) EXPECT_EQ(v, -7);
}

// ---------------------------------------------------------------------------
// Concat

TEST(XConcat, RowsOfEveryInputInTurn) {
  std::mt19937 rng(41);
  for (int i = 0; i < 300; ++i) {
    const size_t outer = static_cast<size_t>(octet_test::uniform_int(rng, 0, 6));
    const size_t num = static_cast<size_t>(octet_test::uniform_int(rng, 1, 5));
    const size_t elem = i % 2 == 0 ? 1 : 4;
    std::vector<std::vector<uint8_t>> data(num);
    std::vector<const void*> ptrs(num);
    std::vector<size_t> inner(num);
    size_t row = 0;
    for (size_t k = 0; k < num; ++k) {
      inner[k] = elem * static_cast<size_t>(octet_test::uniform_int(rng, 0, 9));  // zero allowed
      data[k].resize(outer * inner[k] + 1);
      for (auto& b : data[k]) b = static_cast<uint8_t>(rng());
      ptrs[k] = data[k].data();
      row += inner[k];
    }
    std::vector<uint8_t> y(outer * row + 8, 0xA5);
    x_concat__reference(outer, num, ptrs.data(), inner.data(), y.data());
    // Output byte at (r, offset within row) comes from the input whose column range holds it.
    for (size_t r = 0; r < outer; ++r) {
      size_t col = 0;
      for (size_t k = 0; k < num; ++k)
        for (size_t j = 0; j < inner[k]; ++j, ++col) {
          ASSERT_EQ(y[r * row + col], data[k][r * inner[k] + j]) << "row " << r << " input " << k;
        }
    }
    for (size_t t = outer * row; t < y.size(); ++t) ASSERT_EQ(y[t], 0xA5) << "wrote past the end";
  }
}

TEST(XConcat, FloatElementsKeepTheirBits) {
  const float a[] = {1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f};  // 2 rows of 2
  const float b[] = {7.0f, std::numeric_limits<float>::infinity()};                // 2 rows of 1
  const void* in[] = {a, b};
  const size_t inner[] = {2 * sizeof(float), sizeof(float)};
  float y[6];
  x_concat__reference(2, 2, in, inner, y);
  const float expected[] = {1.5f, -0.0f, 7.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f,
                            std::numeric_limits<float>::infinity()};
  EXPECT_EQ(std::memcmp(y, expected, sizeof(y)), 0);
}

}  // namespace
}  // namespace octet

// qs8_conv2d__reference against an oracle that convolves an explicitly padded copy
// of the input (padding holds the input zero point, i.e. the real value 0) and
// requantizes with exact __int128 arithmetic. Every output byte must match.
#include "kernels/reference/qs8-conv2d-reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/reference/conv-shape.h"
#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

constexpr int kChannels[] = {1, 2, 7, 8, 15, 16, 17, 31, 32};

// Builder for one convolution case: shape, quantization, clamp; run() checks it.
class ConvTester {
 public:
  ConvTester& batch(int v) { s_.batch = v; return *this; }
  ConvTester& input_size(int h, int w) { s_.in_h = h; s_.in_w = w; return *this; }
  ConvTester& kernel(int h, int w) { s_.kernel_h = h; s_.kernel_w = w; return *this; }
  ConvTester& stride(int h, int w) { s_.stride_h = h; s_.stride_w = w; return *this; }
  ConvTester& dilation(int h, int w) { s_.dilation_h = h; s_.dilation_w = w; return *this; }
  ConvTester& pads(int top, int left, int bottom, int right) {
    s_.pad_top = top; s_.pad_left = left; s_.pad_bottom = bottom; s_.pad_right = right;
    return *this;
  }
  // groups, channels per group in and out.
  ConvTester& groups(int g, int group_in, int group_out) {
    s_.groups = g; s_.in_c = g * group_in; s_.out_c = g * group_out;
    return *this;
  }
  ConvTester& input_zero_point(int32_t v) { zi_ = v; return *this; }
  ConvTester& output_zero_point(int32_t v) { zo_ = v; return *this; }
  ConvTester& clamp(int32_t lo, int32_t hi) { qmin_ = lo; qmax_ = hi; return *this; }
  ConvTester& per_channel(bool v) { per_channel_ = v; return *this; }
  ConvTester& with_bias(bool v) { bias_ = v; return *this; }
  // Multiplier scale relative to the one that maps a typical accumulator to ~64.
  ConvTester& multiplier_scale(double v) { m_scale_ = v; return *this; }
  // Multipliers 2^-k: accumulators that are odd multiples of 2^(k-1) are exact ties.
  ConvTester& power_of_two_multiplier(bool v) { pow2_ = v; return *this; }
  // Inputs within 3 of the zero point, weights and bias small, M in 1/2 .. 1/16:
  // outputs stay inside the range and exact ties are frequent.
  ConvTester& small_values(bool v) { small_ = v; return *this; }
  // Inputs and weights at the ends of their ranges (worst-case accumulators).
  ConvTester& extreme_values(bool v) { extreme_ = v; return *this; }
  ConvTester& splits(int v) { splits_ = v; return *this; }

  bool valid() const {
    return out_extent(s_.in_h, s_.pad_top, s_.pad_bottom, s_.kernel_h, s_.stride_h, s_.dilation_h) >= 1 &&
           out_extent(s_.in_w, s_.pad_left, s_.pad_right, s_.kernel_w, s_.stride_w, s_.dilation_w) >= 1;
  }
  int64_t macs() const {
    ConvShape s = shape();
    return int64_t{s.batch} * s.out_h * s.out_w * s.out_c * s.kernel_h * s.kernel_w * (s.in_c / s.groups);
  }

  std::string describe() const {
    std::ostringstream o;
    const ConvShape s = shape();
    o << "N" << s.batch << " in " << s.in_h << "x" << s.in_w << "x" << s.in_c << " out " << s.out_h
      << "x" << s.out_w << "x" << s.out_c << " k " << s.kernel_h << "x" << s.kernel_w << " stride "
      << s.stride_h << "," << s.stride_w << " dil " << s.dilation_h << "," << s.dilation_w
      << " pads t" << s.pad_top << " l" << s.pad_left << " b" << s.pad_bottom << " r" << s.pad_right
      << " groups " << s.groups << " zi " << zi_ << " zo " << zo_ << " clamp [" << qmin_ << ","
      << qmax_ << "] per_channel " << per_channel_ << " bias " << bias_;
    return o.str();
  }

  // Returns the number of outputs strictly inside the clamp range (coverage).
  int64_t run(std::mt19937& rng) const {
    const ConvShape s = shape();
    const int gi = s.in_c / s.groups, go = s.out_c / s.groups;
    const size_t in_size = size_t(s.batch) * s.in_h * s.in_w * s.in_c;
    const size_t w_size = size_t(s.out_c) * s.kernel_h * s.kernel_w * gi;
    const size_t out_size = size_t(s.batch) * s.out_h * s.out_w * s.out_c;
    std::vector<int8_t> x = extreme_ ? extreme_s8(rng, in_size)
                            : small_  ? octet_test::random_s8(rng, in_size, std::max(-128, zi_ - 3), std::min(127, zi_ + 3))
                                      : octet_test::random_s8(rng, in_size);
    std::vector<int8_t> w = extreme_ ? extreme_s8(rng, w_size) : octet_test::random_s8(rng, w_size, small_ ? -3 : -127, small_ ? 3 : 127);
    std::vector<int32_t> bias(s.out_c);
    for (auto& b : bias) b = small_ ? octet_test::uniform_int(rng, -20, 20) : octet_test::uniform_int(rng, -30000, 30000);

    // Multipliers: M ~ 64 / (typical |acc|), spread over a factor 10 each way.
    const double typical = std::sqrt(double(s.kernel_h) * s.kernel_w * gi) * 74.0 * 74.0 + 1.0;
    const int nm = per_channel_ ? s.out_c : 1;
    std::vector<int32_t> m0(nm), shift(nm);
    for (int i = 0; i < nm; ++i) {
      QuantizedMultiplier qm;
      double m = m_scale_ * 64.0 / typical * octet_test::log_uniform(rng, 0.1, 10.0);
      if (pow2_) m = std::ldexp(1.0, static_cast<int>(std::lround(std::log2(m))));
      if (small_) m = std::ldexp(1.0, -octet_test::uniform_int(rng, 1, 4));
      EXPECT_TRUE(quantize_multiplier(m, &qm));
      m0[i] = qm.m0;
      shift[i] = qm.shift;
    }

    // Oracle: explicit padded input filled with the input zero point.
    const int ph = s.in_h + s.pad_top + s.pad_bottom, pw = s.in_w + s.pad_left + s.pad_right;
    std::vector<int32_t> padded(size_t(s.batch) * ph * pw * s.in_c, zi_);
    for (int n = 0; n < s.batch; ++n)
      for (int y = 0; y < s.in_h; ++y)
        for (int xx = 0; xx < s.in_w; ++xx)
          for (int c = 0; c < s.in_c; ++c)
            padded[((size_t(n) * ph + y + s.pad_top) * pw + xx + s.pad_left) * s.in_c + c] =
                x[((size_t(n) * s.in_h + y) * s.in_w + xx) * s.in_c + c];
    std::vector<int8_t> expected(out_size);
    int64_t interior = 0;
    for (int n = 0; n < s.batch; ++n)
      for (int oy = 0; oy < s.out_h; ++oy)
        for (int ox = 0; ox < s.out_w; ++ox)
          for (int oc = 0; oc < s.out_c; ++oc) {
            const int g = oc / go;
            int64_t acc = bias_ ? bias[oc] : 0;
            for (int ky = 0; ky < s.kernel_h; ++ky)
              for (int kx = 0; kx < s.kernel_w; ++kx)
                for (int ic = 0; ic < gi; ++ic) {
                  const int py = oy * s.stride_h + ky * s.dilation_h;
                  const int px = ox * s.stride_w + kx * s.dilation_w;
                  const int64_t xv = padded[((size_t(n) * ph + py) * pw + px) * s.in_c + g * gi + ic];
                  const int64_t wv = w[((size_t(oc) * s.kernel_h + ky) * s.kernel_w + kx) * gi + ic];
                  acc += (xv - zi_) * wv;
                }
            const int k = per_channel_ ? oc : 0;
            const int8_t e = octet_test::expected_requantize(acc, m0[k], shift[k], zo_, qmin_, qmax_);
            expected[((size_t(n) * s.out_h + oy) * s.out_w + ox) * s.out_c + oc] = e;
            interior += e > qmin_ && e < qmax_;
          }

    RequantParams rq;
    rq.m0 = m0.data();
    rq.shift = shift.data();
    rq.per_channel = per_channel_;
    rq.zero_point = zo_;
    rq.qmin = qmin_;
    rq.qmax = qmax_;
    const size_t rows = size_t(s.batch) * s.out_h;
    const int32_t* b = bias_ ? bias.data() : nullptr;

    // One call over all rows.
    std::vector<int8_t> one(out_size, int8_t{0x55});
    qs8_conv2d__reference(s, x.data(), zi_, w.data(), b, rq, one.data(), 0, rows);
    size_t bad = 0;
    for (size_t i = 0; i < out_size; ++i) {
      if (one[i] != expected[i] && bad++ < 5) {
        ADD_FAILURE() << describe() << "\n  output " << i << " (channel " << i % s.out_c << "): got "
                      << int{one[i]} << " expected " << int{expected[i]};
      }
    }
    // The same rows computed in pieces give the same bytes; a piece writes only its rows.
    const size_t row_bytes = size_t(s.out_w) * s.out_c;
    std::vector<int8_t> pieces(out_size, int8_t{0x55});
    const std::vector<size_t> cuts = octet_test::random_split(rng, rows, splits_);
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      std::vector<int8_t> before = pieces;
      qs8_conv2d__reference(s, x.data(), zi_, w.data(), b, rq, pieces.data(), cuts[i], cuts[i + 1]);
      for (size_t r = 0; r < rows; ++r) {
        if (r >= cuts[i] && r < cuts[i + 1]) continue;
        EXPECT_TRUE(std::equal(before.begin() + r * row_bytes, before.begin() + (r + 1) * row_bytes,
                               pieces.begin() + r * row_bytes))
            << describe() << "\n  range [" << cuts[i] << "," << cuts[i + 1] << ") wrote row " << r;
      }
    }
    EXPECT_TRUE(pieces == one) << describe() << "\n  split into " << cuts.size() - 1 << " pieces";
    return interior;
  }

 private:
  static int64_t out_extent(int in, int pb, int pe, int k, int stride, int dil) {
    const int64_t padded = int64_t{in} + pb + pe, span = int64_t{dil} * (k - 1) + 1;
    if (padded < span) return 0;
    return (padded - span) / stride + 1;
  }
  ConvShape shape() const {
    ConvShape s = s_;
    s.out_h = static_cast<int>(out_extent(s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.stride_h, s.dilation_h));
    s.out_w = static_cast<int>(out_extent(s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.stride_w, s.dilation_w));
    return s;
  }
  static std::vector<int8_t> extreme_s8(std::mt19937& rng, size_t n) {
    std::vector<int8_t> v(n);
    for (auto& e : v) e = octet_test::uniform_int(rng, 0, 1) ? int8_t{127} : int8_t{-128};
    return v;
  }

  ConvShape s_;
  int32_t zi_ = 0, zo_ = 0, qmin_ = -128, qmax_ = 127;
  bool per_channel_ = true, bias_ = true, extreme_ = false, pow2_ = false, small_ = false;
  double m_scale_ = 1.0;
  int splits_ = 4;
};

// Relu6 in the quantized domain for an output scale so: [zo, zo + round(6 / so)] ∩ int8.
void relu6_bounds(int32_t zo, double so, int32_t* lo, int32_t* hi) {
  *lo = std::max(-128, zo);
  *hi = static_cast<int32_t>(std::min<double>(127, zo + std::round(6.0 / so)));
}

TEST(ConvOutputSize, Formula) {
  EXPECT_EQ(conv_output_size(5, 0, 0, 3, 1, 1), 3);
  EXPECT_EQ(conv_output_size(5, 1, 1, 3, 1, 1), 5);
  EXPECT_EQ(conv_output_size(5, 1, 1, 3, 2, 1), 3);
  EXPECT_EQ(conv_output_size(6, 1, 0, 3, 2, 1), 3);   // floor((7 - 3) / 2) + 1
  EXPECT_EQ(conv_output_size(5, 0, 0, 3, 1, 2), 1);   // dilated span 5
  EXPECT_EQ(conv_output_size(4, 0, 0, 3, 1, 2), -1);  // span 5 > 4
  EXPECT_EQ(conv_output_size(1, 0, 0, 1, 3, 1), 1);
  EXPECT_EQ(conv_output_size(5, 0, 0, 3, 0, 1), -1);  // stride 0
  EXPECT_EQ(conv_output_size(0, 1, 1, 2, 1, 1), 1);   // all padding
  EXPECT_EQ(conv_output_size(0, 1, 1, 3, 1, 1), -1);
  for (int in = 0; in < 12; ++in)
    for (int k = 1; k <= 5; ++k)
      for (int st = 1; st <= 3; ++st)
        for (int d = 1; d <= 2; ++d)
          for (int pb = 0; pb <= 2; ++pb)
            for (int pe = 0; pe <= 2; ++pe) {
              // Count the window positions that fit by hand.
              int64_t count = 0;
              for (int64_t start = 0; start + d * (k - 1) < in + pb + pe; start += st) ++count;
              EXPECT_EQ(conv_output_size(in, pb, pe, k, st, d), count == 0 ? -1 : count)
                  << in << " " << pb << " " << pe << " " << k << " " << st << " " << d;
            }
}

TEST(Conv2D, Pointwise1x1AllChannelPairs) {
  std::mt19937 rng(10);
  for (int ci : kChannels)
    for (int co : kChannels) {
      ConvTester t;
      t.batch(2).input_size(3, 4).kernel(1, 1).groups(1, ci, co)
          .input_zero_point(octet_test::random_zero_point(rng))
          .output_zero_point(octet_test::random_zero_point(rng))
          .per_channel(co % 2 == 1);
      t.run(rng);
    }
}

TEST(Conv2D, DepthwiseMultiplierOneAndTwo) {
  std::mt19937 rng(11);
  for (int c : kChannels)
    for (int mult : {1, 2})
      for (int k : {3, 5})
        for (int stride : {1, 2}) {
          ConvTester t;
          t.batch(2).input_size(7, 6).kernel(k, k).stride(stride, stride)
              .pads(k / 2, k / 2, k / 2 - (stride - 1), k / 2)
              .groups(c, 1, mult)
              .input_zero_point(octet_test::random_zero_point(rng))
              .output_zero_point(octet_test::random_zero_point(rng))
              .per_channel(c != 7);
          t.run(rng);
        }
}

TEST(Conv2D, GroupedConvolution) {
  std::mt19937 rng(12);
  for (int g : {2, 3, 4})
    for (int gi : {1, 2, 7, 8})
      for (int go : {1, 3, 8}) {
        ConvTester t;
        t.batch(1).input_size(5, 5).kernel(3, 3).pads(1, 0, 1, 2).groups(g, gi, go)
            .input_zero_point(octet_test::random_zero_point(rng))
            .output_zero_point(octet_test::random_zero_point(rng));
        t.run(rng);
      }
}

TEST(Conv2D, KernelShapesStridesDilations) {
  std::mt19937 rng(13);
  const int kernels[][2] = {{1, 1}, {3, 3}, {5, 5}, {1, 7}, {7, 1}, {2, 3}};
  for (const auto& k : kernels)
    for (int sh = 1; sh <= 3; ++sh)
      for (int d = 1; d <= 2; ++d) {
        ConvTester t;
        const int sw = 4 - sh;
        t.batch(2).input_size(9, 11).kernel(k[0], k[1]).stride(sh, sw).dilation(d, 3 - d)
            .pads(k[0] / 2, k[1] - 1, 0, k[1] / 2)
            .groups(1, 3, 5)
            .input_zero_point(octet_test::random_zero_point(rng))
            .output_zero_point(octet_test::random_zero_point(rng));
        if (t.valid()) t.run(rng);
      }
}

TEST(Conv2D, ExtremeZeroPointsAndValues) {
  std::mt19937 rng(14);
  for (int32_t zi : {-128, 127, 0})
    for (int32_t zo : {-128, 127, 0})
      for (bool extreme : {false, true}) {
        ConvTester t;
        t.batch(2).input_size(6, 5).kernel(3, 3).pads(2, 1, 0, 2).stride(1, 2)
            .groups(1, 17, 8).input_zero_point(zi).output_zero_point(zo)
            .extreme_values(extreme).multiplier_scale(extreme ? 0.05 : 1.0);
        t.run(rng);
      }
}

TEST(Conv2D, FusedClampRelu6AndCustom) {
  std::mt19937 rng(15);
  for (int i = 0; i < 20; ++i) {
    const int32_t zo = octet_test::uniform_int(rng, -128, 20);
    int32_t lo, hi;
    relu6_bounds(zo, octet_test::log_uniform(rng, 0.02, 0.2), &lo, &hi);
    if (i % 3 == 2) {
      lo = octet_test::uniform_int(rng, -128, 127);
      hi = octet_test::uniform_int(rng, lo, 127);
    }
    ConvTester t;
    t.batch(1).input_size(6, 6).kernel(3, 3).pads(1, 1, 1, 1).groups(1, 8, 16)
        .input_zero_point(octet_test::random_zero_point(rng)).output_zero_point(zo).clamp(lo, hi)
        .per_channel(i % 2 == 0);
    t.run(rng);
  }
}

TEST(Conv2D, NoBiasAndWindowsInPadding) {
  std::mt19937 rng(16);
  // 1x1 input with 2 pixels of padding each side and a 3x3 kernel: some windows see
  // only padding and must give zo + round(bias * M).
  for (bool bias : {false, true}) {
    ConvTester t;
    t.batch(2).input_size(1, 1).kernel(3, 3).pads(2, 2, 2, 2).groups(1, 4, 5)
        .input_zero_point(octet_test::random_zero_point(rng)).with_bias(bias);
    t.run(rng);
  }
}

TEST(Conv2D, TiesRoundHalfUp) {
  std::mt19937 rng(18);
  // Small accumulators and multipliers 1/2 .. 1/16: many exact ties, both signs.
  for (int i = 0; i < 40; ++i) {
    ConvTester t;
    t.batch(2).input_size(5, 5).kernel(1 + i % 3, 1 + i % 3).pads(1, 1, 0, 0)
        .groups(1, 1 + i % 4, 8).input_zero_point(octet_test::random_zero_point(rng))
        .output_zero_point(octet_test::random_zero_point(rng))
        .small_values(true).with_bias(i % 2 == 0);
    t.run(rng);
  }
}

TEST(Conv2D, RandomSweep) {
  std::mt19937 rng(17);
  const int kernels[][2] = {{1, 1}, {3, 3}, {5, 5}, {1, 7}, {7, 1}, {3, 1}, {2, 2}};
  int64_t interior = 0;
  int cases = 0;
  while (cases < 2500) {
    ConvTester t;
    const int kind = cases % 4;
    const int c = kChannels[octet_test::uniform_int(rng, 0, 8)];
    if (kind == 0) t.groups(1, c, kChannels[octet_test::uniform_int(rng, 0, 8)]);
    if (kind == 1) t.groups(c, 1, 1);
    if (kind == 2) t.groups(c, 1, 2);
    if (kind == 3) t.groups(octet_test::uniform_int(rng, 2, 4), octet_test::uniform_int(rng, 1, 9), octet_test::uniform_int(rng, 1, 9));
    const auto& k = kernels[octet_test::uniform_int(rng, 0, 6)];
    const int dh = octet_test::uniform_int(rng, 1, 2), dw = octet_test::uniform_int(rng, 1, 2);
    const int span_h = dh * (k[0] - 1) + 1, span_w = dw * (k[1] - 1) + 1;
    int32_t zo = octet_test::random_zero_point(rng), lo = -128, hi = 127;
    if (octet_test::uniform_int(rng, 0, 3) == 0) relu6_bounds(zo, 0.05, &lo, &hi);
    t.batch(octet_test::uniform_int(rng, 1, 2))
        .input_size(octet_test::uniform_int(rng, 1, 10), octet_test::uniform_int(rng, 1, 10))
        .kernel(k[0], k[1])
        .stride(octet_test::uniform_int(rng, 1, 3), octet_test::uniform_int(rng, 1, 3))
        .dilation(dh, dw)
        .pads(octet_test::uniform_int(rng, 0, span_h - 1), octet_test::uniform_int(rng, 0, span_w - 1),
              octet_test::uniform_int(rng, 0, span_h - 1), octet_test::uniform_int(rng, 0, span_w - 1))
        .input_zero_point(octet_test::random_zero_point(rng))
        .output_zero_point(zo).clamp(lo, hi)
        .per_channel(octet_test::uniform_int(rng, 0, 1) == 1)
        .with_bias(octet_test::uniform_int(rng, 0, 5) != 0)
        .power_of_two_multiplier(cases % 5 == 0)
        .splits(6);
    if (!t.valid() || t.macs() > 200000) continue;
    interior += t.run(rng);
    ++cases;
  }
  // The sweep exercises the rounding, not only the clamps.
  EXPECT_GT(interior, 400000);
}

}  // namespace
}  // namespace octet

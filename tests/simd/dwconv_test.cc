// Depthwise Conv2D (groups == in_c == out_c) through every SIMD path against the
// reference path, byte for byte at 1, 2 and 3 threads: channel counts around the
// 16- and 32-channel tiles, 3x3 and 5x5 windows, strides 1 and 2, symmetric and
// asymmetric pads, outputs that are all border (1x1 outputs, width 1, width below
// the window), batch 2, zero points at the ends of their range, clamps,
// per-tensor weights, no bias, and output scales on both sides of the 32-bit
// high-product requantization (every shift >= 33) and of the 64-bit one.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/kernel-table.h"
#include "runtime/cpu.h"
#include "tests/simd/conv_model.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

ConvCase depthwise(int channels, int k, int stride, int pad) {
  ConvCase c;
  c.in_c = c.out_c = c.groups = channels;
  c.kernel_h = c.kernel_w = k;
  c.stride_h = c.stride_w = stride;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = pad;
  return c;
}

void check(const ConvCase& c) { expect_same_bytes_on_every_path(conv_model(c), c.seed + 100, c.describe()); }

TEST(SimdDwConv, ChannelsWindowsStridesPads) {
  uint32_t seed = 1;
  for (int channels : {1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 96, 144}) {
    for (int k : {3, 5}) {
      for (int stride : {1, 2}) {
        for (int pad : {0, 1, 2}) {
          ConvCase c = depthwise(channels, k, stride, pad);
          c.in_h = 9;
          c.in_w = 11;
          c.seed = seed++;
          check(c);
        }
      }
    }
  }
}

TEST(SimdDwConv, AsymmetricPadsAndStrides) {
  uint32_t seed = 1000;
  struct P {
    int k, sh, sw, pt, pl, pb, pr;
  };
  const P cases[] = {{3, 2, 2, 0, 0, 1, 1}, {3, 2, 2, 1, 0, 0, 1}, {3, 1, 1, 0, 2, 1, 0}, {3, 1, 2, 2, 1, 0, 2},
                     {3, 2, 1, 1, 2, 2, 0}, {5, 2, 2, 1, 2, 2, 1}, {5, 1, 1, 0, 0, 4, 4}, {5, 1, 2, 4, 3, 0, 1},
                     {3, 3, 2, 1, 1, 1, 1}, {5, 3, 1, 2, 2, 2, 2}};
  for (const P& g : cases) {
    for (int channels : {5, 16, 40}) {
      ConvCase c = depthwise(channels, g.k, 1, 0);
      c.in_h = 10;
      c.in_w = 13;
      c.stride_h = g.sh;
      c.stride_w = g.sw;
      c.pad_top = g.pt;
      c.pad_left = g.pl;
      c.pad_bottom = g.pb;
      c.pad_right = g.pr;
      c.seed = seed++;
      check(c);
    }
  }
}

TEST(SimdDwConv, SmallOddSpatialSizes) {
  uint32_t seed = 2000;
  struct S {
    int h, w, k, stride, pad;
  };
  // 1x1 outputs, width 1, widths below the window with padding, one interior output.
  const S cases[] = {{1, 1, 3, 1, 1}, {3, 3, 3, 1, 0}, {5, 5, 5, 1, 0}, {1, 1, 5, 1, 2}, {7, 1, 3, 1, 1},
                     {1, 7, 3, 2, 1}, {2, 2, 3, 1, 1}, {4, 2, 5, 1, 2}, {3, 4, 5, 2, 2}, {6, 3, 3, 2, 1},
                     {5, 2, 3, 2, 1}, {2, 9, 5, 1, 2}, {1, 2, 3, 2, 1}};
  for (const S& g : cases) {
    for (int channels : {3, 32, 33}) {
      ConvCase c = depthwise(channels, g.k, g.stride, g.pad);
      c.in_h = g.h;
      c.in_w = g.w;
      c.seed = seed++;
      check(c);
    }
  }
}

TEST(SimdDwConv, BatchTwo) {
  uint32_t seed = 3000;
  for (int k : {3, 5}) {
    for (int stride : {1, 2}) {
      ConvCase c = depthwise(24, k, stride, k / 2);
      c.batch = 2;
      c.in_h = 7;
      c.in_w = 9;
      c.seed = seed++;
      check(c);
    }
  }
}

TEST(SimdDwConv, ZeroPointsClampsAndQuantization) {
  uint32_t seed = 4000;
  for (int32_t zin : {-128, 0, 127}) {
    for (int32_t zout : {-128, 0, 127}) {
      for (int k : {3, 5}) {
        ConvCase c = depthwise(17, k, 1, k / 2);
        c.input_zero_point = zin;
        c.output_zero_point = zout;
        c.seed = seed++;
        check(c);
      }
    }
  }
  for (auto [lo, hi] : {std::pair{-128, 127}, std::pair{0, 127}, std::pair{-20, 30}, std::pair{5, 5}}) {
    ConvCase c = depthwise(48, 3, 1, 1);
    c.qmin = lo;
    c.qmax = hi;
    c.output_zero_point = 0;
    c.seed = seed++;
    check(c);
  }
  for (int channels : {16, 33}) {
    ConvCase per_tensor = depthwise(channels, 3, 2, 1);
    per_tensor.per_channel = false;
    per_tensor.seed = seed++;
    check(per_tensor);
    ConvCase no_bias = depthwise(channels, 5, 1, 2);
    no_bias.bias = false;
    no_bias.seed = seed++;
    check(no_bias);
  }
  // Output scales: tiny (M large: small shifts, most outputs saturate), 1e-4 (shifts
  // 31-33 mixed: the 64-bit requantization), 4e-4 (shifts from 33: the high-product
  // one at its edge), huge (everything rounds to Z).
  for (float s : {1e-6f, 1e-4f, 4e-4f, 1e3f}) {
    for (bool per_channel : {true, false}) {
      ConvCase c = depthwise(40, 3, 1, 1);
      c.output_scale = s;
      c.per_channel = per_channel;
      c.seed = seed++;
      check(c);
    }
  }
}

TEST(SimdDwConv, EveryShiftAroundTheHighProductRange) {
  // Per-tensor multipliers from 2^-0.5 down to 2^-40 in half-octave steps: every
  // shift from 31 to 71 (62 with M0 = 0), so both edges of [33, 54] where the kernels
  // switch between the 64-bit and the high-product requantization.
  uint32_t seed = 4500;
  for (int h = 1; h <= 80; ++h) {
    ConvCase c = depthwise(20, 3, 1, 1);
    c.in_h = c.in_w = 5;
    c.per_channel = false;
    // M = 0.02 * S_w / S_out with S_w in [0.001, 0.005]; 0.02 * 0.003 / S_out = 2^(-h/2).
    c.output_scale = static_cast<float>(0.02 * 0.003 * std::pow(2.0, h / 2.0));
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdDwConv, MobileNetLikeLayers) {
  uint32_t seed = 5000;
  struct L {
    int hw, c, stride;
  };
  for (const L& l : {L{28, 32, 1}, L{28, 96, 2}, L{14, 144, 1}, L{14, 144, 2}, L{7, 960, 1}}) {
    ConvCase c = depthwise(l.c, 3, l.stride, 1);
    c.in_h = c.in_w = l.hw;
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdDwConv, OtherLayersFallBackToTheReference) {
  // Dilation 2, a 7x7 window, a 3x5 window, stride 3 across: the reference runs them.
  uint32_t seed = 6000;
  ConvCase dil = depthwise(16, 3, 1, 2);
  dil.dilation_h = dil.dilation_w = 2;
  ConvCase k7 = depthwise(16, 7, 1, 3);
  ConvCase k35 = depthwise(16, 3, 1, 1);
  k35.kernel_w = 5;
  k35.pad_left = k35.pad_right = 2;
  ConvCase s3 = depthwise(16, 3, 3, 1);
  for (ConvCase* c : {&dil, &k7, &k35, &s3}) {
    c->seed = seed++;
    check(*c);
    const auto file = conv_model(*c);
    for (auto p : runnable_kernel_paths()) {
      std::shared_ptr<const octet::rt::Model> m;
      ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
      EXPECT_STREQ(m->operators()[0]->kernel, "qs8_conv2d__reference") << c->describe();
    }
  }
}

TEST(SimdDwConv, KernelNamesFollowThePath) {
  for (int k : {3, 5}) {
    const auto file = conv_model(depthwise(32, k, 1, k / 2));
    for (auto p : runnable_kernel_paths()) {
      std::shared_ptr<const octet::rt::Model> m;
      ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
      const octet::QS8DwConvConfig& dw = octet::kernel_table(p).dwconv;
      const char* want = dw.name == nullptr ? "qs8_conv2d__reference" : k == 3 ? dw.k3x3.name : dw.k5x5.name;
      EXPECT_STREQ(m->operators()[0]->kernel, want) << octet::kernel_path_name(p);
      if (p != octet::KernelPath::kReference) {
        EXPECT_NE(dw.name, nullptr) << octet::kernel_path_name(p);
      }
    }
  }
}

}  // namespace
}  // namespace octet_test

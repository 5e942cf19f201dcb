// Conv2D (groups 1) and FullyConnected through every GEMM path against the
// reference path, byte for byte at 1, 2 and 3 threads: K below, at and above the
// k group and the tiles, N not a multiple of the tile, rows not a multiple of MR,
// 1x1 direct and im2col layers, strides, dilations, asymmetric pads, zero points
// at the ends of their range, clamps, per-tensor weights, no bias, the bias bound.
#include <gtest/gtest.h>

#include "kernels/kernel-table.h"
#include "octet/octet.h"
#include "runtime/cpu.h"
#include "tests/simd/conv_model.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

// Winograd off: 3x3 stride-1 cases test the GEMM here (winograd_test.cc tests the
// other form), whichever form the load would measure faster.
void check(const ConvCase& c) {
  expect_same_bytes_on_every_path(conv_model(c), c.seed + 100, c.describe(), OCTET_WINOGRAD_OFF);
}
void check(const FcCase& c) { expect_same_bytes_on_every_path(fc_model(c), c.seed + 100, c.describe()); }

TEST(SimdGemm, PathsThisMachineRuns) {
  // Not a check of the CPU: a record, in the test log, of what the other tests covered.
  std::string paths;
  for (auto p : runnable_kernel_paths()) paths += std::string(" ") + octet::kernel_path_name(p);
  std::printf("kernel paths run here:%s\n", paths.c_str());
  EXPECT_EQ(runnable_kernel_paths().front(), octet::KernelPath::kReference);
}

TEST(SimdGemm, OneByOneDirectSweepsKAndN) {
  uint32_t seed = 1;
  for (int k : {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100}) {
    for (int n : {1, 7, 15, 16, 17, 31, 32, 33, 48, 65}) {
      ConvCase c;
      c.in_h = 3;
      c.in_w = 5;  // 15 rows: not a multiple of 4 or 8
      c.in_c = k;
      c.out_c = n;
      c.kernel_h = c.kernel_w = 1;
      c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 0;
      c.seed = seed++;
      check(c);
    }
  }
}

TEST(SimdGemm, RowsAroundTheTile) {
  uint32_t seed = 500;
  for (int rows : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 64, 129}) {
    ConvCase c;
    c.in_h = 1;
    c.in_w = rows;
    c.in_c = 24;
    c.out_c = 40;
    c.kernel_h = c.kernel_w = 1;
    c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 0;
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdGemm, Im2colGeometry) {
  uint32_t seed = 1000;
  struct G {
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  };
  const G geoms[] = {{3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1, 0, 0, 1, 1},
                     {1, 1, 2, 2, 1, 1, 0, 0, 0, 0}, {5, 5, 1, 1, 1, 1, 2, 2, 2, 2}, {7, 7, 2, 2, 1, 1, 3, 3, 3, 3},
                     {3, 3, 1, 1, 2, 2, 2, 2, 2, 2}, {1, 3, 1, 1, 1, 1, 0, 1, 0, 1}, {3, 1, 1, 2, 1, 1, 1, 0, 1, 0},
                     {1, 1, 1, 1, 1, 1, 1, 0, 0, 1}, {2, 2, 2, 2, 1, 1, 0, 0, 0, 0}, {3, 3, 1, 1, 1, 1, 0, 0, 0, 0}};
  for (const G& g : geoms) {
    for (int cin : {1, 3, 4, 8, 13}) {
      for (int cout : {5, 16, 33}) {
        ConvCase c;
        c.in_h = 9;
        c.in_w = 7;
        c.in_c = cin;
        c.out_c = cout;
        c.kernel_h = g.kh;
        c.kernel_w = g.kw;
        c.stride_h = g.sh;
        c.stride_w = g.sw;
        c.dilation_h = g.dh;
        c.dilation_w = g.dw;
        c.pad_top = g.pt;
        c.pad_left = g.pl;
        c.pad_bottom = g.pb;
        c.pad_right = g.pr;
        c.seed = seed++;
        check(c);
      }
    }
  }
}

TEST(SimdGemm, BatchAndPaddingLargerThanKernelRows) {
  ConvCase c;
  c.batch = 3;
  c.in_h = 4;
  c.in_w = 3;
  c.in_c = 6;
  c.out_c = 20;
  c.pad_top = 2;
  c.pad_bottom = 2;
  c.pad_left = 0;
  c.pad_right = 2;
  c.seed = 77;
  check(c);
}

TEST(SimdGemm, ZeroPointsClampsAndQuantization) {
  uint32_t seed = 2000;
  for (int32_t zin : {-128, -1, 0, 127}) {
    for (int32_t zout : {-128, 0, 127}) {
      ConvCase c;
      c.in_c = 11;
      c.out_c = 19;
      c.input_zero_point = zin;
      c.output_zero_point = zout;
      c.seed = seed++;
      check(c);
    }
  }
  for (auto [lo, hi] : {std::pair{-128, 127}, std::pair{0, 127}, std::pair{-20, 30}, std::pair{5, 5}}) {
    ConvCase c;
    c.in_c = 16;
    c.out_c = 32;
    c.qmin = lo;
    c.qmax = hi;
    c.output_zero_point = 0;
    c.seed = seed++;
    check(c);
  }
  ConvCase per_tensor;
  per_tensor.per_channel = false;
  per_tensor.seed = seed++;
  check(per_tensor);
  ConvCase no_bias;
  no_bias.bias = false;
  no_bias.seed = seed++;
  check(no_bias);
  // A tiny output scale: most outputs saturate; a huge one: all round to Z. Between:
  // multipliers around 1/2 put some channels' shifts below 32 and some at or above
  // (the kernels' two epilogues), and 1/4 <= M < 1/2 gives shift 32 exactly.
  for (float s : {1e-6f, 6e-5f, 1e-4f, 1.3e-4f, 2e-4f, 1e3f}) {
    ConvCase c;
    c.output_scale = s;
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdGemm, LargeLayersCrossChunksAndBlocks) {
  // K x N beyond the column chunk, rows beyond the row block (ResNet-like shapes, small).
  ConvCase c;
  c.in_h = 14;
  c.in_w = 14;
  c.in_c = 256;
  c.out_c = 160;
  c.seed = 3000;
  check(c);
  ConvCase d;
  d.in_h = d.in_w = 7;
  d.in_c = 1024;
  d.out_c = 96;
  d.kernel_h = d.kernel_w = 1;
  d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 0;
  d.seed = 3001;
  check(d);
  // Layers of a few million MACs run on the pool (smaller ones on the calling thread):
  // odd geometry there too.
  ConvCase e;
  e.in_h = 31;
  e.in_w = 29;
  e.in_c = 35;
  e.out_c = 49;
  e.stride_h = e.stride_w = 2;
  e.pad_top = 0;
  e.pad_left = 1;
  e.pad_bottom = 2;
  e.pad_right = 1;
  e.seed = 3002;
  check(e);
}

// 1x1 depthwise (per-channel multiply-add) is not a GEMM but lives beside the
// pointwise layers it replaces (a standalone BatchNorm).
TEST(SimdDwConv1x1, ChannelsAndQuantization) {
  uint32_t seed = 6000;
  for (int ch : {1, 7, 8, 15, 16, 17, 24, 33, 64}) {
    for (int32_t zin : {-128, 4, 127}) {
      ConvCase c;
      c.batch = 2;
      c.in_h = 5;
      c.in_w = 3;
      c.in_c = c.out_c = c.groups = ch;
      c.kernel_h = c.kernel_w = 1;
      c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 0;
      c.input_zero_point = zin;
      c.seed = seed++;
      check(c);
    }
  }
  ConvCase big;  // threaded
  big.in_h = 64;
  big.in_w = 64;
  big.in_c = big.out_c = big.groups = 24;
  big.kernel_h = big.kernel_w = 1;
  big.pad_top = big.pad_left = big.pad_bottom = big.pad_right = 0;
  big.qmin = -10;
  big.qmax = 40;
  big.output_zero_point = 0;
  big.seed = seed++;
  check(big);
  for (float s : {1e-6f, 3e-5f, 1e3f}) {
    ConvCase c;
    c.in_c = c.out_c = c.groups = 40;
    c.kernel_h = c.kernel_w = 1;
    c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 0;
    c.output_scale = s;
    c.seed = seed++;
    check(c);
  }
  ConvCase c;
  c.in_c = c.out_c = c.groups = 16;
  c.kernel_h = c.kernel_w = 1;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 0;
  const auto file = conv_model(c);
  for (auto p : runnable_kernel_paths()) {
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
    const char* want = octet::kernel_table(p).dwconv1x1.name;
    EXPECT_STREQ(m->operators()[0]->kernel, want != nullptr ? want : "qs8_conv2d__reference");
  }
}

TEST(SimdGemm, FullyConnected) {
  uint32_t seed = 4000;
  for (int rows : {1, 2, 5, 9}) {
    for (int k : {1, 3, 4, 17, 64, 1280}) {
      for (int n : {1, 10, 32, 33, 1000}) {
        if (k * n > 300000 && rows > 2) continue;
        FcCase c;
        c.rows = rows;
        c.k = k;
        c.n = n;
        c.seed = seed++;
        check(c);
      }
    }
  }
}

TEST(SimdGemm, KernelNamesFollowThePath) {
  ConvCase c;
  const auto file = conv_model(c);
  for (auto p : runnable_kernel_paths()) {
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p), OCTET_WINOGRAD_OFF).ok());
    EXPECT_EQ(m->kernel_path(), p);
    const char* want = octet::kernel_table(p).gemm.name;
    EXPECT_STREQ(m->operators()[0]->kernel, want != nullptr ? want : "qs8_conv2d__reference");
  }
}

TEST(SimdGemm, UnknownOrUnsupportedPathIsRefused) {
  ConvCase c;
  const auto file = conv_model(c);
  std::shared_ptr<const octet::rt::Model> m;
  const auto st = load_exact(file.data(), file.size(), &m, "sse9");
  EXPECT_EQ(st.code(), OCTET_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("not a kernel path"), std::string::npos) << st.message();
  for (int i = 0; i < octet::kKernelPathCount; ++i) {
    const auto p = static_cast<octet::KernelPath>(i);
    if (octet::rt::kernel_path_supported(p)) continue;
    const auto s2 = load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p));
    EXPECT_EQ(s2.code(), OCTET_UNSUPPORTED) << s2.message();
  }
}

}  // namespace
}  // namespace octet_test

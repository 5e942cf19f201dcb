// float Conv2D and FullyConnected through every SIMD path against the reference
// path, byte for byte (tolerance 0) at 1, 2 and 3 threads: input and output channel
// counts around the 8-, 16- and 32-lane blocks, 1x1 to 5x5 and non-square windows,
// strides 1-3, dilation, symmetric and asymmetric pads (pixels whose every tap is
// padding), odd spatial sizes around the 6- and 8-pixel tiles, batch 2, clamps,
// with and without bias (and biases of -0, which a wrongly added +0 product would
// turn into +0); depthwise layers, and grouped layers (the reference kernel).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/kernel-table.h"
#include "kernels/reference/conv-shape.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> random_values(std::mt19937& rng, size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

struct F32Conv {
  int batch = 1, in_h = 9, in_w = 11, in_c = 8, out_c = 8;
  int kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_top = 1, pad_left = 1, pad_bottom = 1, pad_right = 1;
  int groups = 1;
  bool bias = true;
  bool negative_zero_bias = false;  // every bias -0
  float lo = -kInf, hi = kInf;
  uint32_t seed = 1;

  std::string describe() const {
    std::ostringstream s;
    s << "f32 conv n" << batch << " " << in_h << "x" << in_w << "x" << in_c << " -> " << out_c << " k" << kernel_h
      << "x" << kernel_w << " s" << stride_h << "x" << stride_w << " d" << dilation_h << "x" << dilation_w << " pad "
      << pad_top << "," << pad_left << "," << pad_bottom << "," << pad_right << " g" << groups
      << (bias ? (negative_zero_bias ? " bias -0" : "") : " no-bias") << " clamp [" << lo << "," << hi << "] seed "
      << seed;
    return s.str();
  }
};

std::vector<uint8_t> conv_model(const F32Conv& c) {
  const int64_t oh = octet::conv_output_size(c.in_h, c.pad_top, c.pad_bottom, c.kernel_h, c.stride_h, c.dilation_h);
  const int64_t ow = octet::conv_output_size(c.in_w, c.pad_left, c.pad_right, c.kernel_w, c.stride_w, c.dilation_w);
  EXPECT_TRUE(oh > 0 && ow > 0) << c.describe();
  if (oh <= 0 || ow <= 0) return {};
  std::mt19937 rng(c.seed);
  const int group_in = c.in_c / c.groups;
  const std::vector<float> wv =
      random_values(rng, static_cast<size_t>(c.out_c) * c.kernel_h * c.kernel_w * group_in, -1.0f, 1.0f);
  std::vector<float> bv = random_values(rng, static_cast<size_t>(c.out_c), -2.0f, 2.0f);
  if (c.negative_zero_bias) std::fill(bv.begin(), bv.end(), -0.0f);
  octet::ModelWriter w;
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {c.batch, c.in_h, c.in_w, c.in_c});
  w.add_input("x", x);
  const int wt = w.add_constant("w", fb::ElementType::FLOAT32, {c.out_c, c.kernel_h, c.kernel_w, group_in}, wv.data(),
                                wv.size() * 4);
  std::vector<int> ins{x, wt};
  if (c.bias) ins.push_back(w.add_constant("b", fb::ElementType::FLOAT32, {c.out_c}, bv.data(), bv.size() * 4));
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {c.batch, static_cast<int>(oh), static_cast<int>(ow), c.out_c});
  const fb::FloatClamp fc(c.lo, c.hi);
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateConv2DOptions(f, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w, c.pad_top, c.pad_left,
                                       c.pad_bottom, c.pad_right, c.groups, 0, &fc)
            .Union();
      },
      ins, {y}, "conv");
  w.add_output("y", y);
  return w.finish();
}

struct F32Fc {
  int rows = 1, k = 16, n = 16;
  bool bias = true;
  float lo = -kInf, hi = kInf;
  uint32_t seed = 1;
  std::string describe() const {
    std::ostringstream s;
    s << "f32 fc " << rows << "x" << k << " -> " << n << (bias ? "" : " no-bias") << " clamp [" << lo << "," << hi
      << "] seed " << seed;
    return s.str();
  }
};

std::vector<uint8_t> fc_model(const F32Fc& c) {
  std::mt19937 rng(c.seed);
  const std::vector<float> wv = random_values(rng, static_cast<size_t>(c.n) * c.k, -1.0f, 1.0f);
  const std::vector<float> bv = random_values(rng, static_cast<size_t>(c.n), -2.0f, 2.0f);
  octet::ModelWriter w;
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {c.rows, c.k});
  w.add_input("x", x);
  const int wt = w.add_constant("w", fb::ElementType::FLOAT32, {c.n, c.k}, wv.data(), wv.size() * 4);
  std::vector<int> ins{x, wt};
  if (c.bias) ins.push_back(w.add_constant("b", fb::ElementType::FLOAT32, {c.n}, bv.data(), bv.size() * 4));
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {c.rows, c.n});
  const fb::FloatClamp fcl(c.lo, c.hi);
  w.add_operator(
      fb::OperatorOptions::FullyConnectedOptions,
      [&](flatbuffers::FlatBufferBuilder& f) { return fb::CreateFullyConnectedOptions(f, 0, &fcl).Union(); }, ins, {y},
      "fc");
  w.add_output("y", y);
  return w.finish();
}

// The kernel the path's load chose for the model's one operator.
std::string kernel_of(const std::vector<uint8_t>& file, octet::KernelPath p) {
  std::shared_ptr<const octet::rt::Model> m;
  const octet::rt::Status st = load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p));
  EXPECT_TRUE(st.ok()) << st.message();
  return st.ok() ? m->operators()[0]->kernel : "";
}

void check(const F32Conv& c) {
  const auto file = conv_model(c);
  EXPECT_GT(expect_same_bytes_on_every_path(file, c.seed + 100, c.describe()), 0) << c.describe();
}

void check(const F32Fc& c) {
  const auto file = fc_model(c);
  EXPECT_GT(expect_same_bytes_on_every_path(file, c.seed + 100, c.describe()), 0) << c.describe();
}

// Paths with float kernels of their own; where there are none (the ARM paths so
// far), every path runs the reference and there is nothing to compare.
bool any_float_kernels() {
  for (auto p : runnable_kernel_paths())
    if (octet::kernel_table(p).f32conv.gemm != nullptr) return true;
  return false;
}

#define SKIP_WITHOUT_FLOAT_KERNELS() \
  if (!any_float_kernels()) GTEST_SKIP() << "no path of this CPU has float kernels: all run the reference"

TEST(SimdF32Conv, ChannelsAroundTheBlocks) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 1;
  for (int in_c : {1, 3, 17}) {
    for (int out_c : {1, 5, 8, 16, 17, 31, 32, 33, 47, 70}) {
      for (int k : {1, 3}) {
        F32Conv c;
        c.in_c = in_c;
        c.out_c = out_c;
        c.kernel_h = c.kernel_w = k;
        c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = k / 2;
        c.seed = seed++;
        check(c);
      }
    }
  }
}

TEST(SimdF32Conv, WindowsStridesDilationsPads) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 1000;
  struct G {
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  };
  const G cases[] = {{3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {3, 3, 1, 2, 1, 1, 0, 1, 1, 0}, {5, 5, 1, 1, 1, 1, 2, 2, 2, 2},
                     {5, 5, 2, 1, 1, 1, 0, 3, 4, 1}, {2, 3, 1, 1, 1, 1, 0, 1, 1, 1}, {1, 7, 1, 1, 1, 1, 0, 3, 0, 3},
                     {7, 1, 1, 1, 1, 1, 3, 0, 3, 0}, {3, 3, 1, 1, 2, 2, 2, 2, 2, 2}, {3, 3, 2, 3, 2, 1, 1, 0, 2, 1},
                     {3, 3, 3, 3, 1, 1, 0, 0, 0, 0}, {1, 1, 2, 2, 1, 1, 0, 0, 0, 0}, {3, 3, 1, 1, 1, 1, 4, 4, 4, 4},
                     {4, 4, 1, 2, 1, 2, 3, 3, 3, 3}};
  for (const G& g : cases) {
    for (int in_c : {2, 16}) {
      for (int out_c : {7, 33}) {
        F32Conv c;
        c.in_c = in_c;
        c.out_c = out_c;
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

TEST(SimdF32Conv, OddSizesBatchClampsBias) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 2000;
  // Widths around the 6- and 8-pixel tiles (interior runs of 1..17 pixels).
  for (int w : {1, 2, 5, 6, 7, 8, 9, 13, 14, 19}) {
    F32Conv c;
    c.in_h = 3;
    c.in_w = w;
    c.in_c = 5;
    c.out_c = 20;
    c.seed = seed++;
    check(c);
  }
  F32Conv b;
  b.batch = 2;
  b.in_c = 9;
  b.out_c = 40;
  b.seed = seed++;
  check(b);
  for (auto [lo, hi] : {std::pair{-1.0f, 1.0f}, std::pair{0.0f, kInf}, std::pair{0.0f, 6.0f}, std::pair{0.5f, 0.5f}}) {
    F32Conv c;
    c.out_c = 19;
    c.lo = lo;
    c.hi = hi;
    c.seed = seed++;
    check(c);
  }
  for (bool negative_zero : {false, true}) {
    F32Conv c;
    c.bias = !negative_zero ? false : true;
    c.negative_zero_bias = negative_zero;
    c.kernel_h = c.kernel_w = 3;
    c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 4;  // pixels with no tap in the image
    c.in_h = c.in_w = 3;
    c.out_c = 21;
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdF32Conv, LargerLayers) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 3000;
  F32Conv a;  // 1x1, K = 64
  a.in_h = a.in_w = 10;
  a.in_c = 64;
  a.out_c = 64;
  a.kernel_h = a.kernel_w = 1;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 0;
  a.seed = seed++;
  check(a);
  F32Conv b;  // 3x3, K = 3 * 3 * 40
  b.in_h = b.in_w = 12;
  b.in_c = 40;
  b.out_c = 72;
  b.seed = seed++;
  check(b);
}

TEST(SimdF32Conv, Depthwise) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 4000;
  for (int ch : {1, 7, 8, 15, 16, 17, 31, 32, 33, 48, 70}) {
    for (int k : {3, 5}) {
      for (int stride : {1, 2}) {
        F32Conv c;
        c.in_c = c.out_c = c.groups = ch;
        c.kernel_h = c.kernel_w = k;
        c.stride_h = c.stride_w = stride;
        c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = k / 2;
        c.seed = seed++;
        check(c);
      }
    }
  }
  struct G {
    int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, h, w;
  };
  const G cases[] = {{3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 10, 13}, {3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 9, 9},
                     {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 5, 6},   {2, 3, 1, 3, 1, 1, 1, 0, 0, 2, 7, 8},
                     {3, 3, 1, 1, 1, 1, 4, 4, 4, 4, 2, 3},   {5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1},
                     {3, 1, 3, 1, 1, 2, 1, 0, 1, 0, 7, 5},   {7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 4, 4}};
  for (const G& g : cases) {
    for (int ch : {5, 32, 40}) {
      F32Conv c;
      c.in_c = c.out_c = c.groups = ch;
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
      c.in_h = g.h;
      c.in_w = g.w;
      c.seed = seed++;
      check(c);
    }
  }
  for (int variant = 0; variant < 4; ++variant) {
    F32Conv c;
    c.in_c = c.out_c = c.groups = 37;
    c.batch = variant == 0 ? 2 : 1;
    c.bias = variant != 1;
    c.negative_zero_bias = variant == 3;
    if (variant == 2) {
      c.lo = 0;
      c.hi = 6;
    }
    if (variant == 3) c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 3;
    c.seed = seed++;
    check(c);
  }
}

TEST(SimdF32Conv, GroupedUsesTheReference) {
  F32Conv c;
  c.in_c = 8;
  c.out_c = 12;
  c.groups = 2;
  c.seed = 5000;
  check(c);
  for (auto p : runnable_kernel_paths()) EXPECT_EQ(kernel_of(conv_model(c), p), "f32_conv2d__reference");
}

TEST(SimdF32FullyConnected, RowsDepthsWidths) {
  SKIP_WITHOUT_FLOAT_KERNELS();
  uint32_t seed = 6000;
  for (int rows : {1, 5, 7, 9, 13}) {
    for (int k : {1, 17, 100}) {
      for (int n : {1, 7, 16, 17, 33, 100}) {
        F32Fc c;
        c.rows = rows;
        c.k = k;
        c.n = n;
        c.bias = (seed % 3) != 0;
        c.seed = seed++;
        check(c);
      }
    }
  }
  for (auto [lo, hi] : {std::pair{-1.0f, 1.0f}, std::pair{0.0f, kInf}}) {
    F32Fc c;
    c.rows = 3;
    c.k = 40;
    c.n = 50;
    c.lo = lo;
    c.hi = hi;
    c.seed = seed++;
    check(c);
  }
  F32Fc big;  // many column chunks for the threads
  big.rows = 1;
  big.k = 320;
  big.n = 1000;
  big.seed = seed++;
  check(big);
}

TEST(SimdF32Conv, KernelNamesFollowThePath) {
  F32Conv conv;
  F32Conv dw;
  dw.in_c = dw.out_c = dw.groups = 16;
  F32Fc fc;
  for (auto p : runnable_kernel_paths()) {
    const octet::F32ConvConfig& k = octet::kernel_table(p).f32conv;
    // The reference path, and the ARM paths (no float kernels yet), run the reference.
    if (p == octet::KernelPath::kReference || k.gemm == nullptr) {
      if (p == octet::KernelPath::kReference) EXPECT_EQ(k.gemm, nullptr);
#if defined(__x86_64__) || defined(_M_X64)
      EXPECT_EQ(p, octet::KernelPath::kReference) << "an x86 path without float kernels";
#endif
      EXPECT_EQ(kernel_of(conv_model(conv), p), "f32_conv2d__reference");
      EXPECT_EQ(kernel_of(conv_model(dw), p), "f32_conv2d__reference");
      EXPECT_EQ(kernel_of(fc_model(fc), p), "f32_fully_connected__reference");
      continue;
    }
    ASSERT_NE(k.gemm_name, nullptr) << octet::kernel_path_name(p);
    EXPECT_EQ(kernel_of(conv_model(conv), p), k.gemm_name);
    EXPECT_EQ(kernel_of(conv_model(dw), p), k.dw_name);
    EXPECT_EQ(kernel_of(fc_model(fc), p), k.gemm_name);
  }
}

}  // namespace
}  // namespace octet_test

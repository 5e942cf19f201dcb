// Cross-layer equalization (converter/passes/equalize.cc) and bias correction
// (converter/calib/bias_correction.cc): the float function is kept, the INT8
// model gets closer to float on models built to show each effect, and
// pre-quantized models are left alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "converter/calib/bias_correction.h"
#include "converter/float/float_executor.h"
#include "converter/io/npy.h"
#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/pipeline/convert.h"
#include "octet/octet.h"
#include "tests/converter/onnx_builder.h"

namespace octet::cvt {
namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/octet_equalize_test_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

Tensor random_tensor(const std::vector<int64_t>& shape, float lo, float hi, std::mt19937& rng) {
  Tensor t(DType::kFloat32, shape);
  std::uniform_real_distribution<float> d(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// Uniform weights in [-1, 1] times a factor per output channel (axis 0) and per
// input channel (axis 1).
std::vector<float> scaled_weights(const std::vector<int64_t>& shape, const std::vector<float>& out_mul,
                                  const std::vector<float>& in_mul, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  const int64_t per_out = n / shape[0], per_in = per_out / shape[1];
  std::vector<float> w(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t o = i / per_out, c = (i % per_out) / per_in;
    w[i] = d(rng) * (out_mul.empty() ? 1.0f : out_mul[o]) * (in_mul.empty() ? 1.0f : in_mul[c]);
  }
  return w;
}

std::vector<float> spread(size_t n, float lo, float hi) {  // log-spaced, lo .. hi
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = lo * std::pow(hi / lo, static_cast<float>(i) / static_cast<float>(n - 1));
  return v;
}

std::vector<float> run_float(const Graph& g, const std::string& input, const Tensor& x, const std::string& out) {
  FloatExecutor ex(g);
  std::map<std::string, Tensor> outs;
  std::string e;
  EXPECT_TRUE(ex.run({{input, x}}, &outs, &e)) << e;
  return outs[out].to_floats();
}

std::vector<float> run_octet(const std::string& path, const Tensor& in, size_t n_out) {
  octet_model* m = nullptr;
  char err[256];
  EXPECT_EQ(octet_model_load_file(path.c_str(), &m, err, sizeof err), OCTET_OK) << err;
  octet_session_options o;
  octet_session_options_init(&o);
  octet_session* s = nullptr;
  EXPECT_EQ(octet_session_create(m, &o, &s, err, sizeof err), OCTET_OK) << err;
  octet_model_release(m);
  EXPECT_EQ(octet_session_set_input_float(s, 0, in.data<float>(), static_cast<size_t>(in.numel())), OCTET_OK);
  EXPECT_EQ(octet_session_invoke(s), OCTET_OK) << octet_session_last_error(s);
  std::vector<float> out(n_out);
  EXPECT_EQ(octet_session_get_output_float(s, 0, out.data(), out.size()), OCTET_OK);
  octet_session_release(s);
  return out;
}

double sqnr_db(const std::vector<float>& ref, const std::vector<float>& got) {
  double s = 0, e = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    s += static_cast<double>(ref[i]) * ref[i];
    e += (static_cast<double>(ref[i]) - got[i]) * (static_cast<double>(ref[i]) - got[i]);
  }
  return 10.0 * std::log10(s / std::max(e, 1e-30));
}

void write_samples(const std::string& dir, const std::vector<int64_t>& shape, float lo, float hi, int n, uint32_t seed) {
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  std::mt19937 rng(seed);
  std::string e;
  for (int i = 0; i < n; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/sample_%02d.npy", i);
    ASSERT_TRUE(write_npy(dir + name, random_tensor(shape, lo, hi, rng), &e)) << e;
  }
}

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// conv(pad, bias) -> Relu -> depthwise(pad, stride 2, bias) -> Relu -> 1x1 -> 3x3 conv
// (no activation) -> LeakyRelu -> 1x1 -> Clip(0, 6) -> 1x1. Weights with channel
// ranges far apart, so equalization moves them a lot. The Clip pair is not
// positively homogeneous and must be left alone.
OnnxBuilder chain_model() {
  std::mt19937 rng(21);
  OnnxBuilder b(13);
  b.input("x", {1, 4, 12, 12});
  b.constant("w1", {8, 4, 3, 3}, scaled_weights({8, 4, 3, 3}, spread(8, 0.05f, 5.0f), {}, rng));
  b.weight("b1", {8}, -0.5f, 0.5f);
  OnnxBuilder::ints(b.node("Conv", {"x", "w1", "b1"}, "c1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, "r1");
  b.constant("wd", {8, 1, 3, 3}, scaled_weights({8, 1, 3, 3}, spread(8, 3.0f, 0.03f), {}, rng));
  b.weight("bd", {8}, -0.5f, 0.5f);
  auto* dw = b.node("Conv", {"r1", "wd", "bd"}, "dw");
  OnnxBuilder::integer(dw, "group", 8);
  OnnxBuilder::ints(dw, "pads", {1, 1, 1, 1});
  OnnxBuilder::ints(dw, "strides", {2, 2});
  b.node("Relu", {"dw"}, "r2");
  b.constant("wp", {6, 8, 1, 1}, scaled_weights({6, 8, 1, 1}, {}, spread(8, 0.1f, 10.0f), rng));
  b.weight("bp", {6}, -0.5f, 0.5f);
  b.node("Conv", {"r2", "wp", "bp"}, "pw");
  b.constant("w2", {5, 6, 3, 3}, scaled_weights({5, 6, 3, 3}, spread(5, 0.2f, 2.0f), spread(6, 4.0f, 0.25f), rng));
  b.weight("b2", {5}, -0.5f, 0.5f);
  OnnxBuilder::ints(b.node("Conv", {"pw", "w2", "b2"}, "c2"), "pads", {1, 1, 1, 1});
  b.node("LeakyRelu", {"c2"}, "l2");
  b.constant("w3", {4, 5, 1, 1}, scaled_weights({4, 5, 1, 1}, spread(4, 0.1f, 1.0f), spread(5, 0.1f, 3.0f), rng));
  b.node("Conv", {"l2", "w3"}, "c3");
  b.constant("zero", {}, {0.0f});
  b.constant("six", {}, {6.0f});
  b.node("Clip", {"c3", "zero", "six"}, "k3");
  b.constant("w4", {3, 4, 1, 1}, scaled_weights({3, 4, 1, 1}, {}, spread(4, 0.1f, 10.0f), rng));
  b.node("Conv", {"k3", "w4"}, "y");
  b.output("y");
  return b;
}

const Node* node_named(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

TEST(Equalize, KeepsTheFloatFunctionAndBalancesChannelRanges) {
  const Graph before = import_and_simplify(chain_model());
  Graph after = before;
  std::vector<std::string> log;
  std::string e;
  ASSERT_TRUE(equalize_cross_layer(&after, &log, &e)) << e;
  ASSERT_EQ(log.size(), 1u);
  std::printf("%s\n", log[0].c_str());
  // c1->dw, dw->pw, pw->c2, c2->c3 (LeakyRelu); not c3->y across the Clip.
  EXPECT_NE(log[0].find(" 4 of 4 Conv pairs"), std::string::npos) << log[0];
  const Node* y = node_named(after, "y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->inputs[1], "w4");
  // Balanced: for dw -> pw, max|W_dw[c]| == max|W_pw[:, c]| per channel.
  const Tensor* wd = after.constant(node_named(after, "dw")->inputs[1]);
  const Tensor* wp = after.constant(node_named(after, "pw")->inputs[1]);
  ASSERT_TRUE(wd && wp);
  for (int64_t c = 0; c < 8; ++c) {
    double r1 = 0, r2 = 0;
    for (int64_t k = 0; k < 9; ++k) r1 = std::max(r1, std::fabs(wd->get_f(c * 9 + k)));
    for (int64_t o = 0; o < 6; ++o) r2 = std::max(r2, std::fabs(wp->get_f(o * 8 + c)));
    EXPECT_NEAR(r1 / r2, 1.0, 2e-3) << "channel " << c;
  }
  // ... which the source weights were far from.
  const Tensor* wd0 = before.constant(node_named(before, "dw")->inputs[1]);
  double moved = 0;
  for (int64_t i = 0; i < wd0->numel(); ++i) moved = std::max(moved, std::fabs(wd->get_f(i) / wd0->get_f(i) - 1.0));
  EXPECT_GT(moved, 1.0);
  // Same outputs, up to float rounding.
  std::mt19937 rng(4);
  for (int i = 0; i < 4; ++i) {
    const Tensor x = random_tensor({1, 4, 12, 12}, -2.0f, 2.0f, rng);
    const auto ref = run_float(before, "x", x, "y");
    const auto got = run_float(after, "x", x, "y");
    ASSERT_EQ(ref.size(), got.size());
    double peak = 0, err = 0;
    for (size_t k = 0; k < ref.size(); ++k) {
      peak = std::max(peak, std::fabs(static_cast<double>(ref[k])));
      err = std::max(err, std::fabs(static_cast<double>(ref[k]) - got[k]));
    }
    EXPECT_LT(err, 1e-5 * peak) << "sample " << i;
  }
}

// Depthwise 3x3 -> Relu -> 1x1, as after BatchNorm folding in a trained network:
// the depthwise channels' ranges differ by 100x and the 1x1 conv compensates, so
// every channel matters equally to the output. Per-tensor activations crush the
// small channels unless equalization evens them out.
OnnxBuilder imbalanced_model() {
  std::mt19937 rng(5);
  OnnxBuilder b(13);
  b.input("x", {1, 8, 16, 16});
  const std::vector<float> m = spread(8, 0.1f, 10.0f);
  std::vector<float> inv(m.size());
  for (size_t i = 0; i < m.size(); ++i) inv[i] = 1.0f / m[i];
  b.constant("wd", {8, 1, 3, 3}, scaled_weights({8, 1, 3, 3}, m, {}, rng));
  std::vector<float> bd(8);
  for (size_t i = 0; i < 8; ++i) bd[i] = 0.2f * m[i];
  b.constant("bd", {8}, bd);
  auto* dw = b.node("Conv", {"x", "wd", "bd"}, "dw");
  OnnxBuilder::integer(dw, "group", 8);
  OnnxBuilder::ints(dw, "pads", {1, 1, 1, 1});
  b.node("Relu", {"dw"}, "r");
  b.constant("wp", {8, 8, 1, 1}, scaled_weights({8, 8, 1, 1}, {}, inv, rng));
  b.node("Conv", {"r", "wp"}, "y");
  b.output("y");
  return b;
}

TEST(Equalize, ImprovesInt8AccuracyOnImbalancedDepthwiseChannels) {
  const std::string dir = temp_dir();
  imbalanced_model().save(dir + "/m.onnx");
  write_samples(dir + "/calib", {1, 8, 16, 16}, -1.0f, 1.0f, 8, 1);
  const Graph g = import_and_simplify(imbalanced_model());
  double sqnr[2];
  for (int eq = 0; eq < 2; ++eq) {
    ConvertOptions o;
    o.input_path = dir + "/m.onnx";
    o.output_path = dir + (eq ? "/eq.octet" : "/plain.octet");
    o.calib_path = dir + "/calib";
    o.equalize = eq != 0;
    o.verbose = false;
    ConvertResult r;
    std::string e;
    ASSERT_TRUE(convert_model(o, &r, &e)) << e;
    std::mt19937 rng(99);  // held-out inputs
    std::vector<float> ref, got;
    for (int i = 0; i < 4; ++i) {
      const Tensor x = random_tensor({1, 8, 16, 16}, -1.0f, 1.0f, rng);
      const auto f = run_float(g, "x", x, "y");
      const auto q = run_octet(o.output_path, x, f.size());
      ref.insert(ref.end(), f.begin(), f.end());
      got.insert(got.end(), q.begin(), q.end());
    }
    sqnr[eq] = sqnr_db(ref, got);
  }
  std::printf("INT8 output SQNR: %.2f dB without equalization, %.2f dB with\n", sqnr[0], sqnr[1]);
  EXPECT_GE(sqnr[1], sqnr[0] + 3.0);
}

// Smooth images (a plane plus a gentle bowl, in [0, 1]) through a 3x3 Conv A with 8
// output channels whose weights are alike in range (max |w| in [0.5, 1]): four
// smoothing kernels (all weights positive) answer the image's level, up to ~6, four
// gradient kernels (antisymmetric, summing to 0) answer only its slope, ~0.2. The
// ~30x spread of A's output channels comes from the data, not from the weights, so
// no weight range shows it. Relu, then a 1x1 Conv B that weights every channel by
// the inverse of its typical size, as a trained network would, so every channel
// counts in the output.
Tensor smooth_image(std::mt19937& rng) {
  std::uniform_real_distribution<float> level(0.3f, 0.6f), slope(-0.25f, 0.25f), bowl(-0.1f, 0.1f);
  const float a = level(rng), bx = slope(rng), by = slope(rng), q = bowl(rng);
  Tensor t(DType::kFloat32, {1, 1, 16, 16});
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      const float u = (i - 7.5f) / 7.5f, v = (j - 7.5f) / 7.5f;
      t.data<float>()[i * 16 + j] = a + bx * u + by * v + q * (u * u + v * v);
    }
  return t;
}

OnnxBuilder activation_imbalance_model() {
  std::mt19937 rng(13);
  std::uniform_real_distribution<float> mag(0.5f, 1.0f);
  OnnxBuilder b(13);
  b.input("x", {1, 1, 16, 16});
  std::vector<float> wa(8 * 9);
  for (int c = 0; c < 8; ++c)
    for (int k = 0; k < 9; ++k) {
      float& w = wa[c * 9 + k];
      if (c < 4) w = mag(rng);         // smoothing
      else if (k < 4) w = mag(rng);    // gradient: w[8 - k] = -w[k], centre 0
      else if (k == 4) w = 0.0f;
      else w = -wa[c * 9 + 8 - k];
    }
  b.constant("wa", {8, 1, 3, 3}, wa);
  b.weight("ba", {8}, 0.0f, 0.01f);
  b.node("Conv", {"x", "wa", "ba"}, "a");
  b.node("Relu", {"a"}, "r");
  std::vector<float> inv(8);
  for (int c = 0; c < 8; ++c) inv[c] = c < 4 ? 0.2f : 20.0f;  // 1 / typical size
  b.constant("wb", {4, 8, 1, 1}, scaled_weights({4, 8, 1, 1}, {}, inv, rng));
  b.node("Conv", {"r", "wb"}, "y");
  b.output("y");
  return b;
}

TEST(Equalize, ImprovesInt8AccuracyOnDataDependentChannelRanges) {
  const std::string dir = temp_dir();
  activation_imbalance_model().save(dir + "/m.onnx");
  ASSERT_EQ(mkdir((dir + "/calib").c_str(), 0755), 0);
  {
    std::mt19937 rng(3);
    std::string e;
    for (int i = 0; i < 16; ++i) {
      char name[64];
      std::snprintf(name, sizeof name, "/calib/sample_%02d.npy", i);
      ASSERT_TRUE(write_npy(dir + name, smooth_image(rng), &e)) << e;
    }
  }
  const Graph g = import_and_simplify(activation_imbalance_model());
  // Plain, then each rule.
  const struct {
    const char* name;
    bool equalize;
    EqualizeRule rule;
  } runs[] = {{"none", false, EqualizeRule::kBalance},
              {"weights", true, EqualizeRule::kWeights},
              {"balance", true, EqualizeRule::kBalance},
              {"activation", true, EqualizeRule::kActivation}};
  double sqnr[4];
  for (int k = 0; k < 4; ++k) {
    ConvertOptions o;
    o.input_path = dir + "/m.onnx";
    o.output_path = dir + "/" + runs[k].name + ".octet";
    o.calib_path = dir + "/calib";
    o.equalize = runs[k].equalize;
    o.equalize_rule = runs[k].rule;
    o.verbose = false;
    ConvertResult r;
    std::string e;
    ASSERT_TRUE(convert_model(o, &r, &e)) << e;
    for (const auto& l : r.pass_log)
      if (l.rfind("cross-layer equalization", 0) == 0) {
        std::printf("%s\n", l.c_str());
        if (runs[k].rule == EqualizeRule::kBalance) {
          EXPECT_NE(l.find("1 of 1 Conv pairs"), std::string::npos) << l;
          EXPECT_NE(l.find("from 16 samples"), std::string::npos) << l;
        }
      }
    std::mt19937 rng(99);  // held-out inputs
    std::vector<float> ref, got;
    for (int i = 0; i < 8; ++i) {
      const Tensor x = smooth_image(rng);
      const auto f = run_float(g, "x", x, "y");
      const auto q = run_octet(o.output_path, x, f.size());
      ref.insert(ref.end(), f.begin(), f.end());
      got.insert(got.end(), q.begin(), q.end());
    }
    sqnr[k] = sqnr_db(ref, got);
    std::printf("INT8 output SQNR, equalization %-10s %.2f dB\n", runs[k].name, sqnr[k]);
  }
  EXPECT_GE(sqnr[2], sqnr[0] + 10.0);  // the default rule
  EXPECT_GE(sqnr[3], sqnr[0] + 10.0);
  // The data-free rule sees the spread only through B's compensating weights, as
  // its square root; the balance rule does at least as well.
  EXPECT_GE(sqnr[2], sqnr[1]);
}

// A layer whose weight rounding is biased: per output channel one weight of 1 sets
// the scale to 1/127 and the others sit at (n + 0.45) / 127, so each rounds down by
// 0.45 steps; on non-negative inputs the errors add up instead of cancelling.
std::vector<float> biased_weights(int64_t out, int64_t in, bool out_major, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 3);
  std::vector<float> w(static_cast<size_t>(out * in));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) {
      const float v = i == o % in ? 1.0f : (static_cast<float>(d(rng)) + 0.45f) / 127.0f;
      w[static_cast<size_t>(out_major ? o * in + i : i * out + o)] = v;
    }
  return w;
}

struct BiasCase {
  const char* name;
  std::vector<int64_t> input;
  size_t channel_axis;
  OnnxBuilder model;
};

std::vector<BiasCase> bias_cases() {
  std::vector<BiasCase> cases;
  {
    std::mt19937 rng(8);
    OnnxBuilder b(13);
    b.input("x", {1, 64, 6, 6});
    b.constant("w", {8, 64, 1, 1}, biased_weights(8, 64, true, rng));
    b.weight("b", {8}, -0.2f, 0.2f);
    b.node("Conv", {"x", "w", "b"}, "y");
    b.output("y");
    cases.push_back({"Conv", {1, 64, 6, 6}, 1, b});
  }
  {
    std::mt19937 rng(9);
    OnnxBuilder b(13);
    b.input("x", {16, 64});
    b.constant("w", {64, 8}, biased_weights(8, 64, false, rng));  // (K, N), no bias: one is added
    b.node("MatMul", {"x", "w"}, "y");
    b.output("y");
    cases.push_back({"MatMul", {16, 64}, 1, b});
  }
  {
    std::mt19937 rng(10);
    OnnxBuilder b(13);
    b.input("x", {16, 64});
    b.constant("w", {8, 64}, biased_weights(8, 64, true, rng));
    b.weight("c", {8}, -0.2f, 0.2f);
    auto* n = b.node("Gemm", {"x", "w", "c"}, "y");
    OnnxBuilder::integer(n, "transB", 1);
    b.output("y");
    cases.push_back({"Gemm", {16, 64}, 1, b});
  }
  return cases;
}

TEST(BiasCorrection, RemovesTheMeanErrorOfBiasedWeightRounding) {
  for (BiasCase& c : bias_cases()) {
    const std::string dir = temp_dir();
    c.model.save(dir + "/m.onnx");
    write_samples(dir + "/calib", c.input, 0.0f, 1.0f, 8, 2);
    const Graph g = import_and_simplify(c.model);
    double sqnr[2], worst_mean[2];
    size_t layers = 0;
    for (int bc = 0; bc < 2; ++bc) {
      ConvertOptions o;
      o.input_path = dir + "/m.onnx";
      o.output_path = dir + (bc ? "/bc.octet" : "/plain.octet");
      o.calib_path = dir + "/calib";
      o.bias_correction = bc != 0;
      o.verbose = false;
      ConvertResult r;
      std::string e;
      ASSERT_TRUE(convert_model(o, &r, &e)) << c.name << ": " << e;
      EXPECT_EQ(r.lowered.float_ops, 0u) << c.name;
      for (const auto& l : r.pass_log)
        if (l.rfind("bias correction: 1 of 1", 0) == 0) ++layers;
      std::mt19937 rng(77);  // held-out inputs
      std::vector<float> ref, got;
      std::vector<double> mean(8, 0.0);
      for (int i = 0; i < 4; ++i) {
        const Tensor x = random_tensor(c.input, 0.0f, 1.0f, rng);
        const auto f = run_float(g, "x", x, "y");
        const auto q = run_octet(o.output_path, x, f.size());
        // Per channel: NCHW (axis 1 of 4) or (M, N) (axis 1 of 2).
        const size_t inner = c.input.size() == 4 ? 36 : 1;
        for (size_t k = 0; k < f.size(); ++k) mean[(k / inner) % 8] += (static_cast<double>(q[k]) - f[k]) / (4.0 * f.size() / 8);
        ref.insert(ref.end(), f.begin(), f.end());
        got.insert(got.end(), q.begin(), q.end());
      }
      sqnr[bc] = sqnr_db(ref, got);
      worst_mean[bc] = 0;
      for (double m : mean) worst_mean[bc] = std::max(worst_mean[bc], std::fabs(m));
    }
    std::printf("%s: SQNR %.2f dB -> %.2f dB, largest mean channel error %.4f -> %.4f\n", c.name, sqnr[0], sqnr[1],
                worst_mean[0], worst_mean[1]);
    EXPECT_EQ(layers, 1u) << c.name;
    EXPECT_LT(worst_mean[1], 0.3 * worst_mean[0]) << c.name;
    EXPECT_GE(sqnr[1], sqnr[0] + 3.0) << c.name;
  }
}

// A pre-quantized (QDQ) model keeps its own weights and biases: octet's QDQ export of
// the Conv case, converted again with calibration data, gives the same bytes with
// and without --bias-correction, and correct_biases leaves its graph as it was.
TEST(BiasCorrection, LeavesPreQuantizedModelsUnchanged) {
  BiasCase c = bias_cases()[0];
  const std::string dir = temp_dir();
  c.model.save(dir + "/m.onnx");
  write_samples(dir + "/calib", c.input, 0.0f, 1.0f, 4, 3);
  ConvertOptions o;
  o.input_path = dir + "/m.onnx";
  o.output_path = dir + "/m.octet";
  o.calib_path = dir + "/calib";
  o.emit_qdq = dir + "/qdq.onnx";
  o.verbose = false;
  ConvertResult r;
  std::string e;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  std::string files[2];
  for (int bc = 0; bc < 2; ++bc) {
    ConvertOptions q;
    q.input_path = o.emit_qdq;
    q.output_path = dir + (bc ? "/qdq_bc.octet" : "/qdq.octet");
    q.calib_path = dir + "/calib";
    q.bias_correction = bc != 0;
    q.verbose = false;
    ConvertResult rq;
    ASSERT_TRUE(convert_model(q, &rq, &e)) << e;
    files[bc] = file_bytes(q.output_path);
    if (bc) {
      bool skipped = false;
      for (const auto& l : rq.pass_log) skipped |= l == "bias correction: skipped (pre-quantized model)";
      EXPECT_TRUE(skipped);
    }
  }
  ASSERT_FALSE(files[0].empty());
  EXPECT_EQ(files[0], files[1]);
  // Called directly, with ranges as calibration would give them.
  Graph g;
  ASSERT_TRUE(import_onnx_file(o.emit_qdq, {}, &g, &e)) << e;
  std::vector<std::string> log;
  ASSERT_TRUE(run_graph_passes(&g, &log, &e)) << e;
  ASSERT_FALSE(g.quant.empty());
  Graph corrected = g;
  LowerOptions lo;
  for (const auto& v : values_needing_ranges(g)) lo.ranges[v] = Range{-1.0f, 1.0f};
  std::mt19937 rng(1);
  auto loader = [&](size_t, std::map<std::string, Tensor>* in, std::string*) {
    (*in)[g.inputs[0]] = random_tensor(c.input, 0.0f, 1.0f, rng);
    return true;
  };
  log.clear();
  ASSERT_TRUE(correct_biases(g, &corrected, lo, 2, loader, &log, &e)) << e;
  ASSERT_EQ(corrected.nodes.size(), g.nodes.size());
  for (size_t k = 0; k < g.nodes.size(); ++k) EXPECT_EQ(corrected.nodes[k].inputs, g.nodes[k].inputs);
  ASSERT_EQ(corrected.constants.size(), g.constants.size());
  for (const auto& kv : g.constants) EXPECT_EQ(corrected.constants.at(kv.first).bytes, kv.second.bytes) << kv.first;
}

}  // namespace
}  // namespace octet::cvt

namespace octet::cvt {
namespace {

// A model with each weakness a trained network shows, one per step: inputs with
// rare large values (min-max wastes levels on them: MSE), depthwise channels whose
// ranges differ 100x under one per-tensor scale (equalization), 1x1 weights whose
// rounding is biased (bias correction), and a last layer the rest can't save
// (float). Each step of --report-steps must raise the outputs' SQNR.
OnnxBuilder trained_like_model() {
  std::mt19937 rng(31);
  OnnxBuilder b(13);
  b.input("x", {1, 8, 16, 16});
  const std::vector<float> m = spread(8, 0.3f, 3.0f);
  std::vector<float> inv(m.size());
  for (size_t i = 0; i < m.size(); ++i) inv[i] = 1.0f / m[i];
  b.constant("wd", {8, 1, 3, 3}, scaled_weights({8, 1, 3, 3}, m, {}, rng));
  std::vector<float> bd(8);
  for (size_t i = 0; i < 8; ++i) bd[i] = 0.3f * m[i];
  b.constant("bd", {8}, bd);
  auto* dw = b.node("Conv", {"x", "wd", "bd"}, "dw");
  OnnxBuilder::integer(dw, "group", 8);
  OnnxBuilder::ints(dw, "pads", {1, 1, 1, 1});
  b.node("Relu", {"dw"}, "r");
  // 1x1 that undoes the depthwise scales, its rounding biased as in bias_cases().
  std::vector<float> wp = biased_weights(16, 8, true, rng);
  for (int64_t o = 0; o < 16; ++o)
    for (int64_t i = 0; i < 8; ++i) wp[static_cast<size_t>(o * 8 + i)] *= inv[static_cast<size_t>(i)];
  b.constant("wp", {16, 8, 1, 1}, wp);
  b.node("Conv", {"r", "wp"}, "p");
  b.node("Relu", {"p"}, "pr");
  b.weight("wo", {4, 16, 1, 1}, -0.5f, 0.5f);
  b.node("Conv", {"pr", "wo"}, "y");
  b.output("y");
  return b;
}

TEST(QualitySteps, EachStepImprovesATrainedLikeModel) {
  const std::string dir = temp_dir();
  trained_like_model().save(dir + "/m.onnx");
  ASSERT_EQ(mkdir((dir + "/calib").c_str(), 0755), 0);
  {
    // Laplace-distributed (scale 0.3): a long tail that min-max spends levels on.
    std::mt19937 rng(6);
    std::exponential_distribution<float> tail(1.0f / 0.3f);
    std::string e;
    for (int i = 0; i < 12; ++i) {
      Tensor t(DType::kFloat32, {1, 8, 16, 16});
      for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = (rng() & 1 ? 1.0f : -1.0f) * tail(rng);
      char name[64];
      std::snprintf(name, sizeof name, "/calib/sample_%02d.npy", i);
      ASSERT_TRUE(write_npy(dir + name, t, &e)) << e;
    }
  }
  ConvertOptions o;
  o.input_path = dir + "/m.onnx";
  o.output_path = dir + "/m.octet";
  o.calib_path = dir + "/calib";
  o.calib.method = CalibMethod::kMse;
  o.equalize = true;
  o.bias_correction = true;
  o.keep_float_count = 1;
  o.sensitivity_samples = 6;
  o.report_samples = 6;
  o.report_steps = true;
  o.verbose = false;
  ConvertResult r;
  std::string e;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  ASSERT_EQ(r.steps.size(), 5u);
  for (const auto& s : r.steps) std::printf("  %-20s outputs %.2f dB\n", s.name.c_str(), s.output_sqnr_db);
  // Deterministic inputs and weights: each gain is real, if the MSE one is small
  // here (0.26 dB; the inputs' tail is only part of the error).
  for (size_t i = 1; i < r.steps.size(); ++i)
    EXPECT_GT(r.steps[i].output_sqnr_db, r.steps[i - 1].output_sqnr_db + 0.2) << r.steps[i].name;
  EXPECT_GT(r.steps.back().output_sqnr_db, r.steps.front().output_sqnr_db + 5.0);
}

}  // namespace
}  // namespace octet::cvt

// The converter's exact quality steps: per-channel affine ops folded into the Conv
// before them keep the float function; a chain of element-wise steps becomes one
// table with one rounding; MSE calibration of a value read by a HardSwish clips
// what the HardSwish flattens.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <sys/stat.h>

#include "converter/calib/calibrator.h"
#include "converter/float/float_executor.h"
#include "converter/io/npy.h"
#include "converter/pipeline/convert.h"
#include "octet/octet.h"
#include "tests/converter/onnx_builder.h"

namespace octet::cvt {
namespace {

Tensor random_input(const std::vector<int64_t>& shape, std::mt19937& rng) {
  Tensor t(DType::kFloat32, shape);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// conv -> Mul([1,C,1,1]) -> Add(scalar) -> Sub([C,1,1]) -> HardSwish -> conv -> Mul(scalar) (y)
OnnxBuilder affine_model() {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 10, 10});
  b.weight("w1", {6, 3, 3, 3}, -0.5f, 0.5f);
  b.weight("b1", {6}, -0.2f, 0.2f);
  OnnxBuilder::ints(b.node("Conv", {"x", "w1", "b1"}, "c1"), "pads", {1, 1, 1, 1});
  b.weight("m", {1, 6, 1, 1}, 0.2f, 3.0f);
  b.node("Mul", {"c1", "m"}, "c1m");
  b.constant("a", {}, {0.25f});
  b.node("Add", {"c1m", "a"}, "c1a");
  b.weight("s", {6, 1, 1}, -0.5f, 0.5f);
  b.node("Sub", {"c1a", "s"}, "c1s");
  b.node("HardSwish", {"c1s"}, "h");
  b.weight("w2", {4, 6, 1, 1}, -0.5f, 0.5f);
  b.node("Conv", {"h", "w2"}, "c2");
  b.constant("k", {1}, {1.5f});
  b.node("Mul", {"c2", "k"}, "y");
  b.output("y");
  return b;
}

TEST(QualitySteps, PerChannelAffineFoldsIntoTheConvAndKeepsTheFloatFunction) {
  const OnnxBuilder b = affine_model();
  const std::string bytes = b.bytes();
  Graph raw;
  std::string e;
  ASSERT_TRUE(import_onnx_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {}, &raw, &e)) << e;
  const Graph g = import_and_simplify(b);
  size_t muls = 0, adds = 0;
  for (const auto& n : g.nodes) {
    muls += n.op_type == "Mul";
    adds += n.op_type == "Add" || n.op_type == "Sub";
  }
  EXPECT_EQ(muls, 0u);
  EXPECT_EQ(adds, 0u);
  std::mt19937 rng(4);
  for (int i = 0; i < 3; ++i) {
    const Tensor x = random_input({1, 3, 10, 10}, rng);
    FloatExecutor before(raw), after(g);
    std::map<std::string, Tensor> ob, oa;
    ASSERT_TRUE(before.run({{"x", x}}, &ob, &e)) << e;
    ASSERT_TRUE(after.run({{"x", x}}, &oa, &e)) << e;
    const auto fb = ob["y"].to_floats(), fa = oa["y"].to_floats();
    ASSERT_EQ(fb.size(), fa.size());
    // Float rounding only: the folded weights sum the same products in another order.
    double worst = 0, scale = 0;
    for (size_t k = 0; k < fb.size(); ++k) {
      worst = std::max(worst, std::fabs(static_cast<double>(fb[k]) - fa[k]));
      scale = std::max(scale, std::fabs(static_cast<double>(fb[k])));
    }
    EXPECT_GT(scale, 0.1);
    EXPECT_LT(worst, 1e-5 * scale);
  }
}

// x -> Mul(2) -> Add(1) -> HardSwish -> Mul(0.5) (y): one table from x's quantization to y's.
OnnxBuilder chain_model() {
  OnnxBuilder b(14);
  b.input("x", {1, 256});
  b.constant("two", {}, {2.0f});
  b.node("Mul", {"x", "two"}, "m");
  b.constant("one", {}, {1.0f});
  b.node("Add", {"m", "one"}, "a");
  b.node("HardSwish", {"a"}, "h");
  b.constant("half", {}, {0.5f});
  b.node("Mul", {"h", "half"}, "y");
  b.output("y");
  return b;
}

TEST(QualitySteps, AChainOfElementWiseStepsIsOneTableWithOneRounding) {
  char tmpl[] = "/tmp/octet_quality_steps_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  chain_model().save(dir + "/m.onnx");
  ASSERT_EQ(mkdir((dir + "/calib").c_str(), 0755), 0);
  std::mt19937 rng(8);
  std::string e;
  for (int i = 0; i < 4; ++i) {
    Tensor t = random_input({1, 256}, rng);
    for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] *= 3.0f;
    ASSERT_TRUE(write_npy(dir + "/calib/s" + std::to_string(i) + ".npy", t, &e)) << e;
  }
  ConvertOptions o;
  o.input_path = dir + "/m.onnx";
  o.output_path = dir + "/m.octet";
  o.calib_path = dir + "/calib";
  o.verbose = false;
  ConvertResult r;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  size_t tables = 0, fused = 0;
  for (const auto& d : r.lowered.dispatch) {
    tables += d.reason == "table of 4 element-wise steps";
    fused += d.reason.find("fused into the table of") != std::string::npos;
  }
  EXPECT_EQ(tables, 1u);
  EXPECT_EQ(fused, 3u);
  ASSERT_TRUE(r.lowered.values.count("x") && r.lowered.values.count("y"));
  const ValueMapping& in = r.lowered.values.at("x");
  const ValueMapping& out = r.lowered.values.at("y");
  ASSERT_TRUE(in.quantized && out.quantized);
  // Every input level once: the output is the composite function rounded once.
  Tensor x(DType::kFloat32, {1, 256});
  for (int q = -128; q <= 127; ++q) x.data<float>()[q + 128] = in.scale * static_cast<float>(q - in.zero_point);
  octet_model* m = nullptr;
  char err[256];
  ASSERT_EQ(octet_model_load_file(o.output_path.c_str(), &m, err, sizeof err), OCTET_OK) << err;
  octet_session* s = nullptr;
  ASSERT_EQ(octet_session_create(m, nullptr, &s, err, sizeof err), OCTET_OK) << err;
  ASSERT_EQ(octet_session_set_input_float(s, 0, x.data<float>(), 256), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s), OCTET_OK);
  std::vector<float> y(256);
  ASSERT_EQ(octet_session_get_output_float(s, 0, y.data(), y.size()), OCTET_OK);
  octet_session_release(s);
  octet_model_release(m);
  size_t off = 0;
  for (int q = -128; q <= 127; ++q) {
    const double v = static_cast<double>(in.scale) * (q - in.zero_point);
    const double a = 2.0 * v + 1.0;
    const double f = 0.5 * (a * std::min(std::max(a + 3.0, 0.0), 6.0) / 6.0);
    const double level = std::min(127.0, std::max(-128.0, std::round(f / out.scale) + out.zero_point));
    const float want = out.scale * static_cast<float>(level - out.zero_point);
    off += y[q + 128] != want;
  }
  EXPECT_EQ(off, 0u) << "of 256 input levels, outputs not the composite function rounded once";
}

TEST(QualitySteps, MseOfAValueReadByHardSwishClipsWhatTheHardSwishFlattens) {
  // A long negative tail (down to -20) that HardSwish maps to 0, and values in [-3, 6].
  const double lo = -20, hi = 6;
  std::vector<double> hist(2048, 0.0);
  std::mt19937 rng(1);
  std::normal_distribution<double> body(1.0, 1.5);
  std::uniform_real_distribution<double> tail(-20.0, -3.0);
  auto add = [&](double v) {
    const int64_t b = static_cast<int64_t>((v - lo) / (hi - lo) * 2048);
    hist[static_cast<size_t>(std::min<int64_t>(2047, std::max<int64_t>(0, b)))] += 1;
  };
  for (int i = 0; i < 200000; ++i) add(std::min(hi, std::max(lo, body(rng))));
  for (int i = 0; i < 20000; ++i) add(tail(rng));
  auto hswish = [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; };
  const Range plain = mse_range(hist, lo, hi);
  const Range after = mse_range(hist, lo, hi, hswish);
  std::printf("MSE range: [%.2f, %.2f] plain, [%.2f, %.2f] after HardSwish\n", plain.lo, plain.hi, after.lo, after.hi);
  EXPECT_LT(plain.lo, -8.0);  // the tail is a tenth of the mass: plain MSE keeps much of it
  EXPECT_GT(after.lo, -4.5);
  EXPECT_LT(after.lo, -2.0);  // HardSwish still changes down to -3
  // And the error that counts, after the function, is smaller with its own range.
  EXPECT_LT(histogram_mse(hist, lo, hi, after, hswish), 0.5 * histogram_mse(hist, lo, hi, plain, hswish));
}

}  // namespace
}  // namespace octet::cvt

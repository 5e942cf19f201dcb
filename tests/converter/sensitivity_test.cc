// Sensitivity-driven precision (converter/pipeline/sensitivity.cc): the layer-wise
// analysis finds a layer whose quantization was deliberately ruined, the budget
// keeps it in float and the outputs get closer to float, and octet-convert's
// --keep-float N / --max-error stay within their budgets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "converter/calib/bias_correction.h"
#include "converter/calib/calibrator.h"
#include "converter/float/float_executor.h"
#include "converter/io/npy.h"
#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/pipeline/convert.h"
#include "converter/pipeline/sensitivity.h"
#include "tests/converter/onnx_builder.h"

namespace octet::cvt {
namespace {

Tensor random_input(std::mt19937& rng) {
  Tensor t(DType::kFloat32, {1, 3, 16, 16});
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// conv 3x3 -> Relu -> conv 3x3 -> Relu -> conv 1x1 -> Add(skip) -> conv 1x1 (y).
OnnxBuilder four_convs() {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 16, 16});
  b.weight("w1", {8, 3, 3, 3}, -0.5f, 0.5f);
  b.weight("b1", {8}, -0.1f, 0.1f);
  OnnxBuilder::ints(b.node("Conv", {"x", "w1", "b1"}, "c1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, "r1");
  b.weight("w2", {8, 8, 3, 3}, -0.3f, 0.3f);
  b.weight("b2", {8}, -0.1f, 0.1f);
  OnnxBuilder::ints(b.node("Conv", {"r1", "w2", "b2"}, "c2"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c2"}, "r2");
  b.weight("w3", {8, 8, 1, 1}, -0.5f, 0.5f);
  b.node("Conv", {"r2", "w3"}, "c3");
  b.node("Add", {"c3", "r1"}, "s");
  b.weight("w4", {4, 8, 1, 1}, -0.5f, 0.5f);
  b.node("Conv", {"s", "w4"}, "y");
  b.output("y");
  return b;
}

std::string node_producing(const Graph& g, const std::string& v) {
  const int p = g.producer(v);
  return p < 0 ? "" : g.nodes[p].name;
}

struct Planted {
  Graph g;
  std::vector<std::map<std::string, Tensor>> samples;
  LowerOptions lo;
  LowerResult full;
};

// Calibrated min-max on 8 samples; `plant` (a value) gets a range 300 times too wide.
void setup(Planted* s, const std::string& plant) {
  s->g = import_and_simplify(four_convs());
  std::mt19937 rng(5);
  for (int i = 0; i < 8; ++i) s->samples.push_back({{"x", random_input(rng)}});
  CalibOptions co;
  co.progress = false;
  std::string e;
  auto load = [&](size_t i, std::map<std::string, Tensor>* in, std::string*) { return *in = s->samples[i], true; };
  ASSERT_TRUE(calibrate(s->g, values_needing_ranges(s->g), s->samples.size(), load, co, &s->lo.ranges, &e)) << e;
  if (!plant.empty()) {
    ASSERT_TRUE(s->lo.ranges.count(plant)) << plant;
    Range& r = s->lo.ranges[plant];
    r.lo *= 300;
    r.hi *= 300;
  }
  ModelWriter w;
  ASSERT_TRUE(lower_graph(s->g, s->lo, &w, &s->full, &e)) << e;
}

TEST(Sensitivity, APlantedBadScaleRanksFirst) {
  // The planted value is the output of c2's fused Relu, r2, read only by c3; it is
  // quantized by c2 (its output) and read by c3 (its input), so both are hurt alone.
  for (const std::string plant : {"r2", "s"}) {
    Planted s;
    setup(&s, plant);
    ModelProbe probe(s.g, s.samples);
    std::string e;
    ASSERT_TRUE(probe.init(&e)) << e;
    std::vector<LayerSensitivity> ranking;
    ASSERT_TRUE(measure_sensitivity(probe, s.g, s.lo, s.full, &ranking, false, &e)) << e;
    ASSERT_GE(ranking.size(), 4u);
    for (const auto& l : ranking) std::printf("  planted %s: %-6s %-5s %.2f dB\n", plant.c_str(), l.node.c_str(),
                                              l.op_type.c_str(), -10 * std::log10(l.relative_error));
    const std::string producer = node_producing(s.g, plant);
    std::set<std::string> readers;
    for (int c : s.g.consumers(plant)) readers.insert(s.g.nodes[c].name);
    // The planted range is the output of its producer and the input of its readers.
    const bool first_touches = ranking[0].node == producer || readers.count(ranking[0].node) ||
                               std::count(ranking[0].fused.begin(), ranking[0].fused.end(), producer);
    EXPECT_TRUE(first_touches) << "first: " << ranking[0].node << " (planted on " << plant << ")";
    // And it is clearly worse than every layer that does not touch the value.
    for (const auto& l : ranking) {
      const bool touches = l.node == producer || readers.count(l.node) ||
                           std::count(l.fused.begin(), l.fused.end(), producer);
      if (!touches) {
        EXPECT_GT(ranking[0].relative_error, 10 * l.relative_error) << l.node;
      }
    }
  }
}

TEST(Sensitivity, TheBudgetKeepsTheHarmfulLayerInFloatAndHelps) {
  Planted s;
  setup(&s, "s");
  ModelProbe probe(s.g, s.samples);
  std::string e;
  ASSERT_TRUE(probe.init(&e)) << e;
  std::vector<LayerSensitivity> ranking;
  ASSERT_TRUE(measure_sensitivity(probe, s.g, s.lo, s.full, &ranking, false, &e)) << e;
  double all_int8 = 0;
  ASSERT_TRUE(probe.error_of(s.g, s.lo, &all_int8, &e)) << e;
  // --keep-float 2: the planted value's producer and reader (floating one of them
  // alone would leave the value rounded), and the error falls a lot.
  PrecisionBudget two;
  two.keep_float = 2;
  PrecisionChoice c;
  ASSERT_TRUE(choose_float_layers(probe, s.g, s.lo, ranking, two, &c, &e)) << e;
  EXPECT_EQ(c.layers, 2u);
  EXPECT_TRUE(c.float_nodes.count(ranking[0].node));
  EXPECT_LT(c.relative_error, all_int8 / 10) << all_int8;
  // --max-error: met, within the MAC cap, and never worse than all INT8.
  PrecisionBudget err;
  err.max_error = all_int8 / 10;
  err.max_float_macs = 0.5;
  ASSERT_TRUE(choose_float_layers(probe, s.g, s.lo, ranking, err, &c, &e)) << e;
  EXPECT_TRUE(c.met);
  EXPECT_LE(c.relative_error, err.max_error);
  EXPECT_LE(c.float_macs, 0.5 * c.total_macs);
  // A cap that no harmful layer fits in: nothing goes to float, and it says so.
  err.max_float_macs = 0;
  ASSERT_TRUE(choose_float_layers(probe, s.g, s.lo, ranking, err, &c, &e)) << e;
  EXPECT_EQ(c.layers, 0u);
  EXPECT_FALSE(c.met);
}

TEST(Sensitivity, FloatLayersOfABiasCorrectedGraphGetTheirOwnBiasesBack) {
  Planted s;
  setup(&s, "");
  Graph corrected = s.g;
  std::string e;
  auto load = [&](size_t i, std::map<std::string, Tensor>* in, std::string*) { return *in = s.samples[i], true; };
  ASSERT_TRUE(correct_biases(s.g, &corrected, s.lo, s.samples.size(), load, nullptr, &e)) << e;
  auto bias_of = [](const Graph& g, const std::string& node) {
    for (const auto& n : g.nodes)
      if (n.name == node) return n.input_present(2) ? g.constant(n.inputs[2])->to_floats() : std::vector<float>{};
    return std::vector<float>{};
  };
  // c3 and y have no bias in the model: the correction gave them one.
  ASSERT_FALSE(bias_of(corrected, "c3").empty());
  ASSERT_NE(bias_of(corrected, "c1"), bias_of(s.g, "c1"));
  const Graph restored = with_float_biases(corrected, s.g, {"c1", "c3"});
  EXPECT_EQ(bias_of(restored, "c1"), bias_of(s.g, "c1"));
  EXPECT_TRUE(bias_of(restored, "c3").empty());
  EXPECT_EQ(bias_of(restored, "c2"), bias_of(corrected, "c2"));  // still INT8: still corrected
  // All in float: the float executor gives the original graph's outputs, bit for bit.
  std::set<std::string> all;
  for (const auto& n : s.g.nodes) all.insert(n.name);
  const Graph all_float = with_float_biases(corrected, s.g, all);
  FloatExecutor a(s.g), b(all_float);
  std::map<std::string, Tensor> oa, ob;
  ASSERT_TRUE(a.run(s.samples[0], &oa, &e)) << e;
  ASSERT_TRUE(b.run(s.samples[0], &ob, &e)) << e;
  EXPECT_EQ(oa["y"].to_floats(), ob["y"].to_floats());
}

TEST(Sensitivity, AFloatMatMulLosesTheBiasTheCorrectionInsertedForIt) {
  OnnxBuilder b(13);
  b.input("x", {4, 16});
  b.weight("w", {16, 8}, -0.5f, 0.5f);
  b.node("MatMul", {"x", "w"}, "y");
  b.output("y");
  const Graph g = import_and_simplify(b);
  std::mt19937 rng(2);
  std::vector<std::map<std::string, Tensor>> samples;
  for (int i = 0; i < 4; ++i) {
    Tensor t(DType::kFloat32, {4, 16});
    std::uniform_real_distribution<float> d(0.0f, 1.0f);  // non-negative: rounding errors add up
    for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = d(rng);
    samples.push_back({{"x", t}});
  }
  LowerOptions lo;
  CalibOptions co;
  co.progress = false;
  std::string e;
  auto load = [&](size_t i, std::map<std::string, Tensor>* in, std::string*) { return *in = samples[i], true; };
  ASSERT_TRUE(calibrate(g, values_needing_ranges(g), samples.size(), load, co, &lo.ranges, &e)) << e;
  Graph corrected = g;
  ASSERT_TRUE(correct_biases(g, &corrected, lo, samples.size(), load, nullptr, &e)) << e;
  ASSERT_GT(corrected.nodes.size(), g.nodes.size());  // the Add it inserted
  // Only the MatMul's name: its inserted Add goes with it.
  const Graph restored = with_float_biases(corrected, g, {g.nodes[0].name});
  FloatExecutor a(g), c(restored);
  std::map<std::string, Tensor> oa, oc;
  ASSERT_TRUE(a.run(samples[0], &oa, &e)) << e;
  ASSERT_TRUE(c.run(samples[0], &oc, &e)) << e;
  EXPECT_EQ(oa["y"].to_floats(), oc["y"].to_floats());
}

TEST(Sensitivity, ConvertKeepsTheBudgetAndReportsIt) {
  char tmpl[] = "/tmp/octet_sensitivity_test_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  four_convs().save(dir + "/m.onnx");
  ASSERT_EQ(mkdir((dir + "/calib").c_str(), 0755), 0);
  std::mt19937 rng(3);
  std::string e;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(write_npy(dir + "/calib/s" + std::to_string(i) + ".npy", random_input(rng), &e)) << e;
  for (const int mode : {0, 1}) {
    ConvertOptions o;
    o.input_path = dir + "/m.onnx";
    o.output_path = dir + "/m.octet";
    o.calib_path = dir + "/calib";
    o.verbose = false;
    if (mode == 0) o.keep_float_count = 2;
    else {
      o.max_error = 1e-9;  // unreachable: as many layers as the cap allows
      o.max_float_macs = 0.30;
    }
    ConvertResult r;
    ASSERT_TRUE(convert_model(o, &r, &e)) << e;
    EXPECT_FALSE(r.sensitivity.empty());
    EXPECT_GE(r.sqnr_chosen_db, r.sqnr_all_int8_db);
    EXPECT_GT(r.ms_all_int8, 0);
    if (mode == 0) EXPECT_LE(r.float_layers, 2u);
    else EXPECT_LE(r.float_mac_fraction, 0.30 + 1e-9);
    // The layers the summary says are float are float in the written model.
    std::map<std::string, bool> int8;
    for (const auto& d : r.lowered.dispatch) int8[d.node] = d.int8;
    size_t marked = 0;
    for (const auto& l : r.sensitivity) {
      if (!l.kept_float) continue;
      ++marked;
      EXPECT_FALSE(int8[l.node]) << l.node;
    }
    EXPECT_EQ(marked, r.float_layers);
    EXPECT_GE(r.float_layers, 1u);
  }
}

}  // namespace
}  // namespace octet::cvt

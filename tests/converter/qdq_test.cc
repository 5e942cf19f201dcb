// Pre-quantized models: ONNX's own QLinearConv / QLinearMatMul / QuantizeLinear /
// DequantizeLinear node tests (Debian's libonnx-testdata) converted to .octet with
// the models' own scales and zero points and run through the runtime.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <string>
#include <sys/stat.h>

#include "converter/float/float_executor.h"
#include "converter/onnx/onnx_import.h"
#include "converter/pipeline/convert.h"
#include <onnx/onnx_pb.h>
#include <fstream>
#include <random>
#include "converter/passes/passes.h"
#include "converter/quant/lower.h"
#include "octet/octet.h"

namespace octet::cvt {
namespace {

std::string node_dir() {
  const char* e = std::getenv("OCTET_ONNX_TESTDATA");
  return std::string(e ? e : "/usr/share/libonnx-testdata/data") + "/node/";
}

struct Case {
  Graph g;
  std::vector<Tensor> inputs, outputs;
};

bool load_case(const std::string& name, Case* c, std::string* e) {
  const std::string dir = node_dir() + name;
  if (!import_onnx_file(dir + "/model.onnx", {}, &c->g, e)) return false;
  for (int i = 0;; ++i) {
    Tensor t;
    const std::string p = dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb";
    struct stat st;
    if (stat(p.c_str(), &st) != 0) break;
    if (!read_tensor_pb(p, &t, nullptr, e)) return false;
    c->inputs.push_back(t);
  }
  for (int i = 0;; ++i) {
    Tensor t;
    const std::string p = dir + "/test_data_set_0/output_" + std::to_string(i) + ".pb";
    struct stat st;
    if (stat(p.c_str(), &st) != 0) break;
    if (!read_tensor_pb(p, &t, nullptr, e)) return false;
    c->outputs.push_back(t);
  }
  return true;
}

// Every graph input but the data ones becomes a constant: the node tests feed
// scales and zero points as inputs, real models as initializers.
void bind_parameters(Case* c, const std::vector<size_t>& data) {
  std::vector<std::string> kept;
  std::vector<Tensor> kept_data;
  for (size_t i = 0; i < c->g.inputs.size(); ++i) {
    if (std::find(data.begin(), data.end(), i) != data.end()) {
      kept.push_back(c->g.inputs[i]);
      kept_data.push_back(c->inputs[i]);
    } else {
      c->g.constants[c->g.inputs[i]] = c->inputs[i];
    }
  }
  c->g.inputs = kept;
  c->inputs = kept_data;
}

// The real values a quantized input stands for, under the graph's annotation.
Tensor dequantized(const Tensor& q, const QuantAnnotation& a) {
  Tensor f(DType::kFloat32, q.shape);
  const int32_t shift = q.dtype == DType::kUInt8 ? 128 : 0;
  for (int64_t i = 0; i < q.numel(); ++i)
    f.data<float>()[i] = static_cast<float>((q.get_f(i) - shift - a.zero_points[0]) * static_cast<double>(a.scales[0]));
  return f;
}

struct RunResult {
  std::vector<int8_t> raw;
  std::vector<float> f;
};

void convert_and_run(Case& c, const std::vector<size_t>& data, RunResult* out) {
  bind_parameters(&c, data);
  const size_t data_inputs = data.size();
  std::vector<std::string> log;
  std::string e;
  ASSERT_TRUE(run_graph_passes(&c.g, &log, &e)) << e;
  for (const auto& in : c.g.inputs) ASSERT_TRUE(c.g.quant.count(in)) << "input " << in << " keeps no quantization";
  ModelWriter w;
  LowerResult r;
  ASSERT_TRUE(lower_graph(c.g, LowerOptions(), &w, &r, &e)) << e;
  EXPECT_EQ(r.float_ops, 0u);
  const auto bytes = w.finish();
  octet_model* m = nullptr;
  char err[256];
  ASSERT_EQ(octet_model_load_memory(bytes.data(), bytes.size(), &m, err, sizeof err), OCTET_OK) << err;
  octet_session* s = nullptr;
  ASSERT_EQ(octet_session_create(m, nullptr, &s, err, sizeof err), OCTET_OK) << err;
  for (size_t i = 0; i < data_inputs; ++i) {
    const Tensor& t = c.inputs[i];
    const Tensor f = t.dtype == DType::kFloat32 ? t : dequantized(t, c.g.quant[c.g.inputs[i]]);
    ASSERT_EQ(octet_session_set_input_float(s, i, f.data<float>(), static_cast<size_t>(f.numel())), OCTET_OK)
        << octet_session_last_error(s);
  }
  ASSERT_EQ(octet_session_invoke(s), OCTET_OK) << octet_session_last_error(s);
  octet_tensor_info info;
  ASSERT_EQ(octet_model_output_info(m, 0, &info), OCTET_OK);
  out->f.resize(info.element_count);
  ASSERT_EQ(octet_session_get_output_float(s, 0, out->f.data(), out->f.size()), OCTET_OK);
  if (info.dtype == OCTET_INT8) {
    out->raw.resize(info.raw_size);
    ASSERT_EQ(octet_session_get_output_raw(s, 0, out->raw.data(), out->raw.size()), OCTET_OK);
  }
  octet_session_release(s);
  octet_model_release(m);
}

bool have_testdata() {
  struct stat st;
  return stat((node_dir() + "test_qlinearconv/model.onnx").c_str(), &st) == 0;
}

// Quantized outputs must equal ONNX's bytes (octet's int8 = ONNX's uint8 - 128).
void expect_quantized_output(const RunResult& run, const Tensor& want) {
  ASSERT_EQ(static_cast<int64_t>(run.raw.size()), want.numel());
  const int shift = want.dtype == DType::kUInt8 ? 128 : 0;
  int off = 0;
  for (int64_t i = 0; i < want.numel(); ++i) off += (run.raw[i] + shift) != want.get_i(i);
  EXPECT_EQ(off, 0) << off << " of " << want.numel() << " elements differ";
}

TEST(QdqImport, QLinearConv) {
  if (!have_testdata()) GTEST_SKIP() << "libonnx-testdata not installed";
  Case c;
  std::string e;
  ASSERT_TRUE(load_case("test_qlinearconv", &c, &e)) << e;
  RunResult r;
  convert_and_run(c, {0}, &r);
  expect_quantized_output(r, c.outputs[0]);
}

TEST(QdqImport, QLinearMatMul) {
  if (!have_testdata()) GTEST_SKIP() << "libonnx-testdata not installed";
  for (const char* name : {"test_qlinearmatmul_2D", "test_qlinearmatmul_3D"}) {
    Case c;
    std::string e;
    ASSERT_TRUE(load_case(name, &c, &e)) << e;
    // a (input 0) and b (input 3) are data, b with a non-zero zero point (octet's
    // weights are symmetric, activations asymmetric: an int8 BatchMatMul).
    RunResult r;
    convert_and_run(c, {0, 3}, &r);
    SCOPED_TRACE(name);
    expect_quantized_output(r, c.outputs[0]);
  }
}

TEST(QdqImport, QuantizeLinear) {
  if (!have_testdata()) GTEST_SKIP() << "libonnx-testdata not installed";
  Case c;
  std::string e;
  ASSERT_TRUE(load_case("test_quantizelinear", &c, &e)) << e;
  RunResult r;
  convert_and_run(c, {0}, &r);
  expect_quantized_output(r, c.outputs[0]);
}

TEST(QdqImport, DequantizeLinear) {
  if (!have_testdata()) GTEST_SKIP() << "libonnx-testdata not installed";
  Case c;
  std::string e;
  ASSERT_TRUE(load_case("test_dequantizelinear", &c, &e)) << e;
  RunResult r;
  convert_and_run(c, {0}, &r);
  ASSERT_EQ(static_cast<int64_t>(r.f.size()), c.outputs[0].numel());
  for (int64_t i = 0; i < c.outputs[0].numel(); ++i) EXPECT_EQ(r.f[i], c.outputs[0].data<float>()[i]) << i;
}

TEST(QdqImport, PerAxisActivationQuantizationIsRefusedClearly) {
  if (!have_testdata()) GTEST_SKIP() << "libonnx-testdata not installed";
  // test_quantizelinear_axis / test_dequantizelinear_axis quantize an activation per
  // channel; octet's activations are per tensor, so the conversion must say so.
  Case c;
  std::string e;
  ASSERT_TRUE(load_case("test_quantizelinear_axis", &c, &e)) << e;
  bind_parameters(&c, {0});
  std::vector<std::string> log;
  ASSERT_TRUE(run_graph_passes(&c.g, &log, &e)) << e;
  ModelWriter w;
  LowerResult r;
  EXPECT_FALSE(lower_graph(c.g, LowerOptions(), &w, &r, &e));
  EXPECT_NE(e.find("QuantizeLinear"), std::string::npos) << e;
}

// TensorRT-style QDQ: float weights behind QuantizeLinear -> DequantizeLinear
// (per channel, int8 symmetric), int8 activations with zero point 0, a Relu after
// the activation pair. Converts without calibration, all in INT8, and agrees with
// the QDQ model's own float semantics to within one output step.
TEST(QdqImport, TensorRtStyleModelConvertsWithItsOwnScales) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  auto input = [&](const char* name) {
    auto* v = g->add_input();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int d : {1, 3, 6, 6}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  auto init = [&](const std::string& name, int type, const std::vector<int64_t>& dims, const std::vector<float>& v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) {
      if (type == onnx::TensorProto::FLOAT) t->add_float_data(x);
      else t->add_int32_data(static_cast<int32_t>(x));
    }
  };
  auto node = [&](const std::string& op, std::vector<std::string> in, const std::string& out, int axis = -100) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(out);
    for (auto& i : in) n->add_input(i);
    n->add_output(out);
    if (axis != -100) {
      auto* a = n->add_attribute();
      a->set_name("axis");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(axis);
    }
  };
  input("x");
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> w(4 * 3 * 3 * 3), ws(4), b(4);
  for (auto& v : w) v = u(rng);
  for (int c = 0; c < 4; ++c) ws[c] = 0.004f * (c + 1);
  for (auto& v : b) v = u(rng);
  init("w", onnx::TensorProto::FLOAT, {4, 3, 3, 3}, w);
  init("w_scale", onnx::TensorProto::FLOAT, {4}, ws);
  init("w_zp", onnx::TensorProto::INT8, {4}, {0, 0, 0, 0});
  init("b", onnx::TensorProto::FLOAT, {4}, b);
  init("x_scale", onnx::TensorProto::FLOAT, {}, {0.02f});
  init("y_scale", onnx::TensorProto::FLOAT, {}, {0.03f});
  init("zp", onnx::TensorProto::INT8, {}, {0});
  node("QuantizeLinear", {"x", "x_scale", "zp"}, "xq");
  node("DequantizeLinear", {"xq", "x_scale", "zp"}, "xd");
  node("QuantizeLinear", {"w", "w_scale", "w_zp"}, "wq", 0);
  node("DequantizeLinear", {"wq", "w_scale", "w_zp"}, "wd", 0);
  node("Conv", {"xd", "wd", "b"}, "conv");
  node("QuantizeLinear", {"conv", "y_scale", "zp"}, "yq");
  node("DequantizeLinear", {"yq", "y_scale", "zp"}, "yd");
  node("Relu", {"yd"}, "y");
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  char tmpl[] = "/tmp/octet_qdq_test_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    std::ofstream f(dir + "/trt.onnx", std::ios::binary);
    m.SerializeToOstream(&f);
  }
  ConvertOptions o;
  o.input_path = dir + "/trt.onnx";
  o.output_path = dir + "/trt.octet";
  o.verbose = false;
  ConvertResult r;
  std::string e;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  EXPECT_EQ(r.lowered.float_ops, 0u);
  // The QDQ model itself, in float, against octet's INT8 model.
  Graph qg;
  ASSERT_TRUE(import_onnx_file(o.input_path, {}, &qg, &e)) << e;
  Tensor x(DType::kFloat32, {1, 3, 6, 6});
  std::normal_distribution<float> d(0.0f, 0.8f);
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = d(rng);
  FloatExecutor ex(qg);
  std::map<std::string, Tensor> outs;
  ASSERT_TRUE(ex.run({{"x", x}}, &outs, &e)) << e;
  octet_model* om = nullptr;
  char err[256];
  ASSERT_EQ(octet_model_load_file(o.output_path.c_str(), &om, err, sizeof err), OCTET_OK) << err;
  octet_session* s = nullptr;
  ASSERT_EQ(octet_session_create(om, nullptr, &s, err, sizeof err), OCTET_OK) << err;
  ASSERT_EQ(octet_session_set_input_float(s, 0, x.data<float>(), static_cast<size_t>(x.numel())), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s), OCTET_OK) << octet_session_last_error(s);
  const Tensor& want = outs["y"];
  std::vector<float> got(static_cast<size_t>(want.numel()));
  ASSERT_EQ(octet_session_get_output_float(s, 0, got.data(), got.size()), OCTET_OK);
  octet_session_release(s);
  octet_model_release(om);
  int off_by_more = 0, exact = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const float diff = std::fabs(got[i] - want.data<float>()[i]);
    off_by_more += diff > 0.03f * 1.001f;
    exact += diff == 0;
  }
  EXPECT_EQ(off_by_more, 0);
  EXPECT_GT(exact, static_cast<int>(got.size() * 9 / 10));  // ties and float sums differ rarely
}

}  // namespace
}  // namespace octet::cvt

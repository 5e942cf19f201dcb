// End-to-end converter tests: small CNNs written as ONNX in the test, converted
// (float and INT8 with calibration), run through the runtime's C API and compared
// with the converter's float executor; malformed and unsupported models.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "converter/float/float_executor.h"
#include "converter/io/npy.h"
#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/pipeline/convert.h"
#include "tests/converter/onnx_builder.h"
#include "octet/octet.h"

namespace octet::cvt {
namespace {

// Conv+BN+Relu, depthwise+Relu6, 1x1, residual Add, HardSwish (x*clip(x+3,0,6)/6),
// Concat, Resize, MaxPool, GAP, Flatten, Gemm, Softmax.
OnnxBuilder small_cnn() {
  OnnxBuilder b(13);
  b.input("image", {1, 3, 16, 16});
  b.weight("w1", {8, 3, 3, 3}, -0.4f, 0.4f);
  b.weight("b1", {8}, -0.1f, 0.1f);
  auto* c1 = b.node("Conv", {"image", "w1", "b1"}, "c1");
  OnnxBuilder::ints(c1, "strides", {2, 2});
  OnnxBuilder::ints(c1, "pads", {1, 1, 1, 1});
  b.weight("bn_s", {8}, 0.5f, 1.5f);
  b.weight("bn_b", {8}, -0.2f, 0.2f);
  b.weight("bn_m", {8}, -0.1f, 0.1f);
  b.weight("bn_v", {8}, 0.5f, 1.0f);
  b.node("BatchNormalization", {"c1", "bn_s", "bn_b", "bn_m", "bn_v"}, "bn1");
  b.node("Relu", {"bn1"}, "r1");
  b.weight("wd", {8, 1, 3, 3}, -0.5f, 0.5f);
  auto* dw = b.node("Conv", {"r1", "wd"}, "dw");
  OnnxBuilder::integer(dw, "group", 8);
  OnnxBuilder::ints(dw, "pads", {1, 1, 1, 1});
  b.constant("zero", {}, {0.0f});
  b.constant("six", {}, {6.0f});
  b.node("Clip", {"dw", "zero", "six"}, "r6");
  b.weight("wp", {8, 8, 1, 1}, -0.5f, 0.5f);
  b.node("Conv", {"r6", "wp"}, "pw");
  b.node("Add", {"pw", "r1"}, "res");
  b.constant("three", {}, {3.0f});
  b.node("Add", {"res", "three"}, "hs_a");
  b.node("Clip", {"hs_a", "zero", "six"}, "hs_c");
  b.node("Mul", {"res", "hs_c"}, "hs_m");
  b.node("Div", {"hs_m", "six"}, "hs");
  auto* c = b.node("Concat", {"hs", "r1"}, "cat");
  OnnxBuilder::integer(c, "axis", 1);
  b.constant("scales", {4}, {1, 1, 2, 2});
  auto* rz = b.node("Resize", {"cat", "", "scales"}, "up");
  OnnxBuilder::str(rz, "mode", "nearest");
  auto* mp = b.node("MaxPool", {"up"}, "mp");
  OnnxBuilder::ints(mp, "kernel_shape", {2, 2});
  OnnxBuilder::ints(mp, "strides", {2, 2});
  b.node("GlobalAveragePool", {"mp"}, "gap");
  b.node("Flatten", {"gap"}, "flat");
  b.weight("wf", {5, 16}, -0.5f, 0.5f);
  b.weight("bf", {5}, -0.1f, 0.1f);
  auto* fc = b.node("Gemm", {"flat", "wf", "bf"}, "fc");
  OnnxBuilder::integer(fc, "transB", 1);
  b.node("Softmax", {"fc"}, "prob");
  b.output("prob");
  return b;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/octet_convert_test_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

Tensor random_image(std::mt19937& rng) {
  Tensor t(DType::kFloat32, {1, 3, 16, 16});
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

std::vector<float> run_octet(const std::string& path, const Tensor& in, int threads) {
  octet_model* m = nullptr;
  char err[256];
  EXPECT_EQ(octet_model_load_file(path.c_str(), &m, err, sizeof err), OCTET_OK) << err;
  octet_session_options o;
  octet_session_options_init(&o);
  o.num_threads = threads;
  octet_session* s = nullptr;
  EXPECT_EQ(octet_session_create(m, &o, &s, err, sizeof err), OCTET_OK) << err;
  octet_model_release(m);
  EXPECT_EQ(octet_session_set_input_float(s, 0, in.data<float>(), static_cast<size_t>(in.numel())), OCTET_OK);
  EXPECT_EQ(octet_session_invoke(s), OCTET_OK) << octet_session_last_error(s);
  std::vector<float> out(5);
  EXPECT_EQ(octet_session_get_output_float(s, 0, out.data(), out.size()), OCTET_OK);
  octet_session_release(s);
  return out;
}

std::vector<float> run_float(const std::string& onnx_path, const Tensor& in) {
  Graph g;
  std::string e;
  EXPECT_TRUE(import_onnx_file(onnx_path, {}, &g, &e)) << e;
  FloatExecutor ex(g);
  std::map<std::string, Tensor> outs;
  EXPECT_TRUE(ex.run({{"image", in}}, &outs, &e)) << e;
  return outs["prob"].to_floats();
}

TEST(Convert, SmallCnnFloatMatchesTheFloatExecutor) {
  const std::string dir = temp_dir();
  small_cnn().save(dir + "/cnn.onnx");
  ConvertOptions o;
  o.input_path = dir + "/cnn.onnx";
  o.output_path = dir + "/cnn_f32.octet";
  o.quantize = false;
  o.verbose = false;
  ConvertResult r;
  std::string e;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  EXPECT_EQ(r.lowered.int8_ops, 0u);
  std::mt19937 rng(3);
  for (int i = 0; i < 3; ++i) {
    const Tensor in = random_image(rng);
    const auto ref = run_float(o.input_path, in);
    const auto got = run_octet(o.output_path, in, 1);
    for (size_t k = 0; k < 5; ++k) EXPECT_NEAR(got[k], ref[k], 1e-5) << k;
  }
}

TEST(Convert, SmallCnnInt8StaysCloseToFloat) {
  const std::string dir = temp_dir();
  small_cnn().save(dir + "/cnn.onnx");
  const std::string calib = dir + "/calib";
  ASSERT_EQ(mkdir(calib.c_str(), 0755), 0);
  std::mt19937 rng(11);
  std::string e;
  for (int i = 0; i < 8; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/sample_%02d.npy", i);
    ASSERT_TRUE(write_npy(calib + name, random_image(rng), &e)) << e;
  }
  for (CalibMethod m : {CalibMethod::kMinMax, CalibMethod::kPercentile, CalibMethod::kEntropy, CalibMethod::kMse}) {
    ConvertOptions o;
    o.input_path = dir + "/cnn.onnx";
    o.output_path = dir + "/cnn_int8.octet";
    o.calib_path = calib;
    o.calib.method = m;
    o.calib_cache = dir + "/cache.json";
    o.verbose = false;
    ConvertResult r;
    ASSERT_TRUE(convert_model(o, &r, &e)) << calib_method_name(m) << ": " << e;
    // Everything but the graph input's Quantize runs in INT8; BN, Relu, Relu6 and the
    // HardSwish chain are folded or fused.
    EXPECT_EQ(r.lowered.float_ops, 0u);
    bool hardswish = false;
    for (const auto& d : r.lowered.dispatch) hardswish |= d.op_type == "HardSwish" && d.int8;
    EXPECT_TRUE(hardswish);
    ASSERT_FALSE(r.layers.empty());
    ASSERT_TRUE(r.outputs.count("prob"));
    // Stated bound: the INT8 probabilities keep a cosine of at least 0.98 to float.
    EXPECT_GT(r.outputs["prob"].cosine, 0.98) << calib_method_name(m);
    std::mt19937 trng(5);
    const Tensor in = random_image(trng);
    const auto one = run_octet(o.output_path, in, 1);
    const auto two = run_octet(o.output_path, in, 2);
    EXPECT_EQ(one, two);
    // A second run reuses the cache.
    ConvertResult r2;
    ASSERT_TRUE(convert_model(o, &r2, &e)) << e;
    std::remove(o.calib_cache.c_str());
  }
}

// --emit-qdq writes octet's quantization as a QDQ ONNX model; converting that
// model back (its own scales, no calibration) gives the same INT8 model's bytes out.
TEST(Convert, EmittedQdqModelConvertsBackToTheSameResults) {
  const std::string dir = temp_dir();
  small_cnn().save(dir + "/cnn.onnx");
  const std::string calib = dir + "/calib";
  ASSERT_EQ(mkdir(calib.c_str(), 0755), 0);
  std::mt19937 rng(11);
  std::string e;
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(write_npy(calib + "/s" + std::to_string(i) + ".npy", random_image(rng), &e)) << e;
  ConvertOptions o;
  o.input_path = dir + "/cnn.onnx";
  o.output_path = dir + "/direct.octet";
  o.calib_path = calib;
  o.emit_qdq = dir + "/cnn_qdq.onnx";
  o.verbose = false;
  ConvertResult r;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  // The QDQ model runs in the float executor (ONNX semantics) ...
  Graph qg;
  ASSERT_TRUE(import_onnx_file(o.emit_qdq, {}, &qg, &e)) << e;
  size_t q = 0, dq = 0;
  for (const auto& n : qg.nodes) {
    q += n.op_type == "QuantizeLinear";
    dq += n.op_type == "DequantizeLinear";
  }
  EXPECT_GT(q, 5u);
  EXPECT_GT(dq, q);  // weights and biases too
  // ... and converts back without calibration.
  ConvertOptions back;
  back.input_path = o.emit_qdq;
  back.output_path = dir + "/roundtrip.octet";
  back.verbose = false;
  ConvertResult rb;
  ASSERT_TRUE(convert_model(back, &rb, &e)) << e;
  EXPECT_EQ(rb.lowered.float_ops, 0u);
  std::mt19937 trng(9);
  for (int i = 0; i < 3; ++i) {
    const Tensor in = random_image(trng);
    EXPECT_EQ(run_octet(o.output_path, in, 1), run_octet(back.output_path, in, 1));
  }
}

// Several inputs: one calibration subfolder per input, files paired in sorted order.
TEST(Convert, SeveralInputsCalibrateFromOneFolderEach) {
  OnnxBuilder b(13);
  b.input("a", {1, 4, 3, 3});
  b.input("b", {1, 4, 3, 3});
  b.node("Add", {"a", "b"}, "sum");
  b.node("Relu", {"sum"}, "out");
  b.output("out");
  const std::string dir = temp_dir();
  b.save(dir + "/two.onnx");
  std::mt19937 rng(2);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::string e;
  for (const char* in : {"a", "b"}) {
    const std::string sub = dir + "/calib/" + in;
    ASSERT_EQ(system(("mkdir -p " + sub).c_str()), 0);
    for (int i = 0; i < 3; ++i) {
      Tensor t(DType::kFloat32, {1, 4, 3, 3});
      for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = d(rng) * (in[0] == 'a' ? 1.0f : 3.0f);
      ASSERT_TRUE(write_npy(sub + "/" + std::to_string(i) + ".npy", t, &e)) << e;
    }
  }
  ConvertOptions o;
  o.input_path = dir + "/two.onnx";
  o.output_path = dir + "/two.octet";
  o.calib_path = dir + "/calib";
  o.verbose = false;
  ConvertResult r;
  ASSERT_TRUE(convert_model(o, &r, &e)) << e;
  EXPECT_EQ(r.calib_samples, 3u);
  ASSERT_TRUE(r.outputs.count("out"));
  EXPECT_GT(r.outputs["out"].cosine, 0.99);
  // A folder without the per-input subfolders is refused with a message.
  o.calib_path = dir;
  EXPECT_FALSE(convert_model(o, &r, &e));
  EXPECT_NE(e.find("folder per input"), std::string::npos) << e;
}

TEST(Convert, UnsupportedOperatorIsNamedAndNothingIsWritten) {
  OnnxBuilder b(13);
  b.input("x", {1, 4});
  auto* n = b.node("TopK", {"x", "k"}, "top");
  n->add_output("idx");
  b.constant("k", {1}, {2});
  b.output("top");
  const std::string dir = temp_dir();
  b.save(dir + "/m.onnx");
  ConvertOptions o;
  o.input_path = dir + "/m.onnx";
  o.output_path = dir + "/m.octet";
  o.quantize = false;
  o.verbose = false;
  ConvertResult r;
  std::string e;
  EXPECT_FALSE(convert_model(o, &r, &e));
  EXPECT_NE(e.find("'top' (TopK)"), std::string::npos) << e;
  EXPECT_NE(access(o.output_path.c_str(), F_OK), 0);
}

TEST(Convert, EveryNodeThatCantBeLoweredIsNamed) {
  OnnxBuilder b(13);
  b.input("x", {2, 3, 4});
  auto* s1 = b.node("Softmax", {"x"}, "middle_1");
  OnnxBuilder::integer(s1, "axis", 1);
  auto* s2 = b.node("Softmax", {"middle_1"}, "middle_2");
  OnnxBuilder::integer(s2, "axis", 0);
  b.output("middle_2");
  const std::string dir = temp_dir();
  b.save(dir + "/m.onnx");
  ConvertOptions o;
  o.input_path = dir + "/m.onnx";
  o.output_path = dir + "/m.octet";
  o.quantize = false;
  o.verbose = false;
  ConvertResult r;
  std::string e;
  EXPECT_FALSE(convert_model(o, &r, &e));
  EXPECT_NE(e.find("'middle_1' (Softmax)"), std::string::npos) << e;
  EXPECT_NE(e.find("'middle_2' (Softmax)"), std::string::npos) << e;
  EXPECT_NE(e.find("2 nodes"), std::string::npos) << e;
  EXPECT_NE(access(o.output_path.c_str(), F_OK), 0);
}

TEST(Convert, DynamicInputShapeAsksForInputShape) {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8});
  b.node("Relu", {"x"}, "y");
  b.output("y");
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(b.bytes()));
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(2)->set_dim_param("H");
  Graph g;
  std::string e;
  const std::string bytes = m.SerializeAsString();
  EXPECT_FALSE(import_onnx_bytes(bytes.data(), bytes.size(), {}, &g, &e));
  EXPECT_NE(e.find("--input-shape x="), std::string::npos) << e;
  ImportOptions io;
  io.input_shapes["x"] = {1, 3, 8, 8};
  EXPECT_TRUE(import_onnx_bytes(bytes.data(), bytes.size(), io, &g, &e)) << e;
}

TEST(Convert, TruncatedOnnxFilesFailCleanly) {
  const std::string bytes = small_cnn().bytes();
  int refused = 0;
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    Graph g;
    std::string e;
    if (!import_onnx_bytes(bytes.data(), cut, {}, &g, &e)) {
      EXPECT_FALSE(e.empty());
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  // Bit flips: import and the graph passes never crash.
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) {
    std::string b = bytes;
    b[rng() % b.size()] ^= static_cast<char>(1u << (rng() % 8));
    Graph g;
    std::string e;
    if (import_onnx_bytes(b.data(), b.size(), {}, &g, &e)) {
      std::vector<std::string> log;
      run_graph_passes(&g, &log, &e);
    }
  }
}

}  // namespace
}  // namespace octet::cvt

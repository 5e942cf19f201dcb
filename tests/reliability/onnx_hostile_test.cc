// The converter against hostile ONNX files (issue 8, part 2): the defects the
// runtime's loader tests give .octet files, given to octet-convert's pipeline
// instead — truncation at every offset, bit flips, sizes claimed but not stored,
// shapes whose products overflow, indices out of range, cycles, empty tensors.
// Each file must be refused with a message (naming what is wrong where the test
// knows it) or convert to a model that loads; none may crash, throw or allocate
// what the file only claims (run under ASan + UBSan by scripts/test.sh).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/quant/lower.h"
#include "octet/octet.h"

namespace octet::cvt {
namespace {

// ONNX models written in the test (opset 13, float tensors).
class Onnx {
 public:
  Onnx() {
    m_.set_ir_version(8);
    m_.add_opset_import()->set_version(13);
    g_ = m_.mutable_graph();
    g_->set_name("hostile");
  }
  void input(const std::string& name, const std::vector<int64_t>& shape) {
    auto* v = g_->add_input();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t s : shape) tt->mutable_shape()->add_dim()->set_dim_value(s);
  }
  void output(const std::string& name) {
    auto* v = g_->add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  onnx::TensorProto* floats(const std::string& name, const std::vector<int64_t>& shape, size_t count, float value = 0.5f) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t s : shape) t->add_dims(s);
    for (size_t i = 0; i < count; ++i) t->add_float_data(value * static_cast<float>(i % 7) - 1.0f);
    return t;
  }
  void ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& in, const std::string& out) {
    auto* n = g_->add_node();
    n->set_op_type(op);
    n->set_name(out);
    for (const auto& i : in) n->add_input(i);
    n->add_output(out);
    return n;
  }
  static void attr_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void attr_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  onnx::GraphProto* graph() { return g_; }
  std::string bytes() const { return m_.SerializeAsString(); }

 private:
  onnx::ModelProto m_;
  onnx::GraphProto* g_;
};

// x [1,2,5,5] -> Conv 3x3 (3 filters, pads 1) -> Relu -> GlobalAveragePool ->
// Flatten -> Gemm (4 outputs) -> Softmax.
Onnx small_model() {
  Onnx b;
  b.input("x", {1, 2, 5, 5});
  b.floats("w", {3, 2, 3, 3}, 54);
  b.floats("b", {3}, 3);
  auto* c = b.node("Conv", {"x", "w", "b"}, "conv");
  Onnx::attr_ints(c, "pads", {1, 1, 1, 1});
  b.node("Relu", {"conv"}, "relu");
  b.node("GlobalAveragePool", {"relu"}, "gap");
  b.node("Flatten", {"gap"}, "flat");
  b.floats("fw", {4, 3}, 12);
  b.floats("fb", {4}, 4);
  auto* g = b.node("Gemm", {"flat", "fw", "fb"}, "fc");
  Onnx::attr_int(g, "transB", 1);
  b.node("Softmax", {"fc"}, "probs");
  b.output("probs");
  return b;
}

// octet-convert's steps without calibration data: import, graph passes, lowering
// (float, and INT8 with every range [-4, 4]), the runtime's load of the result.
struct Outcome {
  bool converted = false;  // a model was written and it loads
  std::string error;       // otherwise: the message
};

Outcome convert(const std::string& bytes) {
  Outcome o;
  Graph g;
  if (!import_onnx_bytes(bytes.data(), bytes.size(), ImportOptions(), &g, &o.error)) return o;
  std::vector<std::string> log;
  if (!run_graph_passes(&g, &log, &o.error)) return o;
  const std::string missing = unsupported_nodes(g);
  if (!missing.empty()) {
    o.error = "unsupported:" + missing;
    return o;
  }
  for (const bool int8 : {false, true}) {
    LowerOptions lo;
    lo.int8 = int8;
    if (int8)
      for (const std::string& v : values_needing_ranges(g)) lo.ranges[v] = Range{-4.0f, 4.0f};
    ModelWriter w;
    LowerResult r;
    if (!lower_graph(g, lo, &w, &r, &o.error)) return o;
    const std::vector<uint8_t> file = w.finish();
    octet_model* m = nullptr;
    char err[512];
    octet_load_options load_options;
    octet_load_options_init(&load_options);
    load_options.winograd = OCTET_WINOGRAD_OFF;  // no timing at load: thousands of files
    if (octet_model_load_memory_ex(file.data(), file.size(), &load_options, &m, err, sizeof err) != OCTET_OK) {
      o.error = std::string("the converted model does not load: ") + err;
      return o;
    }
    octet_model_release(m);
  }
  o.converted = true;
  return o;
}

testing::AssertionResult Refused(const std::string& bytes, std::initializer_list<const char*> parts) {
  const Outcome o = convert(bytes);
  if (o.converted) return testing::AssertionFailure() << "the model converted";
  if (o.error.empty()) return testing::AssertionFailure() << "refused without a message";
  for (const char* p : parts)
    if (o.error.find(p) == std::string::npos) return testing::AssertionFailure() << "message \"" << o.error << "\" lacks \"" << p << "\"";
  return testing::AssertionSuccess() << o.error;
}

// A file octet-convert either refuses with a message or converts into a model the
// runtime loads (a runtime refusal is a converter bug: it promises loadable files).
testing::AssertionResult CleanOutcome(const std::string& bytes) {
  const Outcome o = convert(bytes);
  if (o.converted) return testing::AssertionSuccess();
  if (o.error.empty()) return testing::AssertionFailure() << "refused without a message";
  if (o.error.find("does not load") != std::string::npos) return testing::AssertionFailure() << o.error;
  return testing::AssertionSuccess() << o.error;
}

TEST(OnnxHostile, TheSmallModelConverts) {
  const Outcome o = convert(small_model().bytes());
  EXPECT_TRUE(o.converted) << o.error;
}

TEST(OnnxHostile, TruncatedAtEveryOffset) {
  const std::string bytes = small_model().bytes();
  size_t refused = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::string cut = bytes.substr(0, n);
    const Outcome o = convert(cut);
    if (!o.converted) {
      ASSERT_FALSE(o.error.empty()) << "cut at " << n;
      ASSERT_EQ(o.error.find("does not load"), std::string::npos) << "cut at " << n << ": " << o.error;
      ++refused;
    }
  }
  // A protobuf cut between two fields parses as a smaller model, which may still
  // be complete enough to convert; most cuts are not.
  EXPECT_GT(refused, bytes.size() * 9 / 10);
}

TEST(OnnxHostile, EveryBitFlipped) {
  const std::string bytes = small_model().bytes();
  std::string b = bytes;
  size_t refused = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
      const Outcome o = convert(b);
      if (!o.converted) {
        ASSERT_FALSE(o.error.empty()) << "byte " << i << " bit " << bit;
        ASSERT_EQ(o.error.find("does not load"), std::string::npos) << "byte " << i << " bit " << bit << ": " << o.error;
        ++refused;
      }
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
    }
  }
  EXPECT_GT(refused, 0u);
}

TEST(OnnxHostile, RandomByteBursts) {
  const std::string bytes = small_model().bytes();
  std::mt19937 rng(8);
  for (int trial = 0; trial < 1000; ++trial) {
    std::string b = bytes;
    const int k = 2 + static_cast<int>(rng() % 6);
    for (int j = 0; j < k; ++j) b[rng() % b.size()] = static_cast<char>(rng());
    ASSERT_TRUE(CleanOutcome(b)) << "trial " << trial;
  }
}

// An initializer whose dims claim far more than it stores, in float_data and in
// raw_data: refused before anything of the claimed size is allocated.
TEST(OnnxHostile, InitializerClaimsHugeSize) {
  for (const bool raw : {false, true}) {
    Onnx b = small_model();
    onnx::TensorProto* w = b.graph()->mutable_initializer(0);
    w->clear_dims();
    for (int64_t d : {int64_t{1} << 18, int64_t{1} << 18, int64_t{3}, int64_t{3}}) w->add_dims(d);
    if (raw) {
      w->clear_float_data();
      w->set_raw_data(std::string(54 * 4, '\0'));
    }
    EXPECT_TRUE(Refused(b.bytes(), {"tensor 'w'", "holds"})) << (raw ? "raw_data" : "float_data");
  }
}

TEST(OnnxHostile, GraphInputClaimsHugeSize) {
  Onnx b;
  b.input("x", {1, 3, 1 << 20, 1 << 20});
  b.node("Relu", {"x"}, "y");
  b.output("y");
  EXPECT_TRUE(Refused(b.bytes(), {"'x'"}));
}

// Dimensions whose product overflows int64 (and, for the empty one, whose product
// of the non-zero dimensions does): refused, never computed with a wrap.
TEST(OnnxHostile, ShapeProductsOverflow) {
  {
    Onnx b = small_model();
    onnx::TensorProto* w = b.graph()->mutable_initializer(0);
    w->clear_dims();
    for (int64_t d : {int64_t{1} << 32, int64_t{1} << 32, int64_t{16}}) w->add_dims(d);
    EXPECT_TRUE(Refused(b.bytes(), {"tensor 'w'", "oversized"}));
  }
  {
    // The product of the dimensions before the 0 overflows (Tensor::numel multiplies
    // in order): refused; with the 0 first the tensor is merely empty, and wrong for
    // the Conv.
    Onnx b = small_model();
    onnx::TensorProto* w = b.graph()->mutable_initializer(0);
    w->clear_dims();
    w->clear_float_data();
    for (int64_t d : {int64_t{1} << 40, int64_t{1} << 40, int64_t{0}}) w->add_dims(d);
    EXPECT_TRUE(Refused(b.bytes(), {"tensor 'w'", "oversized"}));
    w->clear_dims();
    for (int64_t d : {int64_t{1} << 40, int64_t{0}, int64_t{1} << 40}) w->add_dims(d);
    EXPECT_TRUE(Refused(b.bytes(), {"'conv'"}));
  }
  {
    Onnx b;
    b.input("x", {int64_t{1} << 31, int64_t{1} << 31, int64_t{1} << 31, 4});
    b.node("Relu", {"x"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"'x'"}));
  }
  {
    // Reshape to a shape whose product overflows.
    Onnx b;
    b.input("x", {1, 4});
    b.ints("shape", {int64_t{1} << 40, int64_t{1} << 40, 4});
    b.node("Reshape", {"x", "shape"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Reshape"}));
  }
}

TEST(OnnxHostile, NegativeDimensions) {
  Onnx b = small_model();
  onnx::TensorProto* w = b.graph()->mutable_initializer(0);
  w->set_dims(0, -3);
  EXPECT_TRUE(Refused(b.bytes(), {"tensor 'w'"}));
  Onnx c;
  c.input("x", {1, -4, 4, 4});
  c.node("Relu", {"x"}, "y");
  c.output("y");
  EXPECT_TRUE(Refused(c.bytes(), {"'x'"}));
}

// Indices and axes out of range in constant folding and in lowering.
TEST(OnnxHostile, IndicesAndAxesOutOfRange) {
  {
    Onnx b;
    b.input("x", {1, 4});
    b.floats("table", {5, 4}, 20);
    b.ints("idx", {7});
    auto* g = b.node("Gather", {"table", "idx"}, "rows");
    Onnx::attr_int(g, "axis", 0);
    b.node("Add", {"x", "rows"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Gather", "7"}));
  }
  {
    Onnx b;
    b.input("x", {1, 4});
    b.floats("table", {5, 4}, 20);
    b.ints("idx", {-6});
    b.node("Gather", {"table", "idx"}, "rows");
    b.node("Add", {"x", "rows"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Gather", "-6"}));
  }
  {
    Onnx b;
    b.input("x", {1, 2, 4, 4});
    auto* c = b.node("Concat", {"x", "x"}, "y");
    Onnx::attr_int(c, "axis", 9);
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Concat", "9"}));
  }
  {
    Onnx b;
    b.input("x", {1, 2, 4, 4});
    auto* t = b.node("Transpose", {"x"}, "y");
    Onnx::attr_ints(t, "perm", {0, 5, 1, 2});
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Transpose"}));
  }
  {
    Onnx b;
    b.input("x", {1, 2, 4, 4});
    auto* t = b.node("Softmax", {"x"}, "y");
    Onnx::attr_int(t, "axis", -9);
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Softmax"}));
  }
  {
    Onnx b;
    b.input("x", {1, 2, 4, 4});
    auto* t = b.node("Flatten", {"x"}, "y");
    Onnx::attr_int(t, "axis", 17);
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"Flatten"}));
  }
  {
    // Slice bounds far outside the axis are clamped (ONNX), not read.
    Onnx b;
    b.input("x", {1, 2, 4, 4});
    b.ints("starts", {-(int64_t{1} << 62)});
    b.ints("ends", {int64_t{1} << 62});
    b.ints("axes", {3});
    b.node("Slice", {"x", "starts", "ends", "axes"}, "y");
    b.output("y");
    EXPECT_TRUE(CleanOutcome(b.bytes()));
    Onnx c;
    c.input("x", {1, 2, 4, 4});
    c.ints("starts", {0});
    c.ints("ends", {2});
    c.ints("axes", {11});
    c.node("Slice", {"x", "starts", "ends", "axes"}, "y");
    c.output("y");
    EXPECT_TRUE(Refused(c.bytes(), {"Slice"}));
  }
}

// Found by the test above: Slice of an NHWC tensor took the default end of each
// unsliced axis from the ONNX (NCHW) position, so slicing W of [1,2,4,4] wrote
// end 4 for C (2 channels) and the runtime refused the file.
TEST(OnnxHostile, SliceOfAnNhwcTensorConverts) {
  for (const int64_t axis : {1, 2, 3, -1}) {
    Onnx b;
    b.input("x", {1, 2, 4, 6});
    b.ints("starts", {1});
    b.ints("ends", {2});
    b.ints("axes", {axis});
    b.node("Slice", {"x", "starts", "ends", "axes"}, "y");
    b.output("y");
    const Outcome o = convert(b.bytes());
    EXPECT_TRUE(o.converted) << "axis " << axis << ": " << o.error;
  }
}

TEST(OnnxHostile, Cycles) {
  {
    // A node reading its own output.
    Onnx b;
    b.input("x", {1, 4});
    b.node("Add", {"x", "y"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"cycle"}));
  }
  {
    // Two nodes reading each other.
    Onnx b;
    b.input("x", {1, 4});
    b.node("Add", {"x", "b"}, "a");
    b.node("Relu", {"a"}, "b");
    b.output("b");
    EXPECT_TRUE(Refused(b.bytes(), {"cycle"}));
  }
  {
    // Nodes listed out of order (but acyclic) are fine: ONNX requires order, the
    // importer sorts or refuses; either way no crash.
    Onnx b;
    b.input("x", {1, 4});
    b.node("Relu", {"a"}, "y");
    b.node("Relu", {"x"}, "a");
    b.output("y");
    EXPECT_TRUE(CleanOutcome(b.bytes()));
  }
  {
    // A value written by two nodes.
    Onnx b;
    b.input("x", {1, 4});
    b.node("Relu", {"x"}, "y");
    b.node("Sigmoid", {"x"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"'y'"}));
  }
}

// Empty tensors: an input with a zero dimension, empty weights. Refused with a
// message or converted into a model that loads.
TEST(OnnxHostile, ZeroSizeTensors) {
  {
    Onnx b;
    b.input("x", {1, 3, 0, 8});
    b.node("Relu", {"x"}, "y");
    b.output("y");
    EXPECT_TRUE(CleanOutcome(b.bytes()));
  }
  {
    Onnx b;
    b.input("x", {1, 2, 5, 5});
    b.floats("w", {0, 2, 3, 3}, 0);
    b.node("Conv", {"x", "w"}, "y");
    b.output("y");
    EXPECT_TRUE(Refused(b.bytes(), {"empty weights"}));
  }
  {
    Onnx b;
    b.input("x", {1, 0});
    b.floats("fw", {3, 0}, 0);
    auto* g = b.node("Gemm", {"x", "fw"}, "y");
    Onnx::attr_int(g, "transB", 1);
    b.output("y");
    EXPECT_TRUE(CleanOutcome(b.bytes()));
  }
  {
    Onnx b;
    b.input("x", {0, 4});
    b.floats("fw", {3, 4}, 12);
    auto* g = b.node("Gemm", {"x", "fw"}, "y");
    Onnx::attr_int(g, "transB", 1);
    b.output("y");
    EXPECT_TRUE(CleanOutcome(b.bytes()));
  }
}

// Values that are not defined anywhere, and graph outputs nothing writes.
TEST(OnnxHostile, UndefinedValues) {
  Onnx b;
  b.input("x", {1, 4});
  b.node("Add", {"x", "ghost"}, "y");
  b.output("y");
  EXPECT_TRUE(Refused(b.bytes(), {"ghost"}));
  Onnx c;
  c.input("x", {1, 4});
  c.node("Relu", {"x"}, "y");
  c.output("nowhere");
  EXPECT_TRUE(Refused(c.bytes(), {"nowhere"}));
}

}  // namespace
}  // namespace octet::cvt

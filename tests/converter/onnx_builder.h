// A few lines of ONNX protobuf per node, for the converter tests that write small
// models (convert_test.cc, equalize_test.cc).
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset) {
    m_.set_ir_version(8);
    m_.add_opset_import()->set_version(opset);
    g_ = m_.mutable_graph();
    g_->set_name("test");
  }
  void input(const std::string& name, const std::vector<int64_t>& shape) { value(g_->add_input(), name, shape); }
  void output(const std::string& name) {
    auto* v = g_->add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  void weight(const std::string& name, const std::vector<int64_t>& shape, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = d(rng_);
    constant(name, shape, v);
  }
  void constant(const std::string& name, const std::vector<int64_t>& shape, const std::vector<float>& v) {
    auto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t s : shape) t->add_dims(s);
    for (float x : v) t->add_float_data(x);
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& in, const std::string& out) {
    auto* n = g_->add_node();
    n->set_op_type(op);
    n->set_name(out);
    for (const auto& i : in) n->add_input(i);
    n->add_output(out);
    return n;
  }
  static void ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void integer(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void str(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  std::string bytes() const { return m_.SerializeAsString(); }
  void save(const std::string& path) const {
    std::ofstream f(path, std::ios::binary);
    f << bytes();
  }

 private:
  static void value(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& shape) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t s : shape) tt->mutable_shape()->add_dim()->set_dim_value(s);
  }
  onnx::ModelProto m_;
  onnx::GraphProto* g_;
  std::mt19937 rng_{7};
};

// The builder's model imported and through the graph passes, as octet-convert
// sees it before calibration.
inline Graph import_and_simplify(const OnnxBuilder& b) {
  const std::string bytes = b.bytes();
  Graph g;
  std::string e;
  std::vector<std::string> log;
  EXPECT_TRUE(import_onnx_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {}, &g, &e)) << e;
  EXPECT_TRUE(run_graph_passes(&g, &log, &e)) << e;
  return g;
}

}  // namespace octet::cvt

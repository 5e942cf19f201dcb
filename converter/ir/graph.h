// The converter's graph: ONNX semantics (operator types, attributes, NCHW order)
// held in plain structs, so graph passes, the float reference executor and the
// quantizer never touch protobuf. converter/onnx/ fills it from a .onnx file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "converter/ir/tensor.h"

namespace octet::cvt {

struct Attribute {
  enum Kind : uint8_t { kInt, kFloat, kString, kInts, kFloats, kStrings, kTensor, kGraph };
  Kind kind = kInt;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  Tensor t;

  static Attribute Int(int64_t v) {
    Attribute a;
    a.kind = kInt;
    a.i = v;
    return a;
  }
  static Attribute Float(float v) {
    Attribute a;
    a.kind = kFloat;
    a.f = v;
    return a;
  }
  static Attribute String(std::string v) {
    Attribute a;
    a.kind = kString;
    a.s = std::move(v);
    return a;
  }
  static Attribute Ints(std::vector<int64_t> v) {
    Attribute a;
    a.kind = kInts;
    a.ints = std::move(v);
    return a;
  }
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" for the default ONNX domain
  std::vector<std::string> inputs;   // "" marks an absent optional input
  std::vector<std::string> outputs;  // "" marks an unused optional output
  std::map<std::string, Attribute> attrs;

  bool has(const std::string& a) const { return attrs.count(a) != 0; }
  int64_t attr_i(const std::string& a, int64_t dflt) const;
  float attr_f(const std::string& a, float dflt) const;
  std::string attr_s(const std::string& a, const std::string& dflt) const;
  std::vector<int64_t> attr_ints(const std::string& a, const std::vector<int64_t>& dflt = {}) const;
  std::vector<float> attr_floats(const std::string& a, const std::vector<float>& dflt = {}) const;
  // "name (OpType)" for messages.
  std::string label() const;
  // Number of inputs that are present (not "").
  bool input_present(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
};

// What is known of a value's type and shape (from the model or shape inference).
// A dimension < 0 is unknown.
struct ValueInfo {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  bool has_shape = false;
  bool fully_known() const {
    if (!has_shape) return false;
    for (int64_t d : shape)
      if (d < 0) return false;
    return true;
  }
};

// Quantization the source model fixed for a value (QDQ / QOperator models):
// real = scale * (q - zero_point), with zero points already moved to int8
// (uint8 zero point - 128). Per channel when axis >= 0 (weights).
struct QuantAnnotation {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int axis = -1;
};

struct Graph {
  std::vector<Node> nodes;                    // topologically sorted
  std::map<std::string, Tensor> constants;    // initializers and folded values
  std::vector<std::string> inputs;            // graph inputs that are not constants
  std::vector<std::string> outputs;
  std::map<std::string, ValueInfo> values;    // every value whose type is known
  std::map<std::string, QuantAnnotation> quant;  // values whose quantization the model fixed
  int64_t opset = 0;                          // default-domain opset version
  std::string name;

  bool is_constant(const std::string& v) const { return constants.count(v) != 0; }
  const Tensor* constant(const std::string& v) const {
    auto it = constants.find(v);
    return it == constants.end() ? nullptr : &it->second;
  }
  const ValueInfo* info(const std::string& v) const {
    auto it = values.find(v);
    return it == values.end() ? nullptr : &it->second;
  }
  // Index of the node producing v, or -1 (graph input, constant, or unknown).
  int producer(const std::string& v) const;
  // Indices of the nodes reading v.
  std::vector<int> consumers(const std::string& v) const;
  bool is_output(const std::string& v) const;
  // Removes nodes whose outputs nobody reads (graph outputs count as read) and
  // constants nobody reads.
  void prune();
  // Renames every use of `from` (node inputs, graph outputs) to `to`.
  void replace_uses(const std::string& from, const std::string& to);
  // A value name not yet used in the graph, starting with `base`.
  std::string fresh_name(const std::string& base);

 private:
  int fresh_counter_ = 0;
};

}  // namespace octet::cvt

#include "converter/onnx/onnx_export.h"

#include "converter/quant/lower_context.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

namespace octet::cvt {

namespace {

int onnx_type(DType t) {
  using TP = onnx::TensorProto;
  switch (t) {
    case DType::kFloat32: return TP::FLOAT;
    case DType::kInt64: return TP::INT64;
    case DType::kInt32: return TP::INT32;
    case DType::kInt8: return TP::INT8;
    case DType::kUInt8: return TP::UINT8;
    case DType::kBool: return TP::BOOL;
  }
  return TP::FLOAT;
}

void fill_tensor(const std::string& name, const Tensor& t, onnx::TensorProto* tp) {
  tp->set_name(name);
  tp->set_data_type(onnx_type(t.dtype));
  for (int64_t d : t.shape) tp->add_dims(d);
  tp->set_raw_data(std::string(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size()));
}

void fill_attribute(const std::string& name, const Attribute& a, onnx::AttributeProto* ap) {
  using AP = onnx::AttributeProto;
  ap->set_name(name);
  switch (a.kind) {
    case Attribute::kInt: ap->set_type(AP::INT); ap->set_i(a.i); break;
    case Attribute::kFloat: ap->set_type(AP::FLOAT); ap->set_f(a.f); break;
    case Attribute::kString: ap->set_type(AP::STRING); ap->set_s(a.s); break;
    case Attribute::kInts: ap->set_type(AP::INTS); for (int64_t v : a.ints) ap->add_ints(v); break;
    case Attribute::kFloats: ap->set_type(AP::FLOATS); for (float v : a.floats) ap->add_floats(v); break;
    case Attribute::kStrings: ap->set_type(AP::STRINGS); for (const auto& v : a.strings) ap->add_strings(v); break;
    case Attribute::kTensor: ap->set_type(AP::TENSOR); fill_tensor("", a.t, ap->mutable_t()); break;
    case Attribute::kGraph: break;
  }
}

class Exporter {
 public:
  Exporter(const Graph& g, const LowerResult& r) : g_(g), r_(r) { graph_ = model_.mutable_graph(); }

  bool run(std::string* error) {
    model_.set_ir_version(8);
    model_.set_producer_name("octet-convert");
    // Opset 17 at least (per-axis DequantizeLinear, LayerNormalization); an opset-18
    // source keeps its own node forms.
    model_.add_opset_import()->set_version(std::max<int64_t>(17, g_.opset));
    graph_->set_name(g_.name.empty() ? "octet" : g_.name);
    for (const auto& w : r_.weights) weight_of_[w.weights] = &w;
    for (const auto& d : r_.dispatch)
      if (d.int8) int8_nodes_.insert(d.node);
    for (const auto& w : r_.weights)
      if (!w.bias.empty()) bias_of_[w.bias] = &w;
    // Constants: quantized weights and biases behind a DequantizeLinear, the rest as is.
    for (const auto& kv : g_.constants) {
      if (weight_of_.count(kv.first)) write_weight(kv.first, kv.second, *weight_of_[kv.first]);
      else if (bias_of_.count(kv.first)) write_bias(kv.first, kv.second, *bias_of_[kv.first]);
      else fill_tensor(kv.first, kv.second, graph_->add_initializer());
    }
    for (const auto& in : g_.inputs) {
      value_info(in, graph_->add_input());
      qdq(in);
    }
    for (const auto& n : g_.nodes) {
      if (!upgrade(n, error)) return false;
      for (const auto& o : n.outputs)
        if (!o.empty()) qdq(o);
    }
    for (const auto& out : g_.outputs) {
      auto* v = graph_->add_output();
      v->set_name(out);
      v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    }
    return true;
  }
  const onnx::ModelProto& model() const { return model_; }

 private:
  // The name consumers read: the DequantizeLinear output of a quantized value.
  std::string use(const std::string& v) const {
    auto it = renamed_.find(v);
    return it == renamed_.end() ? v : it->second;
  }

  void value_info(const std::string& v, onnx::ValueInfoProto* vi) {
    vi->set_name(v);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    const ValueInfo* info = g_.info(v);
    tt->set_elem_type(onnx_type(info ? info->dtype : DType::kFloat32));
    if (info && info->has_shape)
      for (int64_t d : info->shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }

  std::string scalar(float v, DType t, int32_t z = 0) {
    const std::string name = "qdq_const_" + std::to_string(counter_++);
    Tensor c(t, {});
    if (t == DType::kFloat32) c.data<float>()[0] = v;
    else c.data<int8_t>()[0] = static_cast<int8_t>(z);
    fill_tensor(name, c, graph_->add_initializer());
    return name;
  }

  onnx::NodeProto* node(const std::string& op, const std::string& name, const std::vector<std::string>& in,
                        const std::vector<std::string>& out) {
    auto* n = graph_->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return n;
  }

  void qdq(const std::string& v) {
    auto it = r_.values.find(v);
    if (it == r_.values.end() || !it->second.quantized) return;
    const std::string s = scalar(it->second.scale, DType::kFloat32), z = scalar(0, DType::kInt8, it->second.zero_point);
    if (g_.is_output(v) && std::find(g_.inputs.begin(), g_.inputs.end(), v) == g_.inputs.end()) {
      // Graph outputs keep their names: the producer writes v_float, the
      // DequantizeLinear writes v.
      for (auto& pn : *graph_->mutable_node())
        for (int i = 0; i < pn.output_size(); ++i)
          if (pn.output(i) == v) pn.set_output(i, v + "_float");
      node("QuantizeLinear", v + "_quantize", {v + "_float", s, z}, {v + "_q"});
      node("DequantizeLinear", v + "_dequantize", {v + "_q", s, z}, {v});
      return;
    }
    node("QuantizeLinear", v + "_quantize", {v, s, z}, {v + "_q"});
    node("DequantizeLinear", v + "_dequantize", {v + "_q", s, z}, {v + "_dq"});
    renamed_[v] = v + "_dq";
  }

  void write_weight(const std::string& name, const Tensor& w, const WeightQuant& q) {
    Tensor wq(DType::kInt8, w.shape);
    const int64_t r = static_cast<int64_t>(w.rank());
    int64_t inner = 1;
    for (int64_t d = q.axis + 1; d < r; ++d) inner *= w.shape[d];
    const int64_t ch = w.shape[q.axis];
    for (int64_t i = 0; i < w.numel(); ++i) {
      const double v = std::nearbyint(w.get_f(i) / q.scales[(i / inner) % ch]);
      wq.data<int8_t>()[i] = static_cast<int8_t>(std::max(-128.0, std::min(127.0, v)));
    }
    fill_tensor(name + "_int8", wq, graph_->add_initializer());
    Tensor s = Tensor::from_floats({ch}, q.scales);
    fill_tensor(name + "_scale", s, graph_->add_initializer());
    Tensor z(DType::kInt8, {ch});
    fill_tensor(name + "_zero_point", z, graph_->add_initializer());
    auto* n = node("DequantizeLinear", name + "_dequantize", {name + "_int8", name + "_scale", name + "_zero_point"}, {name});
    Attribute a;
    a.kind = Attribute::kInt;
    a.i = q.axis;
    fill_attribute("axis", a, n->add_attribute());
  }

  void write_bias(const std::string& name, const Tensor& b, const WeightQuant& q) {
    Tensor bq(DType::kInt32, b.shape);
    std::vector<float> scales(q.scales.size());
    for (size_t c = 0; c < scales.size(); ++c) scales[c] = q.input_scale * q.scales[c];
    const int64_t n = b.numel();
    for (int64_t i = 0; i < n; ++i) {
      const double v = std::nearbyint(b.get_f(i) / (static_cast<double>(q.input_scale) * q.scales[n == 1 ? 0 : i]));
      bq.data<int32_t>()[i] = static_cast<int32_t>(std::max(-1073741824.0, std::min(1073741823.0, v)));
    }
    fill_tensor(name + "_int32", bq, graph_->add_initializer());
    Tensor s = Tensor::from_floats({static_cast<int64_t>(scales.size())}, scales);
    fill_tensor(name + "_scale", s, graph_->add_initializer());
    Tensor z(DType::kInt32, {static_cast<int64_t>(scales.size())});
    fill_tensor(name + "_zero_point", z, graph_->add_initializer());
    auto* d = node("DequantizeLinear", name + "_dequantize", {name + "_int32", name + "_scale", name + "_zero_point"}, {name});
    Attribute a;
    a.kind = Attribute::kInt;
    a.i = static_cast<int64_t>(b.rank()) - 1;
    fill_attribute("axis", a, d->add_attribute());
  }

  std::string ints_constant(const std::vector<int64_t>& v) {
    const std::string name = "qdq_const_" + std::to_string(counter_++);
    fill_tensor(name, Tensor::from_ints({static_cast<int64_t>(v.size())}, v), graph_->add_initializer());
    return name;
  }
  std::string float_constant(float v) { return scalar(v, DType::kFloat32); }

  // Writes node n with opset-17 inputs and attributes.
  // A float constant that octet quantizes per tensor for an int8 element-wise op.
  std::string quantized_constant(const std::string& c) {
    auto it = constant_qdq_.find(c);
    if (it != constant_qdq_.end()) return it->second;
    const Tensor* t = g_.constant(c);
    float lo = 0, hi = 0;
    for (float f : t->to_floats()) {
      lo = std::min(lo, f);
      hi = std::max(hi, f);
    }
    const QuantParams q = LowerContext::qparams_from_range(lo, hi);
    const std::string s = scalar(q.scales[0], DType::kFloat32), z = scalar(0, DType::kInt8, q.zero_points[0]);
    node("QuantizeLinear", c + "_quantize", {c, s, z}, {c + "_q"});
    node("DequantizeLinear", c + "_dequantize", {c + "_q", s, z}, {c + "_dq"});
    return constant_qdq_[c] = c + "_dq";
  }

  bool upgrade(const Node& n, std::string* error) {
    // Only nodes octet runs in int8 read the DequantizeLinear outputs; float ones
    // read the float values, as in octet.
    const bool int8 = int8_nodes_.count(n.name) != 0;
    const bool quantizes_constants = int8 && (n.op_type == "Add" || n.op_type == "Sub" || n.op_type == "Mul" ||
                                              n.op_type == "Max" || n.op_type == "Min" || n.op_type == "Concat");
    std::vector<std::string> in;
    for (const auto& i : n.inputs) {
      if (i.empty()) in.push_back("");
      else if (quantizes_constants && g_.is_constant(i) && g_.constant(i)->dtype == DType::kFloat32 &&
               !weight_of_.count(i) && !bias_of_.count(i))
        in.push_back(quantized_constant(i));
      else in.push_back(int8 ? use(i) : i);
    }
    std::map<std::string, Attribute> attrs = n.attrs;
    std::string op = n.op_type;
    const int64_t v = g_.opset;
    auto take = [&](const char* a) {
      Attribute x = attrs[a];
      attrs.erase(a);
      return x;
    };
    if (!n.domain.empty()) return *error = "--emit-qdq: node " + n.label() + " is in domain " + n.domain, false;
    if (op == "Clip" && v < 11) {
      const float lo = n.attr_f("min", -INFINITY), hi = n.attr_f("max", INFINITY);
      attrs.erase("min");
      attrs.erase("max");
      in = {in[0], float_constant(lo), float_constant(hi)};
    } else if ((op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") && v < 13 && n.has("axes")) {
      in.push_back(ints_constant(take("axes").ints));
    } else if (op == "Slice" && v < 10) {
      const auto starts = take("starts").ints, ends = take("ends").ints;
      std::vector<int64_t> axes = n.has("axes") ? take("axes").ints : std::vector<int64_t>{};
      in.push_back(ints_constant(starts));
      in.push_back(ints_constant(ends));
      if (!axes.empty()) in.push_back(ints_constant(axes));
    } else if (op == "Pad" && v < 11) {
      in.push_back(ints_constant(take("pads").ints));
      in.push_back(float_constant(n.has("value") ? take("value").f : 0.0f));
    } else if ((op == "Resize" && v < 11) || op == "Upsample") {
      std::string scales = in.size() > 1 ? in[1] : "";
      if (op == "Upsample" && n.has("scales")) {
        const auto sc = take("scales").floats;
        const std::string name = "qdq_const_" + std::to_string(counter_++);
        fill_tensor(name, Tensor::from_floats({static_cast<int64_t>(sc.size())}, sc), graph_->add_initializer());
        scales = name;
      }
      op = "Resize";
      in = {in[0], "", scales};
      Attribute s;
      s.kind = Attribute::kString;
      s.s = "asymmetric";
      attrs["coordinate_transformation_mode"] = s;
      s.s = "floor";
      attrs["nearest_mode"] = s;
      if (attrs.count("mode") && attrs["mode"].s != "nearest") attrs["mode"].s = "linear";
    } else if ((op == "Softmax" || op == "LogSoftmax") && v < 13) {
      const ValueInfo* vi = g_.info(n.inputs[0]);
      const int64_t r = vi ? static_cast<int64_t>(vi->shape.size()) : 0;
      int64_t axis = n.attr_i("axis", 1);
      if (axis < 0) axis += r;
      if (axis != r - 1) {
        // Before 13 the op runs over everything from `axis` on: Flatten, Softmax, Reshape.
        const std::string flat = n.outputs[0] + "_rows", soft = n.outputs[0] + "_rows_softmax";
        auto* f = node("Flatten", n.name + "_flatten", {in[0]}, {flat});
        Attribute a;
        a.kind = Attribute::kInt;
        a.i = axis;
        fill_attribute("axis", a, f->add_attribute());
        auto* s = node(op, n.name, {flat}, {soft});
        a.i = -1;
        fill_attribute("axis", a, s->add_attribute());
        node("Reshape", n.name + "_reshape", {soft, ints_constant(vi->shape)}, {n.outputs[0]});
        return true;
      }
    }
    if (op == "Dropout" || op == "BatchNormalization") {
      // Left in the graph only when they couldn't be folded; their opset-17 forms match.
    }
    auto* p = node(op, n.name, in, n.outputs);
    for (const auto& kv : attrs) fill_attribute(kv.first, kv.second, p->add_attribute());
    return true;
  }

  const Graph& g_;
  const LowerResult& r_;
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  std::map<std::string, const WeightQuant*> weight_of_, bias_of_;
  std::map<std::string, std::string> renamed_, constant_qdq_;
  std::set<std::string> int8_nodes_;
  int counter_ = 0;
};

}  // namespace

bool export_qdq_onnx(const Graph& g, const LowerResult& lowered, const std::string& path, std::string* error) {
  Exporter ex(g, lowered);
  if (!ex.run(error)) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !ex.model().SerializeToOstream(&f)) {
      std::remove(tmp.c_str());
      return *error = "cannot write '" + path + "'", false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return *error = "cannot write '" + path + "'", false;
  }
  return true;
}

}  // namespace octet::cvt

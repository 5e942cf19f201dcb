#include "converter/quant/lower.h"

#include <algorithm>

#include "converter/quant/lower_ops.h"

namespace octet::cvt {

namespace {

bool is_binary(const std::string& t) {
  return t == "Add" || t == "Sub" || t == "Mul" || t == "Div" || t == "Max" || t == "Min" || t == "Pow";
}
bool is_layout(const std::string& t) {
  return t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze" || t == "Identity" || t == "Transpose" ||
         t == "DepthToSpace" || t == "Pad" || t == "Slice";
}
bool is_pool(const std::string& t) {
  return t == "MaxPool" || t == "AveragePool" || t == "GlobalAveragePool" || t == "GlobalMaxPool";
}
bool is_reduce(const std::string& t) {
  return t == "ReduceMean" || t == "ReduceSum" || t == "ReduceMax" || t == "ReduceMin";
}
bool const_weights(const Graph& g, const Node& n) {
  return n.inputs.size() >= 2 && g.is_constant(n.inputs[1]) && g.constant(n.inputs[1])->rank() == 2;
}

// The model fixed a quantization for v, or for what v becomes after the
// activation, bias or Swish the lowering fuses into v's producer.
bool covered(const Graph& g, const std::string& v, int depth = 0) {
  if (g.quant.count(v)) return true;
  if (depth > 3 || g.is_output(v)) return false;
  const auto cons = g.consumers(v);
  if (cons.size() != 1) return false;
  const Node& c = g.nodes[cons[0]];
  if (!c.domain.empty() || c.inputs.empty()) return false;
  const bool act = (c.op_type == "Relu" || c.op_type == "Clip") && c.inputs[0] == v;
  const bool bias = c.op_type == "Add" && c.inputs.size() == 2 && g.is_constant(c.inputs[c.inputs[0] == v ? 1 : 0]);
  const int p = g.producer(v);
  const bool swish = p >= 0 && g.nodes[p].op_type == "Sigmoid" && c.op_type == "Mul" && c.inputs.size() == 2 &&
                     (c.inputs[0] == g.nodes[p].inputs[0] || c.inputs[1] == g.nodes[p].inputs[0]);
  return (act || bias || swish) && covered(g, c.outputs[0], depth + 1);
}

}  // namespace

bool has_lowering(const Node& n) {
  const std::string& t = n.op_type;
  return n.domain.empty() && (t == "Conv" || t == "Gemm" || t == "MatMul" || is_binary(t) || t == "Concat" || is_pool(t) ||
                              is_layout(t) || t == "Resize" || t == "Upsample" || t == "Softmax" ||
                              t == "LayerNormalization" || is_reduce(t) || t == "Relu" || t == "Clip" ||
                              t == "HardSwish" || t == "HardSigmoid" || t == "Sigmoid" || t == "Tanh" ||
                              t == "LeakyRelu" || t == "Exp" || t == "Abs" || t == "Neg" || t == "Elu" || t == "Sqrt" ||
                              t == "Reciprocal" || t == "Log" || t == "Erf" || t == "Softplus" || t == "Floor");
}

bool has_int8_kernel(const Graph& g, const Node& n, std::string* why) {
  const std::string& t = n.op_type;
  if (t == "LayerNormalization") return *why = "no int8 kernel (LayerNorm)", false;
  if (t == "Div" || t == "Pow") return *why = "no int8 kernel (" + t + ")", false;
  if (t == "Max" || t == "Min") return true;
  for (const auto& in : n.inputs) {
    if (in.empty()) continue;
    const ValueInfo* vi = g.info(in);
    const Tensor* c = g.constant(in);
    const DType dt = c ? c->dtype : vi ? vi->dtype : DType::kFloat32;
    if (dt != DType::kFloat32 && !(c && (t == "Reshape" || t == "Resize" || t == "Upsample" || t == "Slice" || t == "Pad" ||
                                         t == "Squeeze" || t == "Unsqueeze" || t == "Clip" || is_reduce(t)))) {
      *why = "input '" + in + "' is " + dtype_name(dt);
      return false;
    }
  }
  return true;
}

bool lower_node(LowerContext& ctx, size_t k) {
  const Node& n = ctx.g.nodes[k];
  const std::string& t = n.op_type;
  std::string why;
  bool int8 = ctx.o.int8;
  ctx.float_reason = ctx.o.int8 ? "" : "float model (--float)";
  if (int8 && ctx.o.keep_float.count(n.name)) {
    int8 = false;
    ctx.float_reason = "--keep-float";
  } else if (int8 && !has_int8_kernel(ctx.g, n, &why)) {
    int8 = false;
    ctx.float_reason = why;
  } else if (int8 && !ctx.g.quant.empty() && ctx.o.ranges.empty()) {
    // A pre-quantized model leaves in float the ops without Q/DQ on their output,
    // and those reading a float value it gives no quantization.
    if (!n.outputs.empty() && !covered(ctx.g, n.outputs[0])) int8 = false;
    for (const auto& in : n.inputs)
      if (!in.empty() && ctx.has(in) && !ctx.val(in).int8 && !ctx.g.quant.count(in)) int8 = false;
    if (!int8) ctx.float_reason = "float in the source model (no Q/DQ)";
  }
  // Pre-quantized models keep the rounding of every value they quantized.
  if (int8 && ctx.g.quant.empty() && (is_binary(t) || is_unary_op(ctx.g, n))) {
    bool handled = false;
    if (!lower_unary_chain(ctx, k, &handled)) return false;
    if (handled) return true;
  }
  if (t == "Conv") return lower_conv(ctx, k, int8);
  if (t == "Gemm" || (t == "MatMul" && const_weights(ctx.g, n))) return lower_fully_connected(ctx, k, int8);
  if (t == "MatMul") return lower_batch_matmul(ctx, k, int8);
  if (is_binary(t)) return lower_binary(ctx, k, int8);
  if (t == "Concat") return lower_concat(ctx, k, int8);
  if (is_pool(t)) return lower_pool(ctx, k, int8);
  if (is_layout(t)) return lower_layout(ctx, k, int8);
  if (t == "Resize" || t == "Upsample") return lower_resize(ctx, k, int8);
  if (t == "Softmax") return lower_softmax(ctx, k, int8);
  if (t == "LayerNormalization") return lower_layer_norm(ctx, k);
  if (is_reduce(t)) return lower_reduce(ctx, k, int8);
  if (is_unary_op(ctx.g, n)) return lower_unary(ctx, k, int8);
  return ctx.fail(n, "no lowering");
}

std::string unsupported_nodes(const Graph& g) {
  std::string missing;
  for (const auto& n : g.nodes)
    if (!has_lowering(n))
      missing += "\n  node " + n.label() + (n.domain.empty() ? "" : " in domain '" + n.domain + "'") + ", opset " +
                 std::to_string(g.opset) + ": octet has no kernel for " + n.op_type;
  return missing;
}

std::set<std::string> values_needing_ranges(const Graph& g) {
  std::set<std::string> v(g.inputs.begin(), g.inputs.end());
  for (const auto& n : g.nodes)
    for (const auto& o : n.outputs)
      if (!o.empty()) v.insert(o);
  return v;
}

bool lower_graph(const Graph& g, const LowerOptions& o, ModelWriter* w, LowerResult* r, std::string* error) {
  // Every node must have a lowering; name each one that hasn't.
  const std::string missing = unsupported_nodes(g);
  if (!missing.empty()) {
    *error = "unsupported operators:" + missing;
    return false;
  }
  LowerContext ctx(g, o, w, r);
  ctx.skip.assign(g.nodes.size(), false);
  for (const auto& name : g.inputs) {
    const ValueInfo* vi = g.info(name);
    if (!vi || vi->dtype != DType::kFloat32) {
      *error = "input '" + name + "' must be float32";
      return false;
    }
    Val v;
    v.shape = vi->shape;
    v.nhwc = v.shape.size() == 4;
    v.int8 = false;
    v.tensor = ctx.new_tensor(name, false, v.shape, v.nhwc, nullptr);
    w->add_input(name, v.tensor, v.nhwc);
    ctx.define(name, v);
  }
  // Lowering goes on past a node it can't take (its outputs become placeholders),
  // so the message names every such node at once.
  std::string failures;
  size_t failed = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (ctx.skip[k]) continue;
    if (lower_node(ctx, k)) continue;
    if (failures.find(ctx.error) == std::string::npos) failures += "\n  " + ctx.error;
    ++failed;
    for (const auto& out : g.nodes[k].outputs) {
      if (out.empty() || ctx.has(out)) continue;
      Val v;
      v.shape = ctx.shape_of(out);
      v.tensor = ctx.new_tensor(out, false, v.shape, false, nullptr);
      ctx.define(out, v);
    }
  }
  if (failed) {
    *error = "octet can't convert " + std::to_string(failed) + (failed == 1 ? " node" : " nodes") + " (nothing was written):" + failures;
    return false;
  }
  for (const auto& name : g.outputs) {
    if (!ctx.has(name)) {
      *error = "graph output '" + name + "' is not computed by any operator (a constant or an input?)";
      return false;
    }
    Val v = ctx.val(name);
    if (std::find(g.inputs.begin(), g.inputs.end(), name) != g.inputs.end()) {
      // An output that is an input: the quantization the model fixed for it
      // (QuantizeLinear / DequantizeLinear models), else nothing to compute.
      if (!g.quant.count(name) || !o.int8) {
        *error = "graph output '" + name + "' is the graph input itself; octet needs an operator to compute it";
        return false;
      }
      if (!ctx.get(name, true, Layout::kAny, &v)) {
        *error = ctx.error;
        return false;
      }
    }
    w->add_output(name, v.tensor, v.nhwc);
  }
  if (o.probe) {
    for (auto& kv : r->values) {
      if (std::find(g.inputs.begin(), g.inputs.end(), kv.first) != g.inputs.end()) continue;
      if (g.is_output(kv.first)) {
        kv.second.output_name = kv.first;
        continue;
      }
      kv.second.output_name = "probe:" + kv.first;
      w->add_output(kv.second.output_name, kv.second.tensor, kv.second.nhwc);
    }
  }
  return true;
}

}  // namespace octet::cvt

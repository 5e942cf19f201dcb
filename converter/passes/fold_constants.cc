#include <set>

#include "converter/float/float_executor.h"
#include "converter/float/float_ops.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

namespace {

// Evaluates every node whose inputs are all constants; returns how many.
// `created` counts the bytes of every constant folding has made so far, bounded
// like the executor's values (float_limits).
int evaluate_constant_nodes(Graph* g, int64_t* created, std::string* error, bool* failed) {
  int folded = 0;
  std::vector<Node> kept;
  for (auto& n : g->nodes) {
    bool all_const = n.domain.empty();
    for (const auto& in : n.inputs)
      if (!in.empty() && !g->is_constant(in)) all_const = false;
    for (const auto& o : n.outputs)
      if (g->is_output(o)) all_const = false;
    // Quantized weights keep their DequantizeLinear until import_quantization
    // records their scales.
    if (all_const && n.op_type == "DequantizeLinear") {
      const Tensor* c = g->constant(n.inputs[0]);
      if (c && (c->dtype == DType::kInt8 || c->dtype == DType::kUInt8)) all_const = false;
    }
    FloatOpFn fn = all_const ? find_float_op(n.op_type) : nullptr;
    if (!fn) {
      kept.push_back(std::move(n));
      continue;
    }
    std::vector<const Tensor*> ins;
    for (const auto& in : n.inputs) ins.push_back(in.empty() ? nullptr : g->constant(in));
    std::vector<Tensor> outs(n.outputs.size());
    std::string e;
    if (!fn(n, g->opset, ins, &outs, &e)) {
      *error = "constant folding of " + n.label() + " failed: " + e;
      *failed = true;
      return folded;
    }
    for (const auto& t : outs) *created += static_cast<int64_t>(t.bytes.size());
    if (!check_held_bytes(*created, "constant folding (at " + n.label() + ")", error)) {
      *failed = true;
      return folded;
    }
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      if (n.outputs[i].empty()) continue;
      ValueInfo vi;
      vi.dtype = outs[i].dtype;
      vi.shape = outs[i].shape;
      vi.has_shape = true;
      g->values[n.outputs[i]] = vi;
      g->constants[n.outputs[i]] = std::move(outs[i]);
    }
    ++folded;
  }
  g->nodes = std::move(kept);
  return folded;
}

// Runs the graph on zeros and records every value's dtype and shape.
bool record_static_shapes(Graph* g, std::string* error) {
  std::map<std::string, Tensor> inputs;
  for (const auto& name : g->inputs) {
    const ValueInfo* vi = g->info(name);
    if (!vi || !vi->fully_known()) {
      *error = "input '" + name + "' has no fixed shape";
      return false;
    }
    inputs[name] = Tensor(vi->dtype, vi->shape);
  }
  FloatExecutor ex(*g);
  std::map<std::string, Tensor> all;
  std::string e;
  if (!ex.run(inputs, &all, &e, /*keep_all=*/true)) {
    *error = "running the float graph to fix its shapes failed: " + e;
    return false;
  }
  for (const auto& kv : all) {
    ValueInfo vi;
    vi.dtype = kv.second.dtype;
    vi.shape = kv.second.shape;
    vi.has_shape = true;
    g->values[kv.first] = vi;
  }
  return true;
}

// Shape / Size of values with known shapes become constants.
int replace_shape_nodes(Graph* g) {
  int replaced = 0;
  std::vector<Node> kept;
  for (auto& n : g->nodes) {
    const bool is_shape = n.op_type == "Shape" || n.op_type == "Size";
    const ValueInfo* vi = is_shape && !n.inputs.empty() ? g->info(n.inputs[0]) : nullptr;
    if (!vi || !vi->fully_known() || !n.domain.empty() || g->is_output(n.outputs[0])) {
      kept.push_back(std::move(n));
      continue;
    }
    Tensor t;
    if (n.op_type == "Size") {
      int64_t c = 1;
      for (int64_t d : vi->shape) c *= d;
      t = Tensor(DType::kInt64, {});
      t.data<int64_t>()[0] = c;
    } else {
      const int64_t r = static_cast<int64_t>(vi->shape.size());
      int64_t start = n.attr_i("start", 0), end = n.attr_i("end", r);
      if (start < 0) start += r;
      if (end < 0) end += r;
      start = std::max<int64_t>(0, std::min(start, r));
      end = std::max<int64_t>(start, std::min(end, r));
      t = Tensor::from_ints({end - start}, std::vector<int64_t>(vi->shape.begin() + start, vi->shape.begin() + end));
    }
    g->constants[n.outputs[0]] = std::move(t);
    ++replaced;
  }
  g->nodes = std::move(kept);
  return replaced;
}

}  // namespace

bool fold_constants(Graph* g, std::string* error) {
  bool failed = false;
  int64_t created = 0;
  evaluate_constant_nodes(g, &created, error, &failed);
  if (failed) return false;
  if (!record_static_shapes(g, error)) return false;
  for (int round = 0; round < 16; ++round) {
    const int changed = replace_shape_nodes(g) + evaluate_constant_nodes(g, &created, error, &failed);
    if (failed) return false;
    if (changed == 0) break;
  }
  g->prune();
  return true;
}

}  // namespace octet::cvt

// FloatExecutor::run: a plain interpreter over Graph::nodes in their (topological)
// order. Values live in one map; each is freed after its last reader unless the
// caller keeps them all.
#include "converter/float/float_executor.h"

#include <set>

#include "converter/float/float_ops.h"

namespace octet::cvt {

bool FloatExecutor::run(const std::map<std::string, Tensor>& inputs, std::map<std::string, Tensor>* outputs,
                        std::string* error, bool keep_all) {
  std::string scratch;
  if (!error) error = &scratch;
  outputs->clear();

  // Graph inputs: every one given, with the element type the graph expects.
  const std::set<std::string> input_names(g_.inputs.begin(), g_.inputs.end());
  for (const auto& kv : inputs)
    if (!input_names.count(kv.first)) {
      *error = "'" + kv.first + "' is not an input of the graph";
      return false;
    }
  for (const auto& name : g_.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) {
      *error = "no value given for graph input '" + name + "'";
      return false;
    }
    const Tensor& t = it->second;
    int64_t n = 1;
    for (int64_t d : t.shape) {
      if (d < 0) {
        *error = "graph input '" + name + "' has a negative dimension";
        return false;
      }
      n *= d;
    }
    if (t.bytes.size() != static_cast<size_t>(n) * dtype_size(t.dtype)) {
      *error = "graph input '" + name + "' holds " + std::to_string(t.bytes.size()) + " bytes, not the " +
               std::to_string(n * dtype_size(t.dtype)) + " its shape " + shape_str(t.shape) + " needs";
      return false;
    }
    const ValueInfo* vi = g_.info(name);
    if (vi && vi->dtype != t.dtype) {
      *error = "graph input '" + name + "' is " + dtype_name(t.dtype) + "; the graph expects " + dtype_name(vi->dtype);
      return false;
    }
  }

  // Last reader of every value; graph outputs are never freed.
  std::map<std::string, size_t> last_use;
  for (size_t k = 0; k < g_.nodes.size(); ++k)
    for (const auto& v : g_.nodes[k].inputs)
      if (!v.empty()) last_use[v] = k;
  const std::set<std::string> graph_outputs(g_.outputs.begin(), g_.outputs.end());

  std::map<std::string, Tensor> values;  // produced by nodes
  int64_t held = 0;                      // bytes in `values`
  auto drop = [&](const std::string& v) {
    auto it = values.find(v);
    if (it == values.end()) return;
    held -= static_cast<int64_t>(it->second.bytes.size());
    values.erase(it);
  };
  auto lookup = [&](const std::string& v) -> const Tensor* {
    auto it = values.find(v);
    if (it != values.end()) return &it->second;
    auto in = inputs.find(v);
    if (in != inputs.end()) return &in->second;
    return g_.constant(v);
  };

  for (size_t k = 0; k < g_.nodes.size(); ++k) {
    const Node& node = g_.nodes[k];
    if (!node.domain.empty()) {
      *error = node.label() + ": operators of domain '" + node.domain + "' have no float implementation";
      return false;
    }
    FloatOpFn fn = find_float_op(node.op_type);
    if (!fn) {
      *error = node.label() + ": operator type '" + node.op_type + "' has no float implementation";
      return false;
    }
    std::vector<const Tensor*> args(node.inputs.size(), nullptr);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i].empty()) continue;
      args[i] = lookup(node.inputs[i]);
      if (!args[i]) {
        *error = node.label() + ": input '" + node.inputs[i] + "' has no value (not computed, not a constant)";
        return false;
      }
    }
    std::vector<Tensor> results(node.outputs.size());
    std::string op_error;
    if (!fn(node, g_.opset, args, &results, &op_error)) {
      *error = node.label() + ": " + (op_error.empty() ? std::string("failed") : op_error);
      return false;
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      const Tensor& t = results[i];
      int64_t n = 1;
      for (int64_t d : t.shape) n *= d;
      if (t.bytes.size() != static_cast<size_t>(n) * dtype_size(t.dtype)) {
        *error = node.label() + ": output " + std::to_string(i) + " was not computed";
        return false;
      }
      names.push_back(node.outputs[i]);
      drop(node.outputs[i]);
      held += static_cast<int64_t>(t.bytes.size());
      values[node.outputs[i]] = std::move(results[i]);
    }
    if (!check_held_bytes(held, node.label() + ": the float graph", error)) return false;
    if (observer_) {
      std::vector<const Tensor*> produced;
      for (const auto& n : names) produced.push_back(&values[n]);
      observer_(static_cast<int>(k), names, produced);
    }
    if (keep_all) continue;
    // Free what nobody reads any more: this node's inputs whose last reader it
    // was, and its outputs that nobody reads at all.
    for (const auto& v : node.inputs)
      if (!v.empty() && last_use[v] == k && !graph_outputs.count(v)) drop(v);
    for (const auto& v : names)
      if (!last_use.count(v) && !graph_outputs.count(v)) drop(v);
  }

  for (const auto& name : g_.outputs) {
    auto it = values.find(name);
    if (it != values.end()) continue;
    const Tensor* t = lookup(name);
    if (!t) {
      *error = "graph output '" + name + "' was not computed";
      return false;
    }
    values[name] = *t;  // an input or a constant passed straight through
  }
  if (keep_all) {
    *outputs = std::move(values);
  } else {
    for (const auto& name : g_.outputs) (*outputs)[name] = std::move(values[name]);
  }
  return true;
}

}  // namespace octet::cvt

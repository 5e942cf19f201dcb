#include "converter/calib/bias_correction.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>

#include "converter/float/float_executor.h"
#include "converter/float/float_ops.h"
#include "converter/quant/weight_quant.h"
#include "converter/writer/model_writer.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet::cvt {

namespace {

// One layer to correct.
struct Layer {
  size_t node = 0;
  bool conv = false;     // channel axis 1 (else the last axis)
  int64_t channels = 0;
  Tensor wq;             // dequantized weights, in the ONNX layout
  float in_scale = 0;    // the lowering's quantization of the input
  int32_t in_zp = 0;
  std::vector<double> sum;  // of op(Wq, FQ(x)) - op(W, x) per channel
  double count = 0;         // output positions per channel, over samples
};

// Weights as the lowering quantizes them, dequantized: scales per output channel on
// `axis` of the ONNX weight tensor.
Tensor dequantized_weights(const Tensor& w, const std::vector<float>& scales, int axis) {
  Tensor q(DType::kFloat32, w.shape);
  const std::vector<float> src = w.to_floats();
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < w.rank(); ++d) inner *= w.shape[d];
  const int64_t channels = w.shape[static_cast<size_t>(axis)];
  float* out = q.data<float>();
  for (int64_t i = 0; i < w.numel(); ++i) {
    const float s = scales[static_cast<size_t>((i / inner) % channels)];
    out[i] = static_cast<float>(quantize_weight(src[i], s, false)) * s;
  }
  return q;
}

// Quantize-dequantize, as the runtime's Quantize then Dequantize.
Tensor fake_quantized(const Tensor& x, float scale, int32_t zp) {
  Tensor q(DType::kFloat32, x.shape);
  const float* in = x.data<float>();
  float* out = q.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i)
    out[i] = scale * static_cast<float>(static_cast<int32_t>(quantize_value_s8(in[i], scale, zp)) - zp);
  return q;
}

// The bias the lowering reads for a Gemm's C or a fused Add's constant: one value
// per output channel (numel N with N last, or a scalar); false otherwise.
bool per_channel_values(const Tensor* c, int64_t n, std::vector<float>* v) {
  if (!c || c->dtype != DType::kFloat32) return false;
  if (c->numel() == 1) return v->assign(static_cast<size_t>(n), static_cast<float>(c->get_f(0))), true;
  if (c->numel() != n || c->shape.empty() || c->shape.back() != n) return false;
  *v = c->to_floats();
  return true;
}

// Subtracts delta from the layer's bias in g (creating one where absent).
bool apply_correction(Graph* g, size_t k, const std::vector<float>& delta) {
  Node& n = g->nodes[k];
  const int64_t c = static_cast<int64_t>(delta.size());
  std::vector<float> b(delta.size(), 0.0f);
  if (n.op_type == "Conv" || n.op_type == "Gemm") {
    const float beta = n.op_type == "Gemm" ? n.attr_f("beta", 1.0f) : 1.0f;
    if (n.input_present(2)) {
      std::vector<float> old;
      if (!per_channel_values(g->constant(n.inputs[2]), c, &old)) return false;
      for (size_t i = 0; i < b.size(); ++i) b[i] = beta * old[i];
    }
    for (size_t i = 0; i < b.size(); ++i) b[i] -= delta[i];
    const std::string name = g->fresh_name(n.name + ".bias_corrected");
    g->constants[name] = Tensor::from_floats({c}, b);
    if (n.inputs.size() < 3) n.inputs.resize(3);
    n.inputs[2] = name;
    if (n.op_type == "Gemm") n.attrs["beta"] = Attribute::Float(1.0f);
    return true;
  }
  // MatMul: the Add of a constant after it that the lowering fuses as its bias, or a
  // new one.
  const std::string y = n.outputs[0];
  const auto cons = g->consumers(y);
  if (!g->is_output(y) && cons.size() == 1) {
    Node& add = g->nodes[cons[0]];
    if (add.op_type == "Add" && add.domain.empty() && add.inputs.size() == 2) {
      const int other = add.inputs[0] == y ? 1 : 0;
      const Tensor* t = g->constant(add.inputs[other]);
      std::vector<float> old;
      if (t && per_channel_values(t, c, &old)) {
        for (size_t i = 0; i < b.size(); ++i) b[i] = old[i] - delta[i];
        const std::vector<int64_t> shape = t->numel() == 1 ? std::vector<int64_t>{c} : t->shape;
        const std::string name = g->fresh_name(add.name + ".bias_corrected");
        g->constants[name] = Tensor::from_floats(shape, b);
        add.inputs[other] = name;
        return true;
      }
    }
  }
  for (size_t i = 0; i < b.size(); ++i) b[i] = -delta[i];
  const std::string name = g->fresh_name(n.name + ".bias_corrected");
  g->constants[name] = Tensor::from_floats({c}, b);
  // y keeps its name (and its calibrated range) as the Add's output.
  const std::string mid = g->fresh_name(y + ".no_bias");
  if (const ValueInfo* vi = g->info(y)) g->values[mid] = *vi;
  n.outputs[0] = mid;
  Node add;
  add.name = g->fresh_name(n.name + ".bias");
  add.op_type = "Add";
  add.inputs = {mid, name};
  add.outputs = {y};
  g->nodes.insert(g->nodes.begin() + static_cast<long>(k) + 1, add);
  return true;
}

}  // namespace

bool correct_biases(const Graph& float_graph, Graph* g, const LowerOptions& options, size_t samples,
                    const SampleLoader& load, std::vector<std::string>* log, std::string* error) {
  if (!g->quant.empty() || !options.int8) {
    if (log) log->push_back("bias correction: skipped (" + std::string(options.int8 ? "pre-quantized model" : "float model") + ")");
    return true;
  }
  if (g->nodes.size() != float_graph.nodes.size()) return *error = "bias correction: the graphs differ", false;
  for (size_t k = 0; k < g->nodes.size(); ++k)
    if (g->nodes[k].name != float_graph.nodes[k].name || g->nodes[k].op_type != float_graph.nodes[k].op_type)
      return *error = "bias correction: the graphs differ at node " + g->nodes[k].label(), false;
  // Lower once to learn what the lowering decides: which layers run in INT8, each
  // input's quantization and each layer's weight scales.
  LowerResult lowered;
  {
    LowerOptions lo = options;
    lo.probe = false;
    ModelWriter w;
    if (!lower_graph(*g, lo, &w, &lowered, error)) return false;
  }
  std::map<std::string, bool> int8_node;
  for (const auto& d : lowered.dispatch) int8_node[d.node + "|" + d.op_type] = d.int8;
  std::map<std::string, std::deque<const WeightQuant*>> scales;  // in node order
  for (const auto& wq : lowered.weights) scales[wq.weights].push_back(&wq);

  std::vector<Layer> layers;
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    const Node& n = g->nodes[k];
    const bool conv = n.op_type == "Conv";
    const bool fc = n.op_type == "Gemm" || n.op_type == "MatMul";
    if (!n.domain.empty() || (!conv && !fc) || n.inputs.size() < 2) continue;
    const Tensor* w = g->constant(n.inputs[1]);
    if (!w || w->dtype != DType::kFloat32 || (fc && w->rank() != 2)) continue;
    auto d = int8_node.find(n.name + "|" + n.op_type);
    if (d == int8_node.end() || !d->second) continue;
    // The lowering records the weight scales of every INT8 Conv, and of INT8 fully
    // connected layers with alpha = 1.
    const bool recorded = conv || n.attr_f("alpha", 1.0f) == 1.0f;
    if (!recorded) continue;
    auto s = scales.find(n.inputs[1]);
    if (s == scales.end() || s->second.empty()) continue;
    const WeightQuant* wq = s->second.front();
    s->second.pop_front();
    auto in = lowered.values.find(n.inputs[0]);
    if (in == lowered.values.end() || !in->second.quantized || g->is_constant(n.inputs[0])) continue;
    Layer l;
    l.node = k;
    l.conv = conv;
    l.channels = static_cast<int64_t>(wq->scales.size());
    if (l.channels != w->shape[static_cast<size_t>(wq->axis)]) continue;
    l.wq = dequantized_weights(*w, wq->scales, wq->axis);
    l.in_scale = in->second.scale;
    l.in_zp = in->second.zero_point;
    l.sum.assign(static_cast<size_t>(l.channels), 0.0);
    layers.push_back(std::move(l));
  }

  for (size_t i = 0; i < samples && !layers.empty(); ++i) {
    std::map<std::string, Tensor> inputs, all;
    if (!load(i, &inputs, error)) return false;
    FloatExecutor ex(float_graph);
    if (!ex.run(inputs, &all, error, true)) return false;
    for (Layer& l : layers) {
      const Node& n = g->nodes[l.node];
      const Tensor* px = nullptr;
      if (all.count(n.inputs[0])) px = &all.at(n.inputs[0]);
      else if (inputs.count(n.inputs[0])) px = &inputs.at(n.inputs[0]);
      if (!px || px->dtype != DType::kFloat32) continue;
      const Tensor& x = *px;
      const Tensor xq = fake_quantized(x, l.in_scale, l.in_zp);
      Node op = n;  // without its bias: it cancels
      op.inputs.resize(2);
      const FloatOpFn fn = find_float_op(n.op_type);
      std::vector<Tensor> ref(1), got(1);
      const Tensor* w = g->constant(n.inputs[1]);
      if (!fn(op, g->opset, {&x, w}, &ref, error) || !fn(op, g->opset, {&xq, &l.wq}, &got, error))
        return *error = "bias correction: " + n.label() + ": " + *error, false;
      const Tensor& r = ref[0];
      const float* pr = r.data<float>();
      const float* pg = got[0].data<float>();
      const size_t axis = l.conv ? 1 : r.rank() - 1;
      if (r.rank() <= axis || r.shape[axis] != l.channels) continue;
      int64_t inner = 1;
      for (size_t a = axis + 1; a < r.rank(); ++a) inner *= r.shape[a];
      for (int64_t e = 0; e < r.numel(); ++e)
        l.sum[static_cast<size_t>((e / inner) % l.channels)] += static_cast<double>(pg[e]) - pr[e];
      l.count += static_cast<double>(r.numel() / l.channels);
    }
  }

  // Corrections, the largest relative to its layer's output range first.
  size_t corrected = 0;
  double worst_rel = 0, worst_abs = 0;
  std::string worst_layer;
  std::vector<std::pair<size_t, std::vector<float>>> deltas;
  for (const Layer& l : layers) {
    if (l.count == 0) continue;
    std::vector<float> delta(l.sum.size());
    double m = 0;
    for (size_t c = 0; c < delta.size(); ++c) {
      delta[c] = static_cast<float>(l.sum[c] / l.count);
      m = std::max(m, std::fabs(static_cast<double>(delta[c])));
    }
    const std::string& y = g->nodes[l.node].outputs[0];
    auto r = options.ranges.find(y);
    const double span = r == options.ranges.end() ? 0.0 : static_cast<double>(r->second.hi) - r->second.lo;
    const double rel = span > 0 ? m / span : 0.0;
    if (rel > worst_rel || (worst_layer.empty() && m > 0)) {
      worst_rel = rel;
      worst_abs = m;
      worst_layer = g->nodes[l.node].name;
    }
    deltas.emplace_back(l.node, std::move(delta));
  }
  // Backwards, so inserted Add nodes don't move the nodes still to come.
  for (auto it = deltas.rbegin(); it != deltas.rend(); ++it)
    if (apply_correction(g, it->first, it->second)) ++corrected;
  if (log) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "bias correction: %zu of %zu INT8 layers corrected over %zu samples; largest mean error %.4g "
                  "(%.3g%% of its output range) in '%s'",
                  corrected, layers.size(), samples, worst_abs, 100.0 * worst_rel, worst_layer.c_str());
    log->push_back(buf);
  }
  return true;
}

Graph with_float_biases(const Graph& corrected, const Graph& original, const std::set<std::string>& float_nodes) {
  Graph g = corrected;
  std::map<std::string, const Node*> before;
  for (const auto& n : original.nodes) before[n.name] = &n;
  std::set<std::string> inserted;  // outputs of float MatMuls read by an inserted Add
  for (auto& n : g.nodes) {
    const bool after_float = n.op_type == "Add" && !before.count(n.name) && !n.inputs.empty() &&
                             (inserted.count(n.inputs[0]) || inserted.count(n.inputs.back()));
    if (!float_nodes.count(n.name) && !after_float) continue;
    auto it = before.find(n.name);
    if (it != before.end()) {
      // The node as it was (a Gemm's beta included); its non-constant inputs are the same values.
      n.inputs = it->second->inputs;
      n.attrs = it->second->attrs;
      for (const auto& in : n.inputs)
        if (!in.empty() && original.is_constant(in) && !g.is_constant(in)) g.constants[in] = *original.constant(in);
      // A MatMul whose output the correction renamed feeds the Add it inserted.
      if (!n.outputs.empty() && !it->second->outputs.empty() && n.outputs[0] != it->second->outputs[0])
        inserted.insert(n.outputs[0]);
      continue;
    }
    // An Add the correction inserted after a MatMul: its constant is all correction.
    for (auto& in : n.inputs) {
      const Tensor* c = g.constant(in);
      if (!c) continue;
      Tensor zero(c->dtype, c->shape);
      in = g.fresh_name(n.name + ".uncorrected");
      g.constants[in] = zero;
    }
  }
  g.prune();
  return g;
}

}  // namespace octet::cvt

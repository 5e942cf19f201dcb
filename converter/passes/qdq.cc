// Pre-quantized models. QOperator nodes (QLinearConv, QLinearMatMul and
// com.microsoft's QLinearAdd / Mul / Concat / GlobalAveragePool / Sigmoid /
// LeakyRelu) are first rewritten into DequantizeLinear -> float op ->
// QuantizeLinear; then every QuantizeLinear -> DequantizeLinear pair on an
// activation and every DequantizeLinear of a constant is removed, leaving a float
// graph plus the scales and zero points the model fixed (Graph::quant), which the
// lowering uses instead of calibrated ranges. uint8 zero points become int8 ones
// (z - 128): the same real values, octet's single activation type.
#include <cmath>

#include "converter/passes/pass_util.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

namespace {

bool const_quant(const Graph& g, const Node& n, size_t s_index, size_t z_index, QuantAnnotation* q, bool* is_uint8) {
  const Tensor* s = n.input_present(s_index) ? g.constant(n.inputs[s_index]) : nullptr;
  if (!s || s->numel() < 1) return false;
  const Tensor* z = n.input_present(z_index) ? g.constant(n.inputs[z_index]) : nullptr;
  if (n.input_present(z_index) && !z) return false;
  // Without a zero point the type is the data's: DequantizeLinear's input x (int8 or
  // uint8), QuantizeLinear's uint8 default.
  if (z) {
    *is_uint8 = z->dtype == DType::kUInt8;
  } else if (n.op_type == "DequantizeLinear") {
    const Tensor* x = g.constant(n.inputs[0]);
    const ValueInfo* xi = g.info(n.inputs[0]);
    const DType xt = x ? x->dtype : xi ? xi->dtype : DType::kUInt8;
    if (xt == DType::kInt32) {
      *is_uint8 = false;  // int32 (bias) data
    } else {
      *is_uint8 = xt != DType::kInt8;
    }
  } else {
    *is_uint8 = true;
  }
  q->scales = s->to_floats();
  q->zero_points.assign(q->scales.size(), *is_uint8 ? -128 : 0);
  if (z) {
    if (z->numel() != s->numel()) return false;
    for (int64_t i = 0; i < z->numel(); ++i)
      q->zero_points[i] = static_cast<int32_t>(z->get_i(i)) - (*is_uint8 ? 128 : 0);
  }
  for (float v : q->scales)
    if (!(v > 0) || !std::isfinite(v)) return false;
  return true;
}

Node make(const std::string& op, const std::string& name, std::vector<std::string> in, std::vector<std::string> out) {
  Node n;
  n.op_type = op;
  n.name = name;
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}

void set_int(Node* n, const char* a, int64_t v) { n->attrs[a] = Attribute::Int(v); }

// x, scale, zero point (three inputs from `first`) -> a DequantizeLinear node.
Node dq(Graph* g, const Node& q, size_t first, const std::string& out) {
  Node d = make("DequantizeLinear", q.name + ".dq_" + std::to_string(first), {q.inputs[first], q.inputs[first + 1]}, {out});
  if (q.input_present(first + 2)) d.inputs.push_back(q.inputs[first + 2]);
  (void)g;
  return d;
}

// Rewrites one QOperator node into DQ / op / Q nodes; false when it isn't one
// (or its parameters aren't constant).
bool rewrite_qoperator(Graph* g, size_t k, std::vector<Node>* out) {
  const Node n = g->nodes[k];
  const std::string& t = n.op_type;
  const bool ms = n.domain == "com.microsoft";
  if (!(n.domain.empty() && (t == "QLinearConv" || t == "QLinearMatMul")) &&
      !(ms && (t == "QLinearAdd" || t == "QLinearMul" || t == "QLinearGlobalAveragePool" || t == "QLinearSigmoid" ||
               t == "QLinearLeakyRelu" || t == "QLinearConcat")))
    return false;
  const std::string y = n.outputs[0];
  auto fresh = [&](const std::string& b) { return g->fresh_name(y + "." + b); };
  std::vector<Node> nodes;
  std::string yf = fresh("float");
  auto quantize_out = [&](size_t s_index) {
    Node q = make("QuantizeLinear", n.name + ".q", {yf, n.inputs[s_index]}, {y});
    if (n.input_present(s_index + 1)) q.inputs.push_back(n.inputs[s_index + 1]);
    nodes.push_back(q);
  };
  if (t == "QLinearConv") {
    const std::string xf = fresh("x"), wf = fresh("w");
    nodes.push_back(dq(g, n, 0, xf));
    Node dw = dq(g, n, 3, wf);
    set_int(&dw, "axis", 0);
    nodes.push_back(dw);
    Node conv = make("Conv", n.name, {xf, wf}, {yf});
    conv.attrs = n.attrs;
    if (n.input_present(8)) {
      // Bias int32 at x_scale * w_scale[c].
      const Tensor* b = g->constant(n.inputs[8]);
      const Tensor* xs = g->constant(n.inputs[1]);
      const Tensor* ws = g->constant(n.inputs[4]);
      if (!b || !xs || !ws || xs->numel() != 1) return false;
      std::vector<float> bf(static_cast<size_t>(b->numel()));
      for (int64_t i = 0; i < b->numel(); ++i)
        bf[i] = static_cast<float>(b->get_f(i) * xs->get_f(0) * ws->get_f(ws->numel() == 1 ? 0 : i));
      const std::string bn = fresh("bias");
      g->constants[bn] = Tensor::from_floats({b->numel()}, bf);
      conv.inputs.push_back(bn);
    }
    nodes.push_back(conv);
    quantize_out(6);
  } else if (t == "QLinearMatMul") {
    const std::string af = fresh("a"), bf = fresh("b");
    nodes.push_back(dq(g, n, 0, af));
    Node db = dq(g, n, 3, bf);
    const Tensor* bc = g->constant(n.inputs[3]);
    if (bc) set_int(&db, "axis", static_cast<int64_t>(bc->rank()) - 1);
    nodes.push_back(db);
    nodes.push_back(make("MatMul", n.name, {af, bf}, {yf}));
    quantize_out(6);
  } else if (t == "QLinearAdd" || t == "QLinearMul") {
    const std::string af = fresh("a"), bf = fresh("b");
    nodes.push_back(dq(g, n, 0, af));
    nodes.push_back(dq(g, n, 3, bf));
    nodes.push_back(make(t == "QLinearAdd" ? "Add" : "Mul", n.name, {af, bf}, {yf}));
    quantize_out(6);
  } else if (t == "QLinearGlobalAveragePool" || t == "QLinearSigmoid" || t == "QLinearLeakyRelu") {
    if (t == "QLinearGlobalAveragePool" && n.attr_i("channels_last", 0) != 0) return false;
    const std::string xf = fresh("x");
    nodes.push_back(dq(g, n, 0, xf));
    Node op = make(t == "QLinearGlobalAveragePool" ? "GlobalAveragePool" : t == "QLinearSigmoid" ? "Sigmoid" : "LeakyRelu",
                   n.name, {xf}, {yf});
    if (t == "QLinearLeakyRelu") op.attrs = n.attrs;
    nodes.push_back(op);
    quantize_out(3);
  } else {  // QLinearConcat: Y_scale, Y_zero_point, then (x, scale, zero point) triples
    Node cat = make("Concat", n.name, {}, {yf});
    cat.attrs = n.attrs;
    for (size_t i = 2; i + 2 < n.inputs.size() + 1; i += 3) {
      const std::string xf = fresh("x" + std::to_string(i));
      nodes.push_back(dq(g, n, i, xf));
      cat.inputs.push_back(xf);
    }
    nodes.push_back(cat);
    Node q = make("QuantizeLinear", n.name + ".q", {yf, n.inputs[0], n.inputs[1]}, {y});
    nodes.push_back(q);
  }
  for (const auto& nn : nodes)
    if (nn.op_type == "QuantizeLinear" || nn.op_type == "DequantizeLinear") {
      QuantAnnotation qa;
      bool u8;
      if (!const_quant(*g, nn, 1, 2, &qa, &u8)) return false;
    }
  *out = std::move(nodes);
  return true;
}

}  // namespace

bool import_quantization(Graph* g, std::vector<std::string>* log, std::string* error) {
  (void)error;
  size_t qops = 0, pairs = 0, weights = 0;
  // 1. QOperator -> QDQ.
  std::vector<Node> rewritten;
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    std::vector<Node> nodes;
    if (rewrite_qoperator(g, k, &nodes)) {
      ++qops;
      for (auto& n : nodes) rewritten.push_back(std::move(n));
    } else {
      rewritten.push_back(g->nodes[k]);
    }
  }
  g->nodes = std::move(rewritten);
  // 2. DequantizeLinear of constants -> float constants (int8 / uint8 ones keep
  //    their quantization as an annotation of the weights).
  std::vector<Node> kept;
  for (auto& n : g->nodes) {
    QuantAnnotation qa;
    bool u8 = false;
    const Tensor* c = n.op_type == "DequantizeLinear" && n.domain.empty() ? g->constant(n.inputs[0]) : nullptr;
    if (!c || !const_quant(*g, n, 1, 2, &qa, &u8)) {
      kept.push_back(std::move(n));
      continue;
    }
    const int64_t r = static_cast<int64_t>(c->rank());
    int64_t axis = n.attr_i("axis", 1);
    if (axis < 0) axis += r;
    const bool per_axis = qa.scales.size() > 1;
    if (per_axis && (axis < 0 || axis >= r || c->shape[axis] != static_cast<int64_t>(qa.scales.size()))) {
      kept.push_back(std::move(n));
      continue;
    }
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < r; ++d) inner *= c->shape[d];
    Tensor f(DType::kFloat32, c->shape);
    const int32_t shift = c->dtype == DType::kUInt8 ? 128 : 0;
    for (int64_t i = 0; i < c->numel(); ++i) {
      const size_t ch = per_axis ? static_cast<size_t>((i / inner) % c->shape[axis]) : 0;
      const double q = c->get_f(i) - shift;
      f.data<float>()[i] = static_cast<float>((q - qa.zero_points[ch]) * qa.scales[ch]);
    }
    if (c->dtype == DType::kInt8 || c->dtype == DType::kUInt8) {
      qa.axis = per_axis ? static_cast<int>(axis) : -1;
      g->quant[n.outputs[0]] = qa;
      ++weights;
    }
    g->constants[n.outputs[0]] = std::move(f);
  }
  g->nodes = std::move(kept);
  // 3. DequantizeLinear of an int8 / uint8 graph input: the input becomes float
  //    (callers give the dequantized values, or raw int8 bytes through the C API).
  for (const auto& in : g->inputs) {
    ValueInfo* vi = g->values.count(in) ? &g->values[in] : nullptr;
    if (!vi || (vi->dtype != DType::kUInt8 && vi->dtype != DType::kInt8)) continue;
    const auto cons = g->consumers(in);
    QuantAnnotation qa;
    bool ok = !cons.empty() && !g->is_output(in);
    for (int c : cons) {
      const Node& d = g->nodes[c];
      QuantAnnotation da;
      bool u8;
      ok &= d.op_type == "DequantizeLinear" && d.inputs[0] == in && const_quant(*g, d, 1, 2, &da, &u8) &&
            da.scales.size() == 1 && (qa.scales.empty() || (da.scales == qa.scales && da.zero_points == qa.zero_points));
      if (ok) qa = da;
    }
    if (!ok) continue;
    std::vector<std::string> outs;
    for (int c : cons) outs.push_back(g->nodes[c].outputs[0]);
    for (const auto& o : outs) g->replace_uses(o, in);
    vi->dtype = DType::kFloat32;
    g->quant[in] = qa;
    ++pairs;
  }
  // 4. Q -> DQ pairs on activations; a QuantizeLinear producing a graph output
  //    gives an int8 output with its parameters (the value keeps the output's name).
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node& q = g->nodes[k];
    if (q.op_type != "QuantizeLinear" || !q.domain.empty()) continue;
    QuantAnnotation qa;
    bool u8 = false;
    if (!const_quant(*g, q, 1, 2, &qa, &u8) || qa.scales.size() != 1) continue;
    const std::string x = q.inputs[0], yq = q.outputs[0];
    if (g->is_output(yq)) {
      if (!g->consumers(yq).empty()) continue;
      const int p = g->producer(x);
      if (p >= 0 && !g->is_output(x)) {
        for (auto& node : g->nodes) {
          for (auto& o : node.outputs)
            if (o == x) o = yq;
          for (auto& i : node.inputs)
            if (i == x) i = yq;
        }
        if (g->values.count(x)) g->values[yq] = g->values[x];
        g->values[yq].dtype = DType::kFloat32;
        g->quant[yq] = qa;
        q.inputs[0].clear();
        q.outputs[0].clear();  // the QuantizeLinear itself goes
      } else {
        // x is a graph input or output itself: an Identity keeps both names.
        q.op_type = "Identity";
        q.inputs = {x};
        q.attrs.clear();
        g->values[yq] = g->values.count(x) ? g->values[x] : ValueInfo();
        g->values[yq].dtype = DType::kFloat32;
        g->quant[yq] = qa;
        if (!g->quant.count(x)) g->quant[x] = qa;
      }
      ++pairs;
      continue;
    }
    bool all_dq = true;
    for (int c : g->consumers(yq)) {
      const Node& d = g->nodes[c];
      QuantAnnotation da;
      bool du8;
      all_dq &= d.op_type == "DequantizeLinear" && d.inputs[0] == yq && const_quant(*g, d, 1, 2, &da, &du8) &&
                da.scales == qa.scales && da.zero_points == qa.zero_points;
    }
    if (!all_dq) continue;
    // Each DequantizeLinear becomes a Clip to the representable range: the float
    // graph keeps the saturation the pair applied (exporters fold Relu and Clip
    // into it), and the lowering drops the Clip where it is a no-op in int8.
    const float lo = qa.scales[0] * static_cast<float>(-128 - qa.zero_points[0]);
    const float hi = qa.scales[0] * static_cast<float>(127 - qa.zero_points[0]);
    std::string lo_name, hi_name;
    if (g->opset >= 11) {
      lo_name = g->fresh_name(x + ".qmin");
      hi_name = g->fresh_name(x + ".qmax");
      g->constants[lo_name] = Tensor::scalar_f(lo);
      g->constants[hi_name] = Tensor::scalar_f(hi);
    }
    for (int c : g->consumers(yq)) {
      Node& d = g->nodes[c];
      d.op_type = "Clip";
      d.name = d.name.empty() ? d.outputs[0] : d.name;
      d.attrs.clear();
      if (g->opset >= 11) {
        d.inputs = {x, lo_name, hi_name};
      } else {
        d.inputs = {x};
        d.attrs["min"] = Attribute::Float(lo);
        d.attrs["max"] = Attribute::Float(hi);
      }
      g->quant[d.outputs[0]] = qa;
    }
    if (!g->quant.count(x)) g->quant[x] = qa;
    ++pairs;
  }
  g->prune();
  // 5. Ops that move values without arithmetic share one quantization: a value the
  //    Q/DQ nodes don't cover takes it from across such an op (exporters quantize
  //    one side only).
  if (!g->quant.empty()) {
    auto same_quant = [](const Node& n) {
      const std::string& t = n.op_type;
      return n.domain.empty() && (t == "MaxPool" || t == "Relu" || t == "Reshape" || t == "Transpose" || t == "Squeeze" ||
                                  t == "Unsqueeze" || t == "Flatten" || t == "Identity" || t == "Slice" ||
                                  t == "DepthToSpace" || t == "SpaceToDepth" ||
                                  (t == "Resize" && n.attr_s("mode", "nearest") == "nearest"));
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& n : g->nodes) {
        if (!same_quant(n) || n.inputs.empty() || n.outputs.empty()) continue;
        const std::string &x = n.inputs[0], &y = n.outputs[0];
        const bool hx = g->quant.count(x) != 0, hy = g->quant.count(y) != 0;
        if (n.op_type == "Relu") {
          // Exact on the input's grid: relu(s(q - z)) = s(max(q, z) - z); forward only.
          if (hx && !hy && g->quant[x].scales.size() == 1) {
            g->quant[y] = g->quant[x];
            changed = true;
          }
          continue;
        }
        if (hx && !hy && g->quant[x].scales.size() == 1) {
          g->quant[y] = g->quant[x];
          changed = true;
        } else if (hy && !hx && !g->is_constant(x)) {
          g->quant[x] = g->quant[y];
          changed = true;
        }
      }
    }
  }
  if (qops) log->push_back("rewrote " + std::to_string(qops) + " QOperator nodes as QuantizeLinear/DequantizeLinear around float ops");
  if (pairs || weights)
    log->push_back("took the model's own quantization: " + std::to_string(pairs) + " activation Q/DQ pairs, " +
                   std::to_string(weights) + " quantized constants");
  return true;
}

}  // namespace octet::cvt

// Lowering of element-wise ops: binary (Add, Sub, Mul, ...), Concat and unary
// functions (int8 through a 256-entry table the converter computes).
#include <algorithm>
#include <cmath>

#include "converter/quant/lower_ops.h"
#include "kernels/reference/qs8-binary-reference.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/requantize.h"

namespace octet::cvt {

namespace {

// NHWC when some non-constant 4-D input is stored NHWC and every other
// non-constant input is 4-D too.
bool pick_nhwc(LowerContext& ctx, const Node& n, size_t out_rank) {
  if (out_rank != 4) return false;
  bool any = false;
  for (const auto& in : n.inputs) {
    if (in.empty() || ctx.g.is_constant(in)) continue;
    if (!ctx.has(in)) return false;
    const Val& v = ctx.val(in);
    if (v.shape.size() != 4) return false;
    any |= v.nhwc;
  }
  return any;
}

Val output_val(LowerContext& ctx, const std::string& y, bool int8, bool nhwc, const QuantParams& q) {
  Val out;
  out.int8 = int8;
  out.shape = ctx.shape_of(y);
  out.nhwc = nhwc && out.shape.size() == 4;
  out.q = q;
  out.tensor = ctx.new_tensor(y, int8, out.shape, out.nhwc, &q);
  return out;
}

bool unary_function(const Graph& g, const Node& n, UnaryFunction* f, float* alpha, float* beta) {
  const std::string& t = n.op_type;
  *alpha = 0;
  *beta = 0;
  if (t == "Relu") *f = UnaryFunction::kRelu;
  else if (t == "Clip") {
    *f = UnaryFunction::kClamp;
    float lo = -INFINITY, hi = INFINITY;
    if (g.opset < 11) {
      lo = n.attr_f("min", -INFINITY);
      hi = n.attr_f("max", INFINITY);
    } else {
      for (int i = 1; i <= 2; ++i) {
        if (!n.input_present(i)) continue;
        const Tensor* c = g.constant(n.inputs[i]);
        if (!c || c->numel() != 1) return false;
        (i == 1 ? lo : hi) = static_cast<float>(c->get_f(0));
      }
    }
    *alpha = lo;
    *beta = hi;
  } else if (t == "HardSwish") *f = UnaryFunction::kHardSwish;
  else if (t == "HardSigmoid") {
    *f = UnaryFunction::kHardSigmoid;
    *alpha = n.attr_f("alpha", 0.2f);
    *beta = n.attr_f("beta", 0.5f);
  } else if (t == "Sigmoid") *f = UnaryFunction::kSigmoid;
  else if (t == "Tanh") *f = UnaryFunction::kTanh;
  else if (t == "LeakyRelu") {
    *f = UnaryFunction::kLeakyRelu;
    *alpha = n.attr_f("alpha", 0.01f);
  } else if (t == "Exp") *f = UnaryFunction::kExp;
  else if (t == "Abs") *f = UnaryFunction::kAbs;
  else if (t == "Neg") *f = UnaryFunction::kNeg;
  else if (t == "Elu") {
    *f = UnaryFunction::kElu;
    *alpha = n.attr_f("alpha", 1.0f);
  } else if (t == "Sqrt") *f = UnaryFunction::kSqrt;
  else if (t == "Reciprocal") *f = UnaryFunction::kReciprocal;
  else if (t == "Log") *f = UnaryFunction::kLog;
  else if (t == "Erf") *f = UnaryFunction::kErf;
  else if (t == "Softplus") *f = UnaryFunction::kSoftplus;
  else if (t == "Floor") *f = UnaryFunction::kFloor;
  else return false;
  return true;
}

// One step of a chain of element-wise functions of a single value v: a unary
// function of v, or v combined with a scalar constant.
struct Step {
  const Node* node = nullptr;
  bool unary = false;
  UnaryFunction f = UnaryFunction::kRelu;
  float alpha = 0, beta = 0;
  char op = 0;  // '+', '-', '*', '/' for the binary steps
  bool constant_first = false;
  double c = 0;
  double operator()(double x) const {
    if (unary) return unary_function_f64(f, x, alpha, beta);
    switch (op) {
      case '+': return x + c;
      case '-': return constant_first ? c - x : x - c;
      case '*': return x * c;
      default: return constant_first ? c / x : x / c;
    }
  }
};

bool step_of(const Graph& g, const Node& n, const std::string& v, Step* s) {
  if (!n.domain.empty() || n.outputs.size() != 1 || n.inputs.empty() || n.inputs[0].empty()) return false;
  s->node = &n;
  if (unary_function(g, n, &s->f, &s->alpha, &s->beta)) {
    s->unary = true;
    return n.inputs[0] == v;
  }
  const std::string& t = n.op_type;
  if (n.inputs.size() != 2 || (t != "Add" && t != "Sub" && t != "Mul" && t != "Div")) return false;
  const int ci = n.inputs[1] != v ? 1 : n.inputs[0] != v ? 0 : -1;
  if (ci < 0 || n.inputs[1 - ci] != v) return false;
  const Tensor* c = g.constant(n.inputs[ci]);
  if (!c || c->numel() != 1 || c->dtype != DType::kFloat32) return false;
  // A constant of higher rank would broadcast v to a new shape: not element-wise.
  const ValueInfo* vi = g.info(v);
  if (!vi || !vi->has_shape || c->rank() > vi->shape.size()) return false;
  s->unary = false;
  s->op = t == "Add" ? '+' : t == "Sub" ? '-' : t == "Mul" ? '*' : '/';
  s->constant_first = ci == 0;
  s->c = c->get_f(0);
  return true;
}

// The longest chain of int8 element-wise steps starting at node k: each step's
// output read only by the next step. Fused, the chain is one table from its input
// quantization to its output's, so the values between are never rounded to 8 bits.
std::vector<Step> unary_chain(LowerContext& ctx, size_t k) {
  std::vector<Step> chain;
  const Graph& g = ctx.g;
  Step s;
  if (g.nodes[k].inputs.empty() ||
      (!step_of(g, g.nodes[k], g.nodes[k].inputs[0], &s) && !step_of(g, g.nodes[k], g.nodes[k].inputs.back(), &s)))
    return chain;
  // Sigmoid(x) read by x * Sigmoid(x) is lowered as Swish by lower_unary.
  if (s.unary && s.f == UnaryFunction::kSigmoid) return chain;
  chain.push_back(s);
  for (;;) {
    const std::string& y = chain.back().node->outputs[0];
    if (g.is_output(y) || g.quant.count(y)) break;
    const auto cons = g.consumers(y);
    if (cons.size() != 1 || ctx.skip[cons[0]]) break;
    const Node& m = g.nodes[cons[0]];
    std::string why;
    if (ctx.o.keep_float.count(m.name) || !has_int8_kernel(g, m, &why) || !step_of(g, m, y, &s)) break;
    if (s.unary && s.f == UnaryFunction::kSigmoid) break;
    chain.push_back(s);
  }
  return chain;
}

}  // namespace

std::function<double(double)> elementwise_reader(const Graph& g, const std::string& v) {
  std::vector<Step> chain;
  std::string y = v;
  // The steps the lowering would put in one table (unary_chain's rules; --keep-float
  // is not known here). A Sigmoid is a table of its own: it ends a chain, and a value
  // a Sigmoid reads keeps the plain error. (Measured on PP-OCRv4 rec with the whole
  // recipe: with the Sigmoid as reader function 79.2% of held-out strings equal to
  // FP32, without 87.2%; its flat sides invite clipping that the float layers chosen
  // afterwards then pay for.)
  while (!g.is_output(y)) {
    const auto cons = g.consumers(y);
    Step s;
    std::string why;
    if (cons.size() != 1 || !step_of(g, g.nodes[cons[0]], y, &s) || !has_int8_kernel(g, g.nodes[cons[0]], &why)) break;
    if (s.unary && s.f == UnaryFunction::kSigmoid) break;
    chain.push_back(s);
    y = s.node->outputs[0];
  }
  if (chain.empty()) return nullptr;
  return [chain](double x) {
    for (const Step& s : chain) x = s(x);
    return x;
  };
}

bool lower_unary_chain(LowerContext& ctx, size_t k, bool* handled) {
  *handled = false;
  std::vector<Step> chain = unary_chain(ctx, k);
  // A lone unary function keeps its own lowering (Swish, no-op clamps); a lone
  // scalar Add/Mul becomes a table, one rounding instead of the binary kernel's two.
  if (chain.empty() || (chain.size() == 1 && chain[0].unary)) return true;
  const Node& n = ctx.g.nodes[k];
  const Step& first = chain[0];
  const std::string x = first.unary ? n.inputs[0] : n.inputs[first.constant_first ? 1 : 0];
  const std::string y = chain.back().node->outputs[0];
  Val in;
  if (!ctx.get(x, true, Layout::kAny, &in)) return false;
  QuantParams qy;
  if (!ctx.qparams(y, &qy)) return false;
  Val out = output_val(ctx, y, true, in.nhwc, qy);
  std::vector<int8_t> table(256);
  build_qs8_lut_of(
      [&chain](double v) {
        for (const Step& s : chain) v = s(v);
        return v;
      },
      in.scale(), in.zero_point(), qy.scales[0], qy.zero_points[0], table.data());
  ctx.w->add_operator(
      fb::OperatorOptions::UnaryOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreateUnaryOptionsDirect(b, fb::UnaryKind::TABLE, 0.0f, 0.0f, &table).Union();
      },
      {in.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, true, chain.size() == 1 ? "table" : "table of " + std::to_string(chain.size()) + " element-wise steps");
  for (size_t i = 1; i < chain.size(); ++i) {
    const Node& m = *chain[i].node;
    ctx.skip[static_cast<size_t>(&m - ctx.g.nodes.data())] = true;
    ctx.r->dispatch.push_back({m.name, m.op_type, true, "fused into the table of " + n.name});
  }
  *handled = true;
  return true;
}

bool is_unary_op(const Graph& g, const Node& n) {
  UnaryFunction f;
  float a, b;
  return unary_function(g, n, &f, &a, &b);
}

bool lower_binary(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  if (n.inputs.size() != 2) return ctx.fail(n, "needs two inputs");
  fb::BinaryKind kind;
  if (n.op_type == "Add") kind = fb::BinaryKind::ADD;
  else if (n.op_type == "Sub") kind = fb::BinaryKind::SUB;
  else if (n.op_type == "Mul") kind = fb::BinaryKind::MUL;
  else if (n.op_type == "Div") kind = fb::BinaryKind::DIV;
  else if (n.op_type == "Max") kind = fb::BinaryKind::MAXIMUM;
  else if (n.op_type == "Min") kind = fb::BinaryKind::MINIMUM;
  else if (n.op_type == "Pow") kind = fb::BinaryKind::POW;
  else return ctx.fail(n, "not a binary op");
  Clamp clamp;
  std::string y = n.outputs[0];
  if (kind == fb::BinaryKind::ADD || kind == fb::BinaryKind::SUB) y = ctx.fuse_activation(k, y, &clamp);
  if (int8) {
    // The int8 kernels bound the scale ratios (docs/QUANTIZATION.md); a node whose
    // ranges fall outside them runs in float rather than fail to load.
    QuantParams qa, qb, qy;
    auto prospective = [&](const std::string& in, QuantParams* q) {
      if (const Tensor* c = ctx.g.constant(in)) {
        float lo = 0, hi = 0;
        for (float f : c->to_floats()) {
          lo = std::min(lo, f);
          hi = std::max(hi, f);
        }
        *q = LowerContext::qparams_from_range(lo, hi);
        return true;
      }
      if (ctx.has(in) && ctx.val(in).int8) return *q = ctx.val(in).q, true;
      return ctx.qparams(in, q);
    };
    if (!prospective(n.inputs[0], &qa) || !prospective(n.inputs[1], &qb) || !ctx.qparams(y, &qy)) return false;
    bool ok = true;
    if (kind == fb::BinaryKind::MUL) {
      QuantizedMultiplier m;
      ok = quantize_multiplier(static_cast<double>(qa.scales[0]) * qb.scales[0] / qy.scales[0], &m);
    } else if (kind == fb::BinaryKind::ADD || kind == fb::BinaryKind::SUB) {
      QAddParams p;
      ok = compute_qs8_add_params(qa.scales[0], qa.zero_points[0], qb.scales[0], qb.zero_points[0], qy.scales[0],
                                  qy.zero_points[0], kind == fb::BinaryKind::SUB, -128, 127, &p);
    } else if (kind == fb::BinaryKind::MAXIMUM || kind == fb::BinaryKind::MINIMUM) {
      QMinMaxParams p;
      ok = compute_qs8_minmax_params(qa.scales[0], qa.zero_points[0], qb.scales[0], qb.zero_points[0], qy.scales[0],
                                     qy.zero_points[0], -128, 127, &p);
    }
    if (!ok) {
      int8 = false;
      ctx.float_reason = "scale ratios beyond the int8 kernel's bounds";
    }
  }
  const size_t rank = ctx.shape_of(y).size();
  const bool nhwc = pick_nhwc(ctx, n, rank);
  Val a, b;
  for (int i = 0; i < 2; ++i) {
    Val& v = i ? b : a;
    const std::string& in = n.inputs[i];
    if (ctx.g.is_constant(in)) {
      if (!ctx.constant_operand(in, int8, rank, nhwc, &v)) return false;
    } else if (!ctx.get(in, int8, nhwc ? Layout::kNhwc : Layout::kPlain, &v)) {
      return false;
    }
  }
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  Val out = output_val(ctx, y, int8, nhwc, qy);
  int32_t qmin = -128, qmax = 127;
  if (int8) LowerContext::quantized_clamp(clamp, qy, &qmin, &qmax);
  const fb::FloatClamp fc(clamp.lo, clamp.hi);
  ctx.w->add_operator(
      fb::OperatorOptions::BinaryOptions,
      [=](flatbuffers::FlatBufferBuilder& bb) { return fb::CreateBinaryOptions(bb, kind, qmin, qmax, int8 ? nullptr : &fc).Union(); },
      {a.tensor, b.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

bool lower_concat(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const std::string& y = n.outputs[0];
  const size_t rank = ctx.shape_of(y).size();
  int64_t axis = n.attr_i("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) return ctx.fail(n, "axis out of range");
  const bool nhwc = pick_nhwc(ctx, n, rank);
  std::vector<int> ins;
  for (const auto& in : n.inputs) {
    Val v;
    if (ctx.g.is_constant(in) ? !ctx.constant_operand(in, int8, rank, nhwc, &v)
                              : !ctx.get(in, int8, nhwc ? Layout::kNhwc : Layout::kPlain, &v))
      return false;
    ins.push_back(v.tensor);
  }
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  Val out = output_val(ctx, y, int8, nhwc, qy);
  const int stored_axis = nhwc ? nhwc_axis(static_cast<int>(axis)) : static_cast<int>(axis);
  ctx.w->add_operator(
      fb::OperatorOptions::ConcatOptions,
      [=](flatbuffers::FlatBufferBuilder& b) { return fb::CreateConcatOptions(b, stored_axis).Union(); }, ins,
      {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

bool lower_unary(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  UnaryFunction f;
  float alpha, beta;
  std::string x = n.inputs[0], y = n.outputs[0];
  if (!unary_function(ctx.g, n, &f, &alpha, &beta)) return ctx.fail(n, "not a supported unary function");
  // Sigmoid(x) read only by Mul(x, Sigmoid(x)) is Swish.
  if (f == UnaryFunction::kSigmoid && !ctx.g.is_output(y)) {
    const auto cons = ctx.g.consumers(y);
    if (cons.size() == 1) {
      const Node& m = ctx.g.nodes[cons[0]];
      if (m.op_type == "Mul" && m.inputs.size() == 2 && !ctx.o.keep_float.count(m.name) &&
          ((m.inputs[0] == x && m.inputs[1] == y) || (m.inputs[1] == x && m.inputs[0] == y))) {
        f = UnaryFunction::kSwish;
        ctx.skip[cons[0]] = true;
        ctx.r->dispatch.push_back({m.name, "Mul", int8, "x * Sigmoid(x): fused with " + n.name + " into Swish"});
        y = m.outputs[0];
      }
    }
  }
  Val in;
  if (!ctx.get(x, int8, Layout::kAny, &in)) return false;
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  if (int8 && f == UnaryFunction::kClamp && qy.scales == in.q.scales && qy.zero_points == in.q.zero_points &&
      alpha <= in.scale() * static_cast<float>(-128 - in.zero_point()) &&
      beta >= in.scale() * static_cast<float>(127 - in.zero_point())) {
    // A clamp to (or beyond) the representable range of an unchanged quantization:
    // the int8 values already satisfy it.
    Val same = in;
    ctx.define(y, same);
    ctx.r->dispatch.push_back({n.name, n.op_type, true, "fused into the producer (a no-op in int8)"});
    return true;
  }
  Val out = output_val(ctx, y, int8, in.nhwc, qy);
  const auto kind = static_cast<fb::UnaryKind>(static_cast<int>(f) + 1);
  std::vector<int8_t> table;
  if (int8) {
    table.resize(256);
    build_qs8_lut(f, alpha, beta, in.scale(), in.zero_point(), qy.scales[0], qy.zero_points[0], table.data());
  }
  ctx.w->add_operator(
      fb::OperatorOptions::UnaryOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreateUnaryOptionsDirect(b, kind, alpha, beta, int8 ? &table : nullptr).Union();
      },
      {in.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, f == UnaryFunction::kSwish ? "Swish" : "");
  return true;
}

}  // namespace octet::cvt

// Lowering of Conv (2-D) and of the fully connected forms (Gemm, MatMul with
// constant weights, optionally followed by Add of a bias): weights quantized int8
// symmetric per output channel, bias int32 at S_in * S_w, requantization written.
#include <algorithm>
#include <cmath>

#include "converter/quant/lower_context.h"
#include "converter/quant/lower_ops.h"
#include "converter/quant/weight_quant.h"

namespace octet::cvt {

namespace {

// Largest |bias| in input_scale * weight_scale steps (the runtime's accumulator bound
// leaves the rest of int32 to the products).
constexpr double kMaxBiasSteps = 1073741823.0;

// A channel whose bias needs more steps than that (tiny weights after BatchNorm
// folding, say) gets a coarser weight scale instead of a clamped bias.
void widen_scales_for_bias(const std::vector<float>& b, float in_scale, std::vector<float>* ws) {
  for (size_t c = 0; c < b.size(); ++c) {
    const double need = std::fabs(static_cast<double>(b[c])) / (static_cast<double>(in_scale) * kMaxBiasSteps);
    if ((*ws)[c] < need) (*ws)[c] = static_cast<float>(need * 1.0000001);
  }
}

std::vector<int32_t> quantize_bias(const std::vector<float>& b, float in_scale, const std::vector<float>& w_scales) {
  std::vector<int32_t> q(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    const double v = std::nearbyint(static_cast<double>(b[i]) / (static_cast<double>(in_scale) * w_scales[i]));
    q[i] = static_cast<int32_t>(std::max(-kMaxBiasSteps, std::min(kMaxBiasSteps, v)));
  }
  return q;
}

// The weight scales the source model fixed (QDQ / QOperator) when they are
// symmetric and per output channel (`axis`) or per tensor.
bool fixed_weight_scales(const Graph& g, const std::string& w, int axis, int64_t channels, std::vector<float>* s) {
  auto it = g.quant.find(w);
  if (it == g.quant.end()) return false;
  const QuantAnnotation& q = it->second;
  for (int32_t z : q.zero_points)
    if (z != 0) return false;
  if (q.scales.size() == 1) {
    s->assign(static_cast<size_t>(channels), q.scales[0]);
    return true;
  }
  if (q.axis != axis || static_cast<int64_t>(q.scales.size()) != channels) return false;
  *s = q.scales;
  return true;
}

struct Emitted {
  int weights = -1, bias = -1;
  RequantizationValues rq;
  int32_t qmin = -128, qmax = 127;
  int32_t out_zp = 0;
  std::vector<float> scales;
};

void record_weights(LowerContext& ctx, const Node& n, const Emitted& e, int axis, float input_scale) {
  WeightQuant wq;
  wq.weights = n.inputs[1];
  wq.bias = n.input_present(2) ? n.inputs[2] : "";
  wq.scales = e.scales;
  wq.axis = axis;
  wq.input_scale = input_scale;
  ctx.r->weights.push_back(wq);
}

// Writes weights ([channels][per] in the kernel's layout, with `wshape`) and bias.
bool emit_params(LowerContext& ctx, const Node& n, bool int8, const Val& x, const QuantParams& qy, const Clamp& clamp,
                 const std::vector<float>& w, const std::vector<int32_t>& wshape, const std::vector<float>& bias,
                 int64_t channels, Emitted* e, const std::vector<float>* fixed_scales = nullptr) {
  if (int8) {
    std::vector<float> ws = fixed_scales ? *fixed_scales : channel_scales(w, channels);
    if (!fixed_scales) widen_scales_for_bias(bias, x.scale(), &ws);
    const std::vector<int8_t> wq = quantize_weights(w, ws, fixed_scales != nullptr);
    QuantParams wqp{ws, std::vector<int32_t>(static_cast<size_t>(channels), 0), 0};
    e->weights = ctx.w->add_constant(n.name + ".weight", fb::ElementType::INT8, wshape, wq.data(), wq.size(), &wqp);
    const std::vector<int32_t> bq = quantize_bias(bias, x.scale(), ws);
    e->bias = ctx.w->add_constant(n.name + ".bias", fb::ElementType::INT32, {static_cast<int32_t>(channels)}, bq.data(),
                                  bq.size() * 4);
    if (!compute_requantization(x.scale(), ws, qy.scales[0], &e->rq))
      return ctx.fail(n, "requantization multiplier out of range (input scale " + std::to_string(x.scale()) +
                             ", output scale " + std::to_string(qy.scales[0]) + ")");
    LowerContext::quantized_clamp(clamp, qy, &e->qmin, &e->qmax);
    e->out_zp = qy.zero_points[0];
    e->scales = ws;
  } else {
    e->weights = ctx.w->add_constant(n.name + ".weight", fb::ElementType::FLOAT32, wshape, w.data(), w.size() * 4);
    e->bias = ctx.w->add_constant(n.name + ".bias", fb::ElementType::FLOAT32, {static_cast<int32_t>(channels)},
                                  bias.data(), bias.size() * 4);
  }
  return true;
}

flatbuffers::Offset<fb::Requantization> write_rq(flatbuffers::FlatBufferBuilder& b, const Emitted& e) {
  return fb::CreateRequantization(b, b.CreateVector(e.rq.multiplier), b.CreateVector(e.rq.shift), e.out_zp, e.qmin, e.qmax);
}

}  // namespace

bool lower_conv(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const Tensor* wt = n.inputs.size() > 1 ? ctx.g.constant(n.inputs[1]) : nullptr;
  if (!wt || wt->rank() != 4) return ctx.fail(n, "only 2-D convolutions with constant weights are supported");
  if (n.input_present(2) && !ctx.g.is_constant(n.inputs[2])) return ctx.fail(n, "the bias must be a constant");
  const std::vector<int64_t>& xs = ctx.shape_of(n.inputs[0]);
  if (xs.size() != 4) return ctx.fail(n, "input must be 4-D (N, C, H, W)");
  const int64_t cout = wt->shape[0], cin_g = wt->shape[1], kh = wt->shape[2], kw = wt->shape[3];
  // The runtime refuses empty weights (runtime/ops/conv2d.cc).
  if (cout < 1 || cin_g < 1 || kh < 1 || kw < 1) return ctx.fail(n, "empty weights " + shape_str(wt->shape));
  const int64_t groups = n.attr_i("group", 1);
  auto strides = n.attr_ints("strides", {1, 1});
  auto dil = n.attr_ints("dilations", {1, 1});
  auto pads = n.attr_ints("pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4) return ctx.fail(n, "strides/dilations/pads must be 2-D");
  const std::string ap = n.attr_s("auto_pad", "NOTSET");
  if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    for (int a = 0; a < 2; ++a) {
      const int64_t in = xs[2 + a], s = strides[a], ke = ((a ? kw : kh) - 1) * dil[a] + 1;
      const int64_t out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + ke - in);
      const int64_t small = total / 2, big = total - small;
      pads[a] = ap == "SAME_UPPER" ? small : big;
      pads[a + 2] = ap == "SAME_UPPER" ? big : small;
    }
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  }
  Clamp clamp;
  const std::string y = ctx.fuse_activation(k, n.outputs[0], &clamp);
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kNhwc, &x)) return false;
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  // OIHW -> OHWI.
  std::vector<float> w(static_cast<size_t>(wt->numel()));
  const std::vector<float> src = wt->to_floats();
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t c = 0; c < cin_g; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) w[((o * kh + i) * kw + j) * cin_g + c] = src[((o * cin_g + c) * kh + i) * kw + j];
  std::vector<float> bias(static_cast<size_t>(cout), 0.0f);
  if (n.input_present(2)) {
    const Tensor* b = ctx.g.constant(n.inputs[2]);
    if (b->numel() != cout) return ctx.fail(n, "bias has " + std::to_string(b->numel()) + " values for " + std::to_string(cout) + " channels");
    bias = b->to_floats();
  }
  Emitted e;
  const std::vector<int32_t> wshape = {static_cast<int32_t>(cout), static_cast<int32_t>(kh), static_cast<int32_t>(kw),
                                       static_cast<int32_t>(cin_g)};
  std::vector<float> fixed;
  const bool has_fixed = fixed_weight_scales(ctx.g, n.inputs[1], 0, cout, &fixed);
  if (!emit_params(ctx, n, int8, x, qy, clamp, w, wshape, bias, cout, &e, has_fixed ? &fixed : nullptr)) return false;
  if (int8) record_weights(ctx, n, e, 0, x.scale());
  Val out;
  out.int8 = int8;
  out.nhwc = true;
  out.shape = ctx.shape_of(y);
  out.q = qy;
  out.tensor = ctx.new_tensor(y, int8, out.shape, true, &qy);
  const int sh = static_cast<int>(strides[0]), sw = static_cast<int>(strides[1]), dh = static_cast<int>(dil[0]),
            dw = static_cast<int>(dil[1]);
  const int pt = static_cast<int>(pads[0]), pl = static_cast<int>(pads[1]), pb = static_cast<int>(pads[2]),
            pr = static_cast<int>(pads[3]), gr = static_cast<int>(groups);
  const fb::FloatClamp fc(clamp.lo, clamp.hi);
  ctx.w->add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreateConv2DOptions(b, sh, sw, dh, dw, pt, pl, pb, pr, gr, int8 ? write_rq(b, e) : 0, int8 ? nullptr : &fc)
            .Union();
      },
      {x.tensor, e.weights, e.bias}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

bool lower_fully_connected(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const bool gemm = n.op_type == "Gemm";
  const Tensor* bt = ctx.g.constant(n.inputs[1]);
  if (!bt || bt->rank() != 2) return ctx.fail(n, "weights must be a 2-D constant");
  const bool trans_b = gemm && n.attr_i("transB", 0) != 0;
  if (gemm && n.attr_i("transA", 0) != 0) return ctx.fail(n, "transA = 1 is not supported");
  const float alpha = gemm ? n.attr_f("alpha", 1.0f) : 1.0f, beta = gemm ? n.attr_f("beta", 1.0f) : 1.0f;
  const int64_t kdim = trans_b ? bt->shape[1] : bt->shape[0], ndim = trans_b ? bt->shape[0] : bt->shape[1];
  if (kdim < 1 || ndim < 1) return ctx.fail(n, "empty weights " + shape_str(bt->shape));
  // Weights (N, K).
  const std::vector<float> src = bt->to_floats();
  std::vector<float> w(static_cast<size_t>(kdim * ndim));
  for (int64_t o = 0; o < ndim; ++o)
    for (int64_t i = 0; i < kdim; ++i) w[o * kdim + i] = alpha * (trans_b ? src[o * kdim + i] : src[i * ndim + o]);
  std::vector<float> bias(static_cast<size_t>(ndim), 0.0f);
  std::string y = n.outputs[0];
  auto take_bias = [&](const Tensor* c, float mul) {
    if (!c) return false;
    if (c->numel() == 1) {
      for (auto& b : bias) b += mul * static_cast<float>(c->get_f(0));
      return true;
    }
    if (c->numel() != ndim || c->shape.back() != ndim) return false;
    for (int64_t o = 0; o < ndim; ++o) bias[o] += mul * static_cast<float>(c->get_f(o));
    return true;
  };
  if (gemm && n.input_present(2)) {
    if (!take_bias(ctx.g.constant(n.inputs[2]), beta)) return ctx.fail(n, "C must be a constant of N values or a scalar");
  }
  if (!gemm && !ctx.g.is_output(y)) {
    // MatMul + Add(constant [N]) is one fully connected layer.
    const auto cons = ctx.g.consumers(y);
    if (cons.size() == 1) {
      const Node& add = ctx.g.nodes[cons[0]];
      if (add.op_type == "Add" && add.inputs.size() == 2 && !ctx.o.keep_float.count(add.name)) {
        const std::string& other = add.inputs[0] == y ? add.inputs[1] : add.inputs[0];
        if (take_bias(ctx.g.constant(other), 1.0f)) {
          ctx.skip[cons[0]] = true;
          ctx.r->dispatch.push_back({add.name, "Add", int8, "fused into " + n.name + " as its bias"});
          y = add.outputs[0];
        }
      }
    }
  }
  Clamp clamp;
  y = ctx.fuse_activation(k, y, &clamp);
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kPlain, &x)) return false;
  if (x.shape.empty() || x.shape.back() != kdim) return ctx.fail(n, "input does not end in K = " + std::to_string(kdim));
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  Emitted e;
  std::vector<float> fixed;
  const bool has_fixed = alpha == 1.0f && fixed_weight_scales(ctx.g, n.inputs[1], trans_b ? 0 : 1, ndim, &fixed);
  if (!emit_params(ctx, n, int8, x, qy, clamp, w, {static_cast<int32_t>(ndim), static_cast<int32_t>(kdim)}, bias, ndim, &e,
                   has_fixed ? &fixed : nullptr))
    return false;
  // Gemm's C and a fused Add's constant are not recorded as the bias: QDQ export
  // writes Gemm (alpha = beta = 1) and MatMul weights, and keeps such biases float.
  if (int8 && alpha == 1.0f) {
    WeightQuant wq;
    wq.weights = n.inputs[1];
    const Tensor* c = gemm && n.input_present(2) ? ctx.g.constant(n.inputs[2]) : nullptr;
    wq.bias = c && beta == 1.0f && c->numel() == ndim ? n.inputs[2] : "";
    wq.scales = e.scales;
    wq.axis = trans_b ? 0 : 1;
    wq.input_scale = x.scale();
    ctx.r->weights.push_back(wq);
  }
  Val out;
  out.int8 = int8;
  out.nhwc = false;
  out.shape = ctx.shape_of(y);
  out.q = qy;
  out.tensor = ctx.new_tensor(y, int8, out.shape, false, &qy);
  const fb::FloatClamp fc(clamp.lo, clamp.hi);
  ctx.w->add_operator(
      fb::OperatorOptions::FullyConnectedOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreateFullyConnectedOptions(b, int8 ? write_rq(b, e) : 0, int8 ? nullptr : &fc).Union();
      },
      {x.tensor, e.weights, e.bias}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

}  // namespace octet::cvt

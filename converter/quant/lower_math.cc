// Lowering of LayerNormalization (float), Reduce* and MatMul between activations.
#include <algorithm>

#include "converter/quant/lower_ops.h"

namespace octet::cvt {

bool lower_layer_norm(LowerContext& ctx, size_t k) {
  const Node& n = ctx.g.nodes[k];
  Val x;
  if (!ctx.get(n.inputs[0], false, Layout::kPlain, &x)) return false;
  const int64_t r = static_cast<int64_t>(x.shape.size());
  int64_t axis = n.attr_i("axis", -1);
  if (axis < 0) axis += r;
  if (axis != r - 1) return ctx.fail(n, "only normalisation over the last axis is supported");
  Val gamma, beta;
  if (!ctx.g.is_constant(n.inputs[1]) || !ctx.constant_operand(n.inputs[1], false, 1, false, &gamma))
    return ctx.fail(n, "scale must be constant");
  int bt = -1;
  if (n.input_present(2)) {
    if (!ctx.g.is_constant(n.inputs[2]) || !ctx.constant_operand(n.inputs[2], false, 1, false, &beta))
      return ctx.fail(n, "bias must be constant");
    bt = beta.tensor;
  }
  const std::string& y = n.outputs[0];
  Val out = x;
  out.shape = ctx.shape_of(y);
  out.tensor = ctx.new_tensor(y, false, out.shape, false, nullptr);
  const float eps = n.attr_f("epsilon", 1e-5f);
  ctx.w->add_operator(
      fb::OperatorOptions::LayerNormOptions,
      [=](flatbuffers::FlatBufferBuilder& b) { return fb::CreateLayerNormOptions(b, eps).Union(); },
      {x.tensor, gamma.tensor, bt}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, false, "no int8 kernel (LayerNorm runs in float)");
  return true;
}

bool lower_reduce(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  fb::ReduceKind kind;
  if (n.op_type == "ReduceMean") kind = fb::ReduceKind::MEAN;
  else if (n.op_type == "ReduceSum") kind = fb::ReduceKind::SUM;
  else if (n.op_type == "ReduceMax") kind = fb::ReduceKind::MAXIMUM;
  else if (n.op_type == "ReduceMin") kind = fb::ReduceKind::MINIMUM;
  else return ctx.fail(n, "unsupported reduction");
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
  const int64_t r = static_cast<int64_t>(x.shape.size());
  // From the opset where axes became an input, an "axes" attribute is not part of
  // the operator and is ignored, as the float executor ignores it
  // (converter/float/float_ops_reduce.cc).
  const bool axes_input = (n.op_type == "ReduceSum" && ctx.g.opset >= 13) || ctx.g.opset >= 18;
  std::vector<int64_t> axes = axes_input ? std::vector<int64_t>() : n.attr_ints("axes");
  if (axes_input && n.input_present(1)) {
    const Tensor* a = ctx.g.constant(n.inputs[1]);
    if (!a) return ctx.fail(n, "axes must be constant");
    axes = a->to_ints();
  }
  if (axes.empty()) {
    if (n.attr_i("noop_with_empty_axes", 0)) return ctx.fail(n, "noop_with_empty_axes is not supported");
    for (int64_t d = 0; d < r; ++d) axes.push_back(d);
  }
  const bool keep = n.attr_i("keepdims", 1) != 0;
  if (x.nhwc && !keep && !ctx.get(n.inputs[0], int8, Layout::kPlain, &x)) return false;
  std::vector<int32_t> sa;
  for (int64_t a : axes) {
    if (a < 0) a += r;
    if (a < 0 || a >= r) return ctx.fail(n, "axis out of range");
    sa.push_back(x.nhwc ? nhwc_axis(static_cast<int>(a)) : static_cast<int>(a));
  }
  std::sort(sa.begin(), sa.end());
  const std::string& y = n.outputs[0];
  {
    // The runtime refuses a reduction over an empty axis unless the output is empty
    // too (schema/octet.fbs ReduceOptions).
    int64_t out_elements = 1;
    for (int64_t d : ctx.shape_of(y)) out_elements *= d;
    for (int64_t a : axes) {
      if (a < 0) a += r;
      if (x.shape[static_cast<size_t>(a)] == 0 && out_elements != 0) return ctx.fail(n, "reduction over an empty axis is not supported");
    }
  }
  QuantParams qy = x.q;
  if (int8 && (kind == fb::ReduceKind::MEAN || kind == fb::ReduceKind::SUM) && !ctx.qparams(y, &qy)) return false;
  Val out = x;
  out.q = qy;
  out.shape = ctx.shape_of(y);
  out.nhwc = x.nhwc && keep;
  out.tensor = ctx.new_tensor(y, int8, out.shape, out.nhwc, &qy);
  ctx.w->add_operator(
      fb::OperatorOptions::ReduceOptions,
      [=](flatbuffers::FlatBufferBuilder& b) { return fb::CreateReduceOptionsDirect(b, kind, &sa, keep).Union(); },
      {x.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

bool lower_batch_matmul(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  Val a, b;
  const size_t ra = ctx.shape_of(n.inputs[0]).size(), rb = ctx.shape_of(n.inputs[1]).size();
  if (ra < 2 || rb < 2) return ctx.fail(n, "1-D MatMul operands are not supported");
  if (!ctx.get(n.inputs[0], int8, Layout::kPlain, &a) || !ctx.get(n.inputs[1], int8, Layout::kPlain, &b)) return false;
  const std::string& y = n.outputs[0];
  QuantParams qy;
  if (int8 && !ctx.qparams(y, &qy)) return false;
  RequantizationValues rq;
  if (int8 && !compute_requantization(a.scale(), {b.scale()}, qy.scales[0], &rq))
    return ctx.fail(n, "requantization multiplier out of range");
  Val out;
  out.int8 = int8;
  out.q = qy;
  out.shape = ctx.shape_of(y);
  out.tensor = ctx.new_tensor(y, int8, out.shape, false, &qy);
  const int32_t zp = int8 ? qy.zero_points[0] : 0;
  const fb::FloatClamp fc(-INFINITY, INFINITY);
  ctx.w->add_operator(
      fb::OperatorOptions::BatchMatMulOptions,
      [=](flatbuffers::FlatBufferBuilder& bb) {
        flatbuffers::Offset<fb::Requantization> r = 0;
        if (int8) r = fb::CreateRequantization(bb, bb.CreateVector(rq.multiplier), bb.CreateVector(rq.shift), zp, -128, 127);
        return fb::CreateBatchMatMulOptions(bb, false, r, int8 ? nullptr : &fc).Union();
      },
      {a.tensor, b.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

}  // namespace octet::cvt

// Lowering of ops that move elements without arithmetic: the Reshape family,
// Transpose, DepthToSpace, Pad and Slice; and Softmax, LayerNormalization,
// Reduce*, MatMul between activations.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "converter/quant/lower_ops.h"
#include "kernels/reference/qs8-softmax-reference.h"

namespace octet::cvt {

namespace {

std::vector<int32_t> to32(const std::vector<int64_t>& v) { return std::vector<int32_t>(v.begin(), v.end()); }

int add_reshape(LowerContext& ctx, const Val& x, const std::vector<int64_t>& shape, const std::string& name) {
  const int t = ctx.w->add_tensor(name, x.int8 ? fb::ElementType::INT8 : fb::ElementType::FLOAT32, to32(shape),
                                  x.int8 ? &x.q : nullptr);
  ctx.w->add_operator(fb::OperatorOptions::ReshapeOptions,
                      [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateReshapeOptions(b).Union(); }, {x.tensor},
                      {t}, name);
  return t;
}

int add_transpose(LowerContext& ctx, int in, const Val& like, const std::vector<int32_t>& out_shape,
                  const std::vector<int32_t>& perm, const std::string& name) {
  const int t = ctx.w->add_tensor(name, like.int8 ? fb::ElementType::INT8 : fb::ElementType::FLOAT32, out_shape,
                                  like.int8 ? &like.q : nullptr);
  ctx.w->add_operator(fb::OperatorOptions::TransposeOptions,
                      [perm](flatbuffers::FlatBufferBuilder& b) { return fb::CreateTransposeOptionsDirect(b, &perm).Union(); },
                      {in}, {t}, name);
  return t;
}

// A 4-D NHWC value whose H and W are 1 has the same element order as NCHW.
bool order_free(const Val& v) { return v.nhwc && v.shape.size() == 4 && v.shape[2] == 1 && v.shape[3] == 1; }

}  // namespace

bool lower_layout(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const std::string& t = n.op_type;
  const std::string& y = n.outputs[0];
  const std::vector<int64_t>& ys = ctx.shape_of(y);
  if (t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze" || t == "Identity") {
    Val x;
    if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
    if (x.nhwc && !order_free(x) && !ctx.get(n.inputs[0], int8, Layout::kPlain, &x)) return false;
    Val out = x;
    out.nhwc = false;
    out.shape = ys;
    out.tensor = add_reshape(ctx, x, ys, y);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  if (t == "Transpose") {
    Val x;
    if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
    const size_t r = x.shape.size();
    std::vector<int64_t> perm = n.attr_ints("perm");
    if (perm.empty())
      for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(r - 1 - i));
    if (perm.size() != r) return ctx.fail(n, "perm has the wrong length");
    std::vector<bool> seen(r, false);
    for (auto& p : perm) {
      if (p < 0) p += static_cast<int64_t>(r);
      if (p < 0 || p >= static_cast<int64_t>(r) || seen[p]) return ctx.fail(n, "perm is not a permutation");
      seen[p] = true;
    }
    std::vector<int32_t> p(r);
    for (size_t i = 0; i < r; ++i) p[i] = x.nhwc ? nhwc_axis(static_cast<int>(perm[i])) : static_cast<int>(perm[i]);
    Val out = x;
    out.nhwc = false;
    out.shape = ys;
    out.tensor = add_transpose(ctx, x.tensor, x, to32(ys), p, y);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  if (t == "DepthToSpace") {
    Val x;
    if (!ctx.get(n.inputs[0], int8, Layout::kNhwc, &x)) return false;
    if (x.shape.size() != 4) return ctx.fail(n, "input must be 4-D");
    const int32_t b = static_cast<int32_t>(n.attr_i("blocksize", 0));
    const int32_t N = static_cast<int32_t>(x.shape[0]), C = static_cast<int32_t>(x.shape[1]),
                  H = static_cast<int32_t>(x.shape[2]), W = static_cast<int32_t>(x.shape[3]);
    if (b < 1 || C % (b * b)) return ctx.fail(n, "channels not divisible by blocksize^2");
    const int32_t c = C / (b * b);
    const bool crd = n.attr_s("mode", "DCR") == "CRD";
    // Stored [N,H,W,C*b*b]: CRD channel = c*b*b + i*b + j; DCR = (i*b + j)*c + c.
    const std::vector<int64_t> six = crd ? std::vector<int64_t>{N, H, W, c, b, b} : std::vector<int64_t>{N, H, W, b, b, c};
    const int r6 = add_reshape(ctx, x, six, y + ".blocks");
    const std::vector<int32_t> perm = crd ? std::vector<int32_t>{0, 1, 4, 2, 5, 3} : std::vector<int32_t>{0, 1, 3, 2, 4, 5};
    const int tr = add_transpose(ctx, r6, x, {N, H, b, W, b, c}, perm, y + ".interleave");
    Val mid = x;
    mid.tensor = tr;
    Val out = x;
    out.shape = ys;
    out.nhwc = true;
    out.tensor = ctx.w->add_tensor(y, int8 ? fb::ElementType::INT8 : fb::ElementType::FLOAT32,
                                   stored_shape(ys, true), int8 ? &x.q : nullptr);
    ctx.w->add_operator(fb::OperatorOptions::ReshapeOptions,
                        [](flatbuffers::FlatBufferBuilder& bb) { return fb::CreateReshapeOptions(bb).Union(); }, {tr},
                        {out.tensor}, n.name);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  if (t == "Pad") {
    std::string mode = n.attr_s("mode", "constant");
    fb::PadMode pm;
    if (mode == "constant") pm = fb::PadMode::CONSTANT;
    else if (mode == "reflect") pm = fb::PadMode::REFLECT;
    else if (mode == "edge") pm = fb::PadMode::EDGE;
    else return ctx.fail(n, "pad mode '" + mode + "' is not supported");
    std::vector<int64_t> pads;
    float value = 0;
    if (ctx.g.opset < 11) {
      pads = n.attr_ints("pads");
      value = n.attr_f("value", 0);
    } else {
      const Tensor* p = n.input_present(1) ? ctx.g.constant(n.inputs[1]) : nullptr;
      if (!p) return ctx.fail(n, "pads must be constant");
      pads = p->to_ints();
      if (n.input_present(2)) {
        const Tensor* v = ctx.g.constant(n.inputs[2]);
        if (!v || v->numel() != 1) return ctx.fail(n, "constant_value must be a constant scalar");
        value = static_cast<float>(v->get_f(0));
      }
      if (n.input_present(3)) return ctx.fail(n, "the axes input is not supported");
    }
    Val x;
    if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
    const size_t r = x.shape.size();
    if (pads.size() != 2 * r) return ctx.fail(n, "pads must have 2 * rank entries");
    std::vector<int32_t> sp(2 * r);
    for (size_t i = 0; i < r; ++i) {
      const size_t d = x.nhwc ? static_cast<size_t>(nhwc_axis(static_cast<int>(i))) : i;
      if (pads[i] < 0 || pads[i + r] < 0) return ctx.fail(n, "negative pads (cropping) are not supported");
      sp[d] = static_cast<int32_t>(pads[i]);
      sp[d + r] = static_cast<int32_t>(pads[i + r]);
    }
    Val out = x;
    out.shape = ys;
    out.tensor = ctx.new_tensor(y, int8, ys, x.nhwc, &x.q);
    ctx.w->add_operator(
        fb::OperatorOptions::PadOptions,
        [=](flatbuffers::FlatBufferBuilder& b) { return fb::CreatePadOptionsDirect(b, &sp, pm, value).Union(); },
        {x.tensor}, {out.tensor}, n.name);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  if (t == "Slice") {
    Val x;
    if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
    const int64_t r = static_cast<int64_t>(x.shape.size());
    std::vector<int64_t> starts, ends, axes, steps;
    if (ctx.g.opset < 10) {
      starts = n.attr_ints("starts");
      ends = n.attr_ints("ends");
      axes = n.attr_ints("axes");
    } else {
      auto cint = [&](int i, std::vector<int64_t>* v) {
        if (!n.input_present(i)) return true;
        const Tensor* c = ctx.g.constant(n.inputs[i]);
        if (!c) return false;
        *v = c->to_ints();
        return true;
      };
      if (!cint(1, &starts) || !cint(2, &ends) || !cint(3, &axes) || !cint(4, &steps))
        return ctx.fail(n, "starts, ends, axes and steps must be constant");
    }
    if (axes.empty())
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
      return ctx.fail(n, "starts, ends, axes and steps differ in length");
    // b, e, s are indexed by the stored tensor's axes (NHWC for an NHWC value).
    std::vector<int32_t> b(r), e(r), s(r, 1);
    for (int64_t d = 0; d < r; ++d) {
      const int sd = x.nhwc ? nhwc_axis(static_cast<int>(d)) : static_cast<int>(d);
      b[sd] = 0;
      e[sd] = static_cast<int32_t>(x.shape[d]);
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];
      if (a < 0 || a >= r || steps[i] == 0) return ctx.fail(n, "axis or step out of range");
      if (steps[i] > INT32_MAX || steps[i] < -INT32_MAX) return ctx.fail(n, "step " + std::to_string(steps[i]) + " is out of range");
      const int64_t dim = x.shape[a];
      int64_t st = starts[i] < 0 ? starts[i] + dim : starts[i], en = ends[i] < 0 ? ends[i] + dim : ends[i];
      if (ends[i] >= (int64_t{1} << 31) - 1) en = dim;  // INT_MAX as "to the end"
      if (steps[i] > 0) {
        st = std::max<int64_t>(0, std::min(st, dim));
        en = std::max<int64_t>(0, std::min(en, dim));
      } else {
        st = std::max<int64_t>(-1, std::min(st, dim - 1));
        en = std::max<int64_t>(-1, std::min(en, dim - 1));
        if (ends[i] <= -(int64_t{1} << 31) + 1) en = -1;
      }
      const int sd = x.nhwc ? nhwc_axis(static_cast<int>(a)) : static_cast<int>(a);
      b[sd] = static_cast<int32_t>(st);
      e[sd] = static_cast<int32_t>(en);
      s[sd] = static_cast<int32_t>(steps[i]);
    }
    Val out = x;
    out.shape = ys;
    out.tensor = ctx.new_tensor(y, int8, ys, x.nhwc, &x.q);
    ctx.w->add_operator(
        fb::OperatorOptions::SliceOptions,
        [=](flatbuffers::FlatBufferBuilder& bb) { return fb::CreateSliceOptionsDirect(bb, &b, &e, &s).Union(); },
        {x.tensor}, {out.tensor}, n.name);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  return ctx.fail(n, "no layout lowering");
}

bool lower_softmax(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const std::string& y = n.outputs[0];
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kAny, &x)) return false;
  const int64_t r = static_cast<int64_t>(x.shape.size());
  int64_t axis = n.attr_i("axis", ctx.g.opset < 13 ? 1 : -1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) return ctx.fail(n, "axis out of range");
  // The runtime's softmax runs over the stored last axis.
  bool last = false;
  std::vector<int64_t> rows_shape;
  if (x.nhwc && r == 4 && axis == 1 && (ctx.g.opset >= 13 || (x.shape[2] == 1 && x.shape[3] == 1))) {
    last = true;
  } else {
    if (x.nhwc && !ctx.get(n.inputs[0], int8, Layout::kPlain, &x)) return false;
    if (axis == r - 1) last = true;
    else if (ctx.g.opset < 13) {
      // Softmax before opset 13 runs over everything from `axis` on: as 2-D rows.
      int64_t rows = 1, cols = 1;
      for (int64_t d = 0; d < r; ++d) (d < axis ? rows : cols) *= x.shape[d];
      rows_shape = {rows, cols};
      last = true;
    }
  }
  if (!last) return ctx.fail(n, "softmax over a middle axis (" + std::to_string(axis) + " of rank " + std::to_string(r) + ") is not supported");
  Val in = x;
  if (!rows_shape.empty()) {
    in.tensor = add_reshape(ctx, x, rows_shape, y + ".rows");
    in.shape = rows_shape;
    in.nhwc = false;
  }
  QuantParams qy = QuantParams::per_tensor(1.0f / 256.0f, -128);
  Val out = in;
  out.q = qy;
  out.tensor = ctx.w->add_tensor(rows_shape.empty() ? y : y + ".rows_out", int8 ? fb::ElementType::INT8 : fb::ElementType::FLOAT32,
                                 stored_shape(in.shape, in.nhwc), int8 ? &qy : nullptr);
  std::vector<int32_t> table;
  if (int8) {
    table.resize(256);
    build_qs8_softmax_table(1.0f, in.scale(), table.data());
  }
  ctx.w->add_operator(
      fb::OperatorOptions::SoftmaxOptions,
      [=](flatbuffers::FlatBufferBuilder& b) { return fb::CreateSoftmaxOptionsDirect(b, 1.0f, int8 ? &table : nullptr).Union(); },
      {in.tensor}, {out.tensor}, n.name);
  if (!rows_shape.empty()) {
    Val back = out;
    back.shape = ctx.shape_of(y);
    back.tensor = add_reshape(ctx, out, back.shape, y);
    out = back;
  } else {
    out.shape = ctx.shape_of(y);
  }
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

}  // namespace octet::cvt

// Lowering of ops over H and W of NHWC tensors: pooling and Resize.
#include <algorithm>
#include <cmath>

#include "converter/quant/lower_ops.h"

namespace octet::cvt {

namespace {

Val spatial_output(LowerContext& ctx, const std::string& y, bool int8, const QuantParams& q) {
  Val out;
  out.int8 = int8;
  out.shape = ctx.shape_of(y);
  out.nhwc = true;
  out.q = q;
  out.tensor = ctx.new_tensor(y, int8, out.shape, true, &q);
  return out;
}

}  // namespace

bool lower_pool(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kNhwc, &x)) return false;
  if (x.shape.size() != 4) return ctx.fail(n, "input must be 4-D (N, C, H, W)");
  for (int64_t d : x.shape) {
    // The runtime's pooling needs a window inside a non-empty image.
    if (d == 0) return ctx.fail(n, "pooling of the empty tensor " + shape_str(x.shape) + " is not supported");
  }
  const std::string& y = n.outputs[0];
  const std::vector<int64_t>& ys = ctx.shape_of(y);
  if (ys.size() != 4) return ctx.fail(n, "output must be 4-D");
  const bool is_max = n.op_type == "MaxPool" || n.op_type == "GlobalMaxPool";
  QuantParams qy;
  if (int8) {
    if (is_max) qy = x.q;  // max pooling keeps the input's quantization
    else if (!ctx.qparams(y, &qy)) return false;
  }
  Val out = spatial_output(ctx, y, int8, qy);
  if (n.op_type == "GlobalAveragePool") {
    ctx.w->add_operator(
        fb::OperatorOptions::GlobalAveragePoolOptions,
        [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateGlobalAveragePoolOptions(b).Union(); }, {x.tensor},
        {out.tensor}, n.name);
    ctx.define(y, out);
    ctx.record(n, int8, "");
    return true;
  }
  int kh, kw, sh = 1, sw = 1, pt = 0, pl = 0, pb = 0, pr = 0;
  bool include_pad = false;
  if (n.op_type == "GlobalMaxPool") {
    if (x.shape[2] > 4096 || x.shape[3] > 4096) return ctx.fail(n, "the image " + shape_str(x.shape) + " is larger than the 4096x4096 pooling window the runtime takes");
    kh = static_cast<int>(x.shape[2]);
    kw = static_cast<int>(x.shape[3]);
  } else {
    const auto ks = n.attr_ints("kernel_shape");
    const auto st = n.attr_ints("strides", {1, 1});
    auto pads = n.attr_ints("pads", {0, 0, 0, 0});
    const auto dil = n.attr_ints("dilations", {1, 1});
    if (ks.size() != 2 || st.size() != 2 || pads.size() != 4) return ctx.fail(n, "only 2-D pooling is supported");
    if (dil[0] != 1 || dil[1] != 1) return ctx.fail(n, "dilated pooling is not supported");
    const std::string ap = n.attr_s("auto_pad", "NOTSET");
    // The runtime's bounds (runtime/ops/pool2d.cc), checked before narrowing to int.
    for (int a = 0; a < 2; ++a) {
      if (ks[a] < 1 || ks[a] > 4096) return ctx.fail(n, "kernel_shape " + std::to_string(ks[a]) + " is outside [1, 4096]");
      if (st[a] < 1 || st[a] > 4096) return ctx.fail(n, "stride " + std::to_string(st[a]) + " is outside [1, 4096]");
    }
    kh = static_cast<int>(ks[0]);
    kw = static_cast<int>(ks[1]);
    sh = static_cast<int>(st[0]);
    sw = static_cast<int>(st[1]);
    for (int a = 0; a < 2; ++a) {
      const int64_t in = x.shape[2 + a], kk = ks[a], s = st[a], out = ys[2 + a];
      if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + kk - in);
        pads[a] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[a + 2] = total - pads[a];
      } else if (ap == "VALID") {
        pads[a] = pads[a + 2] = 0;
      }
      // ceil_mode: extend the end padding until the output size matches (windows
      // never start in the padding, as ONNX requires).
      while ((in + pads[a] + pads[a + 2] - kk) / s + 1 < out) ++pads[a + 2];
    }
    for (int a = 0; a < 4; ++a) {
      if (pads[a] < 0 || pads[a] >= ks[a % 2]) {
        return ctx.fail(n, "pad " + std::to_string(pads[a]) + " is outside [0, kernel size " + std::to_string(ks[a % 2]) + ")");
      }
    }
    pt = static_cast<int>(pads[0]);
    pl = static_cast<int>(pads[1]);
    pb = static_cast<int>(pads[2]);
    pr = static_cast<int>(pads[3]);
    include_pad = n.attr_i("count_include_pad", 0) != 0;
    if (include_pad && n.attr_i("ceil_mode", 0) != 0) return ctx.fail(n, "count_include_pad with ceil_mode is not supported");
  }
  if (kh < 1 || kw < 1 || kh > 4096 || kw > 4096) return ctx.fail(n, "pooling window " + std::to_string(kh) + "x" + std::to_string(kw) + " is outside [1, 4096]");
  if (int64_t{kh} * kw > (1 << 15)) return ctx.fail(n, "pooling window of " + std::to_string(int64_t{kh} * kw) + " elements exceeds 32768");
  const auto kind = is_max ? fb::PoolKind::MAXIMUM : fb::PoolKind::AVERAGE;
  ctx.w->add_operator(
      fb::OperatorOptions::Pool2DOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreatePool2DOptions(b, kind, kh, kw, sh, sw, pt, pl, pb, pr, include_pad).Union();
      },
      {x.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

bool lower_resize(LowerContext& ctx, size_t k, bool int8) {
  const Node& n = ctx.g.nodes[k];
  const bool upsample = n.op_type == "Upsample";
  std::string mode = n.attr_s("mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear") return ctx.fail(n, "mode '" + mode + "' is not supported (nearest, linear)");
  const bool bilinear = mode != "nearest";
  std::string ct = (upsample || ctx.g.opset < 11) ? "asymmetric" : n.attr_s("coordinate_transformation_mode", "half_pixel");
  fb::CoordinateTransform coords;
  if (ct == "half_pixel") coords = fb::CoordinateTransform::HALF_PIXEL;
  else if (ct == "asymmetric") coords = fb::CoordinateTransform::ASYMMETRIC;
  else if (ct == "align_corners") coords = fb::CoordinateTransform::ALIGN_CORNERS;
  else if (ct == "pytorch_half_pixel") coords = fb::CoordinateTransform::PYTORCH_HALF_PIXEL;
  else return ctx.fail(n, "coordinate_transformation_mode '" + ct + "' is not supported");
  const std::string nm = (upsample || ctx.g.opset < 11) ? "floor" : n.attr_s("nearest_mode", "round_prefer_floor");
  fb::NearestRounding rounding;
  if (nm == "round_prefer_floor") rounding = fb::NearestRounding::ROUND_PREFER_FLOOR;
  else if (nm == "round_prefer_ceil") rounding = fb::NearestRounding::ROUND_PREFER_CEIL;
  else if (nm == "floor") rounding = fb::NearestRounding::FLOOR;
  else if (nm == "ceil") rounding = fb::NearestRounding::CEIL;
  else return ctx.fail(n, "nearest_mode '" + nm + "' is not supported");
  if (n.attr_i("antialias", 0) != 0) return ctx.fail(n, "antialias is not supported");
  // Scales: Upsample / Resize-10 input 1; Resize-11+ input 2 (sizes, input 3, win).
  std::vector<float> scales;
  const int si = (upsample || ctx.g.opset < 11) ? 1 : 2;
  if (upsample && n.has("scales")) scales = n.attr_floats("scales");
  else if (n.input_present(si)) {
    const Tensor* s = ctx.g.constant(n.inputs[si]);
    if (!s) return ctx.fail(n, "scales must be constant");
    scales = s->to_floats();
  }
  if (ctx.g.opset >= 11 && !upsample && n.input_present(3)) scales.clear();  // sizes given
  float scale_h = 0, scale_w = 0;
  if (scales.size() == 4) {
    if (scales[0] != 1 || scales[1] != 1) return ctx.fail(n, "only H and W may be resized");
    scale_h = scales[2];
    scale_w = scales[3];
  }
  Val x;
  if (!ctx.get(n.inputs[0], int8, Layout::kNhwc, &x)) return false;
  if (x.shape.size() != 4) return ctx.fail(n, "input must be 4-D");
  const std::string& y = n.outputs[0];
  QuantParams qy = x.q;
  if (int8 && bilinear && !ctx.qparams(y, &qy)) return false;
  Val out = spatial_output(ctx, y, int8, qy);
  const auto rmode = bilinear ? fb::ResizeMode::BILINEAR : fb::ResizeMode::NEAREST;
  ctx.w->add_operator(
      fb::OperatorOptions::ResizeOptions,
      [=](flatbuffers::FlatBufferBuilder& b) {
        return fb::CreateResizeOptions(b, rmode, coords, rounding, scale_h, scale_w).Union();
      },
      {x.tensor}, {out.tensor}, n.name);
  ctx.define(y, out);
  ctx.record(n, int8, "");
  return true;
}

}  // namespace octet::cvt

// Resize (nearest, bilinear) of H and W of an NHWC tensor.
#include <cmath>
#include <new>

#include "kernels/reference/qs8-resize-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Resize final : public Operator {
 public:
  bool bilinear = false, quantized = false;
  int batch = 0, in_h = 0, in_w = 0, channels = 0;
  ResizeAxis ay, ax;
  QResizeParams params;
  void run(const ExecContext& ctx) const override {
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      if (bilinear) qs8_resize_bilinear__reference(batch, in_h, in_w, channels, ay, ax, x, params, y);
      else qs8_resize_nearest__reference(batch, in_h, in_w, channels, ay, ax, x, params, y);
    } else {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      auto* y = ctx.tensor<float>(outputs[0]);
      if (bilinear) f32_resize_bilinear__reference(batch, in_h, in_w, channels, ay, ax, x, y);
      else f32_resize_nearest__reference(batch, in_h, in_w, channels, ay, ax, x, y);
    }
  }
};

}  // namespace

Status create_resize(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_ResizeOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_rank(c, x, 4, "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, y, 4, "output"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, x.type, "output"));
  if (x.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 resize";
  if (x.type == DType::kInt8 && (!x.per_tensor_quantized() || !y.per_tensor_quantized())) return c.error() << "input and output must be quantized per tensor";
  if (y.shape[0] != x.shape[0] || y.shape[3] != x.shape[3]) return c.error() << "resize changes only H and W";
  if (x.shape[1] < 1 || x.shape[2] < 1) return c.error() << "empty input image";
  const int ct = static_cast<int>(o->coordinate_transform()), nr = static_cast<int>(o->nearest_rounding());
  if (o->mode() != fb::ResizeMode::NEAREST && o->mode() != fb::ResizeMode::BILINEAR) return c.error(OCTET_UNSUPPORTED) << "unknown resize mode";
  if (ct < 0 || ct > 3 || nr < 0 || nr > 3) return c.error(OCTET_UNSUPPORTED) << "unknown coordinate transform or rounding";
  for (float s : {o->scale_h(), o->scale_w()}) {
    if (!std::isfinite(s) || s < 0) return c.error() << "resize scale " << s << " must be finite and >= 0";
  }
  std::unique_ptr<Resize> op(new (std::nothrow) Resize());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->batch = static_cast<int>(x.shape[0]);
  op->in_h = static_cast<int>(x.shape[1]);
  op->in_w = static_cast<int>(x.shape[2]);
  op->channels = static_cast<int>(x.shape[3]);
  op->bilinear = o->mode() == fb::ResizeMode::BILINEAR;
  const auto coords = static_cast<ResizeCoordinates>(ct);
  const int out_h = static_cast<int>(y.shape[1]), out_w = static_cast<int>(y.shape[2]);
  if (y.elements == 0) {
    // Nothing to compute; an empty output may still have H and W of 2^31 - 1, whose
    // coordinate tables would take gigabytes. Batch 0 makes run() a no-op.
    op->batch = 0;
  } else if (op->bilinear) {
    compute_resize_axis_bilinear(op->in_h, out_h, o->scale_h(), coords, &op->ay);
    compute_resize_axis_bilinear(op->in_w, out_w, o->scale_w(), coords, &op->ax);
  } else {
    compute_resize_axis_nearest(op->in_h, out_h, o->scale_h(), coords, static_cast<NearestRounding>(nr), &op->ay);
    compute_resize_axis_nearest(op->in_w, out_w, o->scale_w(), coords, static_cast<NearestRounding>(nr), &op->ax);
  }
  op->type = "Resize";
  if (x.type == DType::kInt8) {
    op->quantized = true;
    op->params.input_zero_point = x.zero_point();
    op->params.output_zero_point = y.zero_point();
    double m = static_cast<double>(x.scale()) / y.scale();
    if (op->bilinear) m = std::ldexp(m, -2 * kResizeWeightBits);
    if (!quantize_multiplier(m, &op->params.multiplier)) return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio too large (input scale " << x.scale() << ", output scale " << y.scale() << ")";
    op->kernel = op->bilinear ? "qs8_resize_bilinear__reference" : "qs8_resize_nearest__reference";
  } else {
    op->kernel = op->bilinear ? "f32_resize_bilinear__reference" : "f32_resize_nearest__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

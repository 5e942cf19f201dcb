// Resize (nearest, bilinear) of H and W of an NHWC tensor.
#include <cmath>
#include <cstring>
#include <new>

#include "kernels/reference/qs8-requantize-reference.h"
#include "kernels/reference/qs8-resize-reference.h"
#include "runtime/ops/lut_util.h"
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
  // The path's kernels (null: the reference kernels). Nearest requantizes each byte
  // alone, so it is a copy (identity table) or a table lookup.
  x8_lut_fn lut = nullptr;
  bool identity = false;
  int8_t table[256] = {};
  qs8_ibilinear_fn ibilinear = nullptr;

  // Output rows [begin, end) of batch * out_h.
  void run_rows(const int8_t* x, int8_t* y, size_t begin, size_t end) const {
    const size_t out_h = ay.index0.size(), out_w = ax.index0.size(), c = static_cast<size_t>(channels);
    QS8BilinearParams bp;
    bp.input_zero_point = params.input_zero_point;
    bp.m = params.multiplier;
    bp.output_zero_point = params.output_zero_point;
    for (size_t row = begin; row < end; ++row) {
      const size_t n = row / out_h, oy = row % out_h;
      int8_t* out = y + row * out_w * c;
      const int8_t* r0 = x + (n * in_h + ay.index0[oy]) * in_w * c;
      if (ibilinear != nullptr) {
        const int8_t* r1 = x + (n * in_h + ay.index1[oy]) * in_w * c;
        QS8BilinearPixel px;
        px.wy = ay.lambda[oy];
        for (size_t ox = 0; ox < out_w; ++ox, out += c) {
          px.p00 = r0 + ax.index0[ox] * c;
          px.p01 = r0 + ax.index1[ox] * c;
          px.p10 = r1 + ax.index0[ox] * c;
          px.p11 = r1 + ax.index1[ox] * c;
          px.wx = ax.lambda[ox];
          ibilinear(c, px, bp, out);
        }
      } else {
        for (size_t ox = 0; ox < out_w; ++ox, out += c) {
          const int8_t* in = r0 + ax.index0[ox] * c;
          if (identity) std::memcpy(out, in, c);
          else lut(c, in, table, out);
        }
      }
    }
  }

  void run(const ExecContext& ctx) const override {
    if (quantized && (bilinear ? ibilinear != nullptr : lut != nullptr)) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      const size_t row_work = ax.index0.size() * static_cast<size_t>(channels) * (bilinear ? 4 : 1);
      const size_t tile = row_work >= kElementwiseTile ? 1 : kElementwiseTile / (row_work + 1) + 1;
      parallel_for(ctx.pool, static_cast<size_t>(batch) * ay.index0.size(), tile,
                   [&](size_t b, size_t e) { run_rows(x, y, b, e); });
      return;
    }
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
    const LutKernel lut = choose_lut(c.kernels);
    if (op->bilinear && c.kernels != nullptr && c.kernels->elementwise.ibilinear != nullptr) {
      op->ibilinear = c.kernels->elementwise.ibilinear;
      op->kernel = c.kernels->elementwise.ibilinear_name;
    } else if (!op->bilinear && lut.fn != nullptr) {
      // The reference's requantization of every byte value, once.
      int8_t in[256];
      for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
      qs8_requantize__reference(256, in, QRequantizeParams{op->params.input_zero_point, op->params.multiplier, op->params.output_zero_point}, op->table);
      op->identity = std::memcmp(in, op->table, 256) == 0;
      op->lut = lut.fn;
      op->kernel = op->identity ? "memcpy" : lut.name;
    }
  } else {
    op->kernel = op->bilinear ? "f32_resize_bilinear__reference" : "f32_resize_nearest__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

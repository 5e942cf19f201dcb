// Conv2D (including grouped and depthwise) and FullyConnected.
#include <algorithm>
#include <new>

#include "kernels/reference/f32-conv2d-reference.h"
#include "kernels/reference/qs8-conv2d-reference.h"
#include "kernels/reference/qs8-fully-connected-reference.h"
#include "runtime/ops/conv2d_simd.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

// int32 accumulators cannot overflow when K * 255 * 128 + |bias| < 2^31
// (|x - zp| <= 255, |w| <= 128). Checked per output channel at load.
Status check_accumulator_bound(const OpBuildContext& c, int64_t k, const Tensor* bias, int64_t channels) {
  const int64_t limit = (int64_t{1} << 31) - 1;
  const int64_t products = k * 255 * 128;
  if (products > limit) {
    return c.error(OCTET_UNSUPPORTED) << "reduction of " << k << " terms could overflow the int32 accumulator (at most "
                                      << limit / (255 * 128) << ")";
  }
  if (bias != nullptr) {
    const auto* b = reinterpret_cast<const int32_t*>(bias->data);
    for (int64_t i = 0; i < channels; ++i) {
      if (std::abs(int64_t{b[i]}) > limit - products) {
        return c.error() << "bias " << b[i] << " of channel " << i << " could overflow the int32 accumulator";
      }
    }
  }
  return Status::Ok();
}

Status check_weights_and_bias(const OpBuildContext& c, const Tensor& in, const Tensor& w, int64_t out_c, const Tensor** bias) {
  *bias = c.has_input(2) ? &c.input(2) : nullptr;
  if (!w.constant) return c.error(OCTET_UNSUPPORTED) << "weights must be constant";
  if (*bias != nullptr && !(*bias)->constant) return c.error(OCTET_UNSUPPORTED) << "bias must be constant";
  if (in.type == DType::kInt8) {
    OCTET_RETURN_IF_ERROR(expect_type(c, w, DType::kInt8, "weights"));
    if (!(w.axis == 0 || (w.axis == -1 && w.scales.size() == 1))) return c.error() << "weights must be quantized per output channel (axis 0) or per tensor";
    for (int32_t z : w.zero_points) {
      if (z != 0) return c.error(OCTET_UNSUPPORTED) << "weights must be symmetric (zero point 0), found " << z;
    }
    if (*bias != nullptr) {
      OCTET_RETURN_IF_ERROR(expect_type(c, **bias, DType::kInt32, "bias"));
      for (int32_t z : (*bias)->zero_points) {
        if (z != 0) return c.error() << "bias zero point must be 0";
      }
    }
  } else {
    OCTET_RETURN_IF_ERROR(expect_type(c, w, DType::kFloat32, "weights"));
    if (*bias != nullptr) OCTET_RETURN_IF_ERROR(expect_type(c, **bias, DType::kFloat32, "bias"));
  }
  if (*bias != nullptr && ((*bias)->rank() != 1 || (*bias)->shape[0] != out_c)) {
    return c.error() << "bias shape " << shape_string((*bias)->shape) << " does not match " << out_c << " output channels";
  }
  return Status::Ok();
}

class Conv2D final : public Operator {
 public:
  ConvShape shape;
  bool quantized = false;
  int32_t input_zero_point = 0;
  RequantTable table;
  RequantParams rq;
  float out_min = 0, out_max = 0;

  void run(const ExecContext& ctx) const override {
    const size_t rows = static_cast<size_t>(shape.batch) * shape.out_h;
    const void* bias = inputs.size() > 2 && inputs[2] >= 0 ? ctx.data[inputs[2]] : nullptr;
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      const auto* w = ctx.tensor<const int8_t>(inputs[1]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t b, size_t e) {
        qs8_conv2d__reference(shape, x, input_zero_point, w, static_cast<const int32_t*>(bias), rq, y, b, e);
      });
    } else {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      const auto* w = ctx.tensor<const float>(inputs[1]);
      auto* y = ctx.tensor<float>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t b, size_t e) {
        f32_conv2d__reference(shape, x, w, static_cast<const float*>(bias), out_min, out_max, y, b, e);
      });
    }
  }
};

class FullyConnected final : public Operator {
 public:
  size_t rows = 0, k = 0, n = 0;
  bool quantized = false;
  int32_t input_zero_point = 0;
  RequantTable table;
  RequantParams rq;
  float out_min = 0, out_max = 0;

  void run(const ExecContext& ctx) const override {
    const void* bias = inputs.size() > 2 && inputs[2] >= 0 ? ctx.data[inputs[2]] : nullptr;
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      const auto* w = ctx.tensor<const int8_t>(inputs[1]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t b, size_t e) {
        qs8_fully_connected__reference(k, n, x, input_zero_point, w, static_cast<const int32_t*>(bias), rq, y, b, e);
      });
    } else {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      const auto* w = ctx.tensor<const float>(inputs[1]);
      auto* y = ctx.tensor<float>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t b, size_t e) {
        f32_fully_connected__reference(k, n, x, w, static_cast<const float*>(bias), out_min, out_max, y, b, e);
      });
    }
  }
};

}  // namespace

Status create_conv2d(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_Conv2DOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 3, 1));
  const Tensor& in = c.input(0);
  const Tensor& w = c.input(1);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_activation(c, in, "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, in, 4, "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, w, 4, "weights"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, y, 4, "output"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, in.type, "output"));
  if (in.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 convolution";
  std::unique_ptr<Conv2D> op(new (std::nothrow) Conv2D());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  ConvShape& s = op->shape;
  s.batch = static_cast<int>(in.shape[0]);
  s.in_h = static_cast<int>(in.shape[1]);
  s.in_w = static_cast<int>(in.shape[2]);
  s.in_c = static_cast<int>(in.shape[3]);
  s.out_c = static_cast<int>(w.shape[0]);
  s.kernel_h = static_cast<int>(w.shape[1]);
  s.kernel_w = static_cast<int>(w.shape[2]);
  s.stride_h = o->stride_h();
  s.stride_w = o->stride_w();
  s.dilation_h = o->dilation_h();
  s.dilation_w = o->dilation_w();
  s.pad_top = o->pad_top();
  s.pad_left = o->pad_left();
  s.pad_bottom = o->pad_bottom();
  s.pad_right = o->pad_right();
  s.groups = o->groups();
  const int max_window = 1 << 16;
  if (s.stride_h < 1 || s.stride_w < 1 || s.dilation_h < 1 || s.dilation_w < 1 || s.stride_h > max_window ||
      s.stride_w > max_window || s.dilation_h > max_window || s.dilation_w > max_window) {
    return c.error() << "strides and dilations must be in [1, 65536]";
  }
  if (s.pad_top < 0 || s.pad_left < 0 || s.pad_bottom < 0 || s.pad_right < 0 || s.pad_top > max_window ||
      s.pad_left > max_window || s.pad_bottom > max_window || s.pad_right > max_window) {
    return c.error() << "pads must be in [0, 65536]";
  }
  if (s.groups < 1 || s.in_c % s.groups != 0 || s.out_c % s.groups != 0) {
    return c.error() << "groups " << s.groups << " must divide input channels " << s.in_c << " and output channels " << s.out_c;
  }
  if (w.shape[3] != s.in_c / s.groups) {
    return c.error() << "weights " << shape_string(w.shape) << " need " << s.in_c / s.groups << " input channels per group";
  }
  if (s.kernel_h < 1 || s.kernel_w < 1 || s.out_c < 1) return c.error() << "empty weights " << shape_string(w.shape);
  const int64_t oh = conv_output_size(s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.stride_h, s.dilation_h);
  const int64_t ow = conv_output_size(s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.stride_w, s.dilation_w);
  if (oh < 1 || ow < 1 || y.shape[0] != s.batch || y.shape[1] != oh || y.shape[2] != ow || y.shape[3] != s.out_c) {
    return c.error() << "output shape " << shape_string(y.shape) << " does not match input " << shape_string(in.shape)
                     << " with weights " << shape_string(w.shape) << " (expected [" << s.batch << "," << oh << "," << ow << "," << s.out_c << "])";
  }
  s.out_h = static_cast<int>(oh);
  s.out_w = static_cast<int>(ow);
  const Tensor* bias = nullptr;
  OCTET_RETURN_IF_ERROR(check_weights_and_bias(c, in, w, s.out_c, &bias));
  if (in.type == DType::kInt8) {
    op->quantized = true;
    op->input_zero_point = in.zero_point();
    OCTET_RETURN_IF_ERROR(check_accumulator_bound(c, int64_t{s.kernel_h} * s.kernel_w * (s.in_c / s.groups), bias, s.out_c));
    OCTET_RETURN_IF_ERROR(read_requantization(c, o->requantization(), s.out_c, y, &op->table, &op->rq));
    op->kernel = "qs8_conv2d__reference";
    QS8ConvParams p;
    p.shape = s;
    p.weights = reinterpret_cast<const int8_t*>(w.data);
    p.bias = bias != nullptr ? reinterpret_cast<const int32_t*>(bias->data) : nullptr;
    p.input_zero_point = op->input_zero_point;
    p.table = &op->table;
    p.rq = op->rq;
    std::unique_ptr<Operator> simd;
    if (s.groups == 1) {
      OCTET_RETURN_IF_ERROR(create_conv2d_gemm(c, p, &simd));
      if (simd) OCTET_RETURN_IF_ERROR(select_conv2d_winograd(c, p, &simd));
    } else if (s.groups == s.in_c && s.groups == s.out_c) {
      OCTET_RETURN_IF_ERROR(create_conv2d_depthwise_1x1(c, p, &simd));
      if (!simd) OCTET_RETURN_IF_ERROR(create_conv2d_depthwise(c, p, &simd));
    }
    if (simd) {
      simd->type = "Conv2D";
      simd->macs = static_cast<uint64_t>(y.elements) * static_cast<uint64_t>(s.kernel_h) *
                   static_cast<uint64_t>(s.kernel_w) * static_cast<uint64_t>(s.in_c / s.groups);
      *out = std::move(simd);
      return Status::Ok();
    }
  } else {
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = "f32_conv2d__reference";
    F32ConvLayer p;
    p.shape = s;
    p.weights = reinterpret_cast<const float*>(w.data);
    p.bias = bias != nullptr ? reinterpret_cast<const float*>(bias->data) : nullptr;
    p.out_min = op->out_min;
    p.out_max = op->out_max;
    std::unique_ptr<Operator> simd;
    OCTET_RETURN_IF_ERROR(create_conv2d_f32(c, p, &simd));
    if (simd) {
      simd->type = "Conv2D";
      simd->macs = static_cast<uint64_t>(y.elements) * static_cast<uint64_t>(s.kernel_h) *
                   static_cast<uint64_t>(s.kernel_w) * static_cast<uint64_t>(s.in_c / s.groups);
      *out = std::move(simd);
      return Status::Ok();
    }
  }
  op->type = "Conv2D";
  op->macs = static_cast<uint64_t>(y.elements) * static_cast<uint64_t>(s.kernel_h) * static_cast<uint64_t>(s.kernel_w) *
             static_cast<uint64_t>(s.in_c / s.groups);
  *out = std::move(op);
  return Status::Ok();
}

Status create_fully_connected(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_FullyConnectedOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 3, 1));
  const Tensor& in = c.input(0);
  const Tensor& w = c.input(1);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_activation(c, in, "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, w, 2, "weights"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, in.type, "output"));
  if (in.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 fully connected";
  if (in.rank() < 1 || y.rank() < 1) return c.error() << "input and output need rank >= 1";
  std::unique_ptr<FullyConnected> op(new (std::nothrow) FullyConnected());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->n = static_cast<size_t>(w.shape[0]);
  op->k = static_cast<size_t>(w.shape[1]);
  if (op->k == 0 || op->n == 0) return c.error() << "empty weights " << shape_string(w.shape);
  if (in.elements % op->k != 0 || in.shape.back() != w.shape[1]) {
    return c.error() << "input " << shape_string(in.shape) << " does not end in K = " << op->k;
  }
  op->rows = in.elements / op->k;
  if (y.shape.back() != w.shape[0] || y.elements != op->rows * op->n) {
    return c.error() << "output shape " << shape_string(y.shape) << " does not match " << op->rows << " rows of " << op->n;
  }
  const Tensor* bias = nullptr;
  OCTET_RETURN_IF_ERROR(check_weights_and_bias(c, in, w, static_cast<int64_t>(op->n), &bias));
  if (in.type == DType::kInt8) {
    op->quantized = true;
    op->input_zero_point = in.zero_point();
    OCTET_RETURN_IF_ERROR(check_accumulator_bound(c, static_cast<int64_t>(op->k), bias, static_cast<int64_t>(op->n)));
    OCTET_RETURN_IF_ERROR(read_requantization(c, o->requantization(), static_cast<int64_t>(op->n), y, &op->table, &op->rq));
    op->kernel = "qs8_fully_connected__reference";
    std::unique_ptr<Operator> simd;
    OCTET_RETURN_IF_ERROR(create_fully_connected_gemm(c, op->rows, op->k, op->n, reinterpret_cast<const int8_t*>(w.data),
                                                      bias != nullptr ? reinterpret_cast<const int32_t*>(bias->data) : nullptr,
                                                      op->input_zero_point, op->table, op->rq, &simd));
    if (simd) {
      simd->type = "FullyConnected";
      simd->macs = static_cast<uint64_t>(op->rows) * op->k * op->n;
      *out = std::move(simd);
      return Status::Ok();
    }
  } else {
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = "f32_fully_connected__reference";
    std::unique_ptr<Operator> simd;
    OCTET_RETURN_IF_ERROR(create_fully_connected_f32(c, op->rows, op->k, op->n, reinterpret_cast<const float*>(w.data),
                                                     bias != nullptr ? reinterpret_cast<const float*>(bias->data) : nullptr,
                                                     op->out_min, op->out_max, &simd));
    if (simd) {
      simd->type = "FullyConnected";
      simd->macs = static_cast<uint64_t>(op->rows) * op->k * op->n;
      *out = std::move(simd);
      return Status::Ok();
    }
  }
  op->type = "FullyConnected";
  op->macs = static_cast<uint64_t>(op->rows) * op->k * op->n;
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

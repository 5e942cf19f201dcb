// MaxPool, AveragePool and GlobalAveragePool over NHWC.
#include <new>

#include "kernels/reference/qs8-pool-reference.h"
#include "runtime/ops/lut_util.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

// The window of output index o along one axis clipped to [0, in): first input index
// and number of taps.
inline void clip_window(int o, int stride, int pad, int kernel, int dilation, int in, int* first, int* taps) {
  const int start = o * stride - pad;
  int k0 = 0;
  if (start < 0) k0 = (-start + dilation - 1) / dilation;
  int k1 = kernel;  // one past the last tap inside the image
  if (start + (kernel - 1) * dilation >= in) k1 = start >= in ? 0 : (in - 1 - start) / dilation + 1;
  *first = start + k0 * dilation;
  *taps = k1 > k0 ? k1 - k0 : 0;
}

class Pool2D final : public Operator {
 public:
  ConvShape shape;
  bool max = false;
  bool quantized = false;
  bool count_include_pad = false;
  int32_t qmin = -128, qmax = 127;
  std::vector<QuantizedMultiplier> multipliers;
  QAvgPoolParams avg;
  float out_min = 0, out_max = 0;
  qs8_maxpool_fn maxpool = nullptr;  // the path's kernels; null: the reference kernels
  qs8_avgpool_fn avgpool = nullptr;

  // Output rows [begin, end) of batch * out_h.
  void run_rows(const int8_t* x, int8_t* y, size_t begin, size_t end) const {
    const ConvShape& s = shape;
    const size_t c = static_cast<size_t>(s.in_c);
    for (size_t row = begin; row < end; ++row) {
      const int n = static_cast<int>(row / s.out_h), oy = static_cast<int>(row % s.out_h);
      int iy = 0, rows = 0;
      clip_window(oy, s.stride_h, s.pad_top, s.kernel_h, s.dilation_h, s.in_h, &iy, &rows);
      int8_t* out = y + row * s.out_w * c;
      for (int ox = 0; ox < s.out_w; ++ox, out += c) {
        int ix = 0, cols = 0;
        clip_window(ox, s.stride_w, s.pad_left, s.kernel_w, s.dilation_w, s.in_w, &ix, &cols);
        QS8PoolWindow w;
        w.rows = rows > 0 && cols > 0 ? static_cast<size_t>(rows) : 0;
        w.cols = static_cast<size_t>(cols);
        w.row_stride = static_cast<size_t>(s.dilation_h) * s.in_w * c;
        w.col_stride = static_cast<size_t>(s.dilation_w) * c;
        w.x = x + ((static_cast<size_t>(n) * s.in_h + (w.rows ? iy : 0)) * s.in_w + (w.rows ? ix : 0)) * c;
        if (max) {
          maxpool(w, c, qmin, qmax, out);
        } else {
          const int count = static_cast<int>(w.rows * w.cols);
          const int divisor = count_include_pad ? s.kernel_h * s.kernel_w : count;
          QS8AvgPoolPixel p;
          p.input_zero_point = avg.input_zero_point;
          p.m = multipliers[divisor > 0 ? divisor : 1];  // no pixel: the sum 0 gives clamp(zo)
          p.output_zero_point = avg.output_zero_point;
          p.qmin = avg.qmin;
          p.qmax = avg.qmax;
          avgpool(w, c, p, out);
        }
      }
    }
  }

  void run(const ExecContext& ctx) const override {
    if (quantized && (max ? maxpool != nullptr : avgpool != nullptr)) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      const size_t row_work = static_cast<size_t>(shape.out_w) * shape.in_c * shape.kernel_h * shape.kernel_w;
      const size_t tile = row_work >= kElementwiseTile ? 1 : kElementwiseTile / (row_work + 1) + 1;
      parallel_for(ctx.pool, static_cast<size_t>(shape.batch) * shape.out_h, tile,
                   [&](size_t b, size_t e) { run_rows(x, y, b, e); });
      return;
    }
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      if (max) qs8_maxpool2d__reference(shape, x, qmin, qmax, y);
      else qs8_avgpool2d__reference(shape, x, avg, y);
    } else {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      auto* y = ctx.tensor<float>(outputs[0]);
      if (max) f32_maxpool2d__reference(shape, x, out_min, out_max, y);
      else f32_avgpool2d__reference(shape, x, count_include_pad, out_min, out_max, y);
    }
  }
};

class GlobalAveragePool final : public Operator {
 public:
  size_t batch = 0, hw = 0, channels = 0;
  bool quantized = false;
  QGlobalAvgPoolParams params;
  qs8_avgpool_fn avgpool = nullptr;  // the path's kernel; null: the reference kernel
  static constexpr size_t kChannelBlock = 64;
  void run(const ExecContext& ctx) const override {
    if (quantized && avgpool != nullptr) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      QS8AvgPoolPixel p;
      p.input_zero_point = params.input_zero_point;
      p.m = params.multiplier;
      p.output_zero_point = params.output_zero_point;
      p.qmin = params.qmin;
      p.qmax = params.qmax;
      // Tasks of one image and a block of channels.
      const size_t blocks = (channels + kChannelBlock - 1) / kChannelBlock;
      const size_t tile = hw * kChannelBlock >= kElementwiseTile ? 1 : blocks * batch;
      parallel_for(ctx.pool, batch * blocks, tile, [&](size_t b, size_t e) {
        for (size_t t = b; t < e; ++t) {
          const size_t n = t / blocks, c0 = (t % blocks) * kChannelBlock;
          const size_t nc = channels - c0 < kChannelBlock ? channels - c0 : kChannelBlock;
          QS8PoolWindow w;
          w.x = x + n * hw * channels + c0;
          w.rows = hw;
          w.cols = 1;
          w.row_stride = channels;
          w.col_stride = channels;
          avgpool(w, nc, p, y + n * channels + c0);
        }
      });
      return;
    }
    if (quantized) {
      qs8_global_avgpool__reference(batch, hw, channels, ctx.tensor<const int8_t>(inputs[0]), params, ctx.tensor<int8_t>(outputs[0]));
    } else {
      f32_global_avgpool__reference(batch, hw, channels, ctx.tensor<const float>(inputs[0]), ctx.tensor<float>(outputs[0]));
    }
  }
};

Status check_nhwc_io(const OpBuildContext& c) {
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  OCTET_RETURN_IF_ERROR(expect_activation(c, c.input(0), "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, c.input(0), 4, "input"));
  OCTET_RETURN_IF_ERROR(expect_rank(c, c.output(0), 4, "output"));
  OCTET_RETURN_IF_ERROR(expect_type(c, c.output(0), c.input(0).type, "output"));
  if (c.input(0).type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 pooling";
  if (c.output(0).type == DType::kInt8 && !c.output(0).per_tensor_quantized()) return c.error() << "output must be quantized per tensor";
  return Status::Ok();
}

}  // namespace

Status create_pool2d(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_Pool2DOptions();
  OCTET_RETURN_IF_ERROR(check_nhwc_io(c));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  std::unique_ptr<Pool2D> op(new (std::nothrow) Pool2D());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  if (o->kind() != fb::PoolKind::MAXIMUM && o->kind() != fb::PoolKind::AVERAGE) return c.error(OCTET_UNSUPPORTED) << "unknown pool kind";
  op->max = o->kind() == fb::PoolKind::MAXIMUM;
  ConvShape& s = op->shape;
  s.batch = static_cast<int>(x.shape[0]);
  s.in_h = static_cast<int>(x.shape[1]);
  s.in_w = static_cast<int>(x.shape[2]);
  s.in_c = s.out_c = static_cast<int>(x.shape[3]);
  s.kernel_h = o->kernel_h();
  s.kernel_w = o->kernel_w();
  s.stride_h = o->stride_h();
  s.stride_w = o->stride_w();
  s.pad_top = o->pad_top();
  s.pad_left = o->pad_left();
  s.pad_bottom = o->pad_bottom();
  s.pad_right = o->pad_right();
  const int lim = 1 << 12;
  if (s.kernel_h < 1 || s.kernel_w < 1 || s.kernel_h > lim || s.kernel_w > lim) return c.error() << "kernel size must be in [1, 4096]";
  // One multiplier per possible window count is prepared; bound the table (256 KiB).
  if (s.kernel_h * s.kernel_w > (1 << 15)) return c.error(OCTET_UNSUPPORTED) << "pooling window of " << s.kernel_h * s.kernel_w << " elements exceeds 32768";
  if (s.stride_h < 1 || s.stride_w < 1 || s.stride_h > lim || s.stride_w > lim) return c.error() << "strides must be in [1, 4096]";
  if (s.pad_top < 0 || s.pad_left < 0 || s.pad_bottom < 0 || s.pad_right < 0 || s.pad_top >= s.kernel_h ||
      s.pad_bottom >= s.kernel_h || s.pad_left >= s.kernel_w || s.pad_right >= s.kernel_w) {
    return c.error() << "pads must be in [0, kernel size)";
  }
  const int64_t oh = conv_output_size(s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.stride_h, 1);
  const int64_t ow = conv_output_size(s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.stride_w, 1);
  if (oh < 1 || ow < 1 || y.shape[0] != s.batch || y.shape[1] != oh || y.shape[2] != ow || y.shape[3] != s.in_c) {
    return c.error() << "output shape " << shape_string(y.shape) << " does not match input " << shape_string(x.shape)
                     << " (expected [" << s.batch << "," << oh << "," << ow << "," << s.in_c << "])";
  }
  s.out_h = static_cast<int>(oh);
  s.out_w = static_cast<int>(ow);
  op->count_include_pad = o->count_include_pad();
  op->type = op->max ? "MaxPool" : "AveragePool";
  if (x.type == DType::kInt8) {
    op->quantized = true;
    OCTET_RETURN_IF_ERROR(read_clamp(c, o->clamp_min(), o->clamp_max(), &op->qmin, &op->qmax));
    if (op->max) {
      OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
      op->kernel = "qs8_maxpool2d__reference";
      if (c.kernels != nullptr && c.kernels->elementwise.maxpool != nullptr) {
        op->maxpool = c.kernels->elementwise.maxpool;
        op->kernel = c.kernels->elementwise.maxpool_name;
      }
    } else {
      if (!compute_qs8_avgpool_multipliers(x.scale(), y.scale(), s.kernel_h * s.kernel_w, &op->multipliers)) {
        return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio too large";
      }
      op->avg.input_zero_point = x.zero_point();
      op->avg.output_zero_point = y.zero_point();
      op->avg.qmin = op->qmin;
      op->avg.qmax = op->qmax;
      op->avg.count_include_pad = op->count_include_pad;
      op->avg.multipliers = op->multipliers.data();
      op->kernel = "qs8_avgpool2d__reference";
      if (c.kernels != nullptr && c.kernels->elementwise.avgpool != nullptr) {
        op->avgpool = c.kernels->elementwise.avgpool;
        op->kernel = c.kernels->elementwise.avgpool_name;
      }
    }
  } else {
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = op->max ? "f32_maxpool2d__reference" : "f32_avgpool2d__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

Status create_global_average_pool(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_GlobalAveragePoolOptions();
  OCTET_RETURN_IF_ERROR(check_nhwc_io(c));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  std::unique_ptr<GlobalAveragePool> op(new (std::nothrow) GlobalAveragePool());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->batch = static_cast<size_t>(x.shape[0]);
  op->hw = static_cast<size_t>(x.shape[1] * x.shape[2]);
  op->channels = static_cast<size_t>(x.shape[3]);
  if (op->hw == 0) return c.error() << "empty image";
  // |sum| <= 255 * hw must fit in int32.
  if (op->hw > (size_t{1} << 23)) return c.error(OCTET_UNSUPPORTED) << "image of " << op->hw << " pixels is too large";
  if (y.shape != std::vector<int64_t>{x.shape[0], 1, 1, x.shape[3]}) return c.error() << "output shape " << shape_string(y.shape) << " must be [N,1,1,C]";
  op->type = "GlobalAveragePool";
  if (x.type == DType::kInt8) {
    op->quantized = true;
    OCTET_RETURN_IF_ERROR(read_clamp(c, o->clamp_min(), o->clamp_max(), &op->params.qmin, &op->params.qmax));
    const double m = static_cast<double>(x.scale()) / (static_cast<double>(y.scale()) * static_cast<double>(op->hw));
    if (!quantize_multiplier(m, &op->params.multiplier)) return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio too large (input scale " << x.scale() << ", output scale " << y.scale() << ")";
    op->params.input_zero_point = x.zero_point();
    op->params.output_zero_point = y.zero_point();
    op->kernel = "qs8_global_avgpool__reference";
    if (c.kernels != nullptr && c.kernels->elementwise.avgpool != nullptr) {
      op->avgpool = c.kernels->elementwise.avgpool;
      op->kernel = c.kernels->elementwise.avgpool_name;
    }
  } else {
    op->kernel = "f32_global_avgpool__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

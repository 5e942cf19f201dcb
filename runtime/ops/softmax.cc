// Softmax over the last axis.
#include <algorithm>
#include <cmath>
#include <new>

#include "kernels/common/qs8-softmax-lut.h"
#include "kernels/reference/qs8-softmax-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Softmax final : public Operator {
 public:
  bool quantized = false;
  size_t rows = 0, channels = 0;
  float beta = 1;
  int32_t table[256] = {};
  QSoftmaxParams params;
  bool lut = false;  // qs8_softmax__lut: the same bytes, one division per distinct value
  void run(const ExecContext& ctx) const override {
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      // Rows are independent: any split gives the same bytes.
      const size_t tile = std::max<size_t>(1, 16384 / std::max<size_t>(1, channels));
      parallel_for(ctx.pool, rows, tile, [&](size_t b, size_t e) {
        if (lut) {
          qs8_softmax__lut(channels, x, params, y, b, e);
        } else {
          qs8_softmax__reference(e - b, channels, x + b * channels, params, y + b * channels);
        }
      });
    } else {
      f32_softmax__reference(rows, channels, beta, ctx.tensor<const float>(inputs[0]), ctx.tensor<float>(outputs[0]));
    }
  }
};

}  // namespace

Status create_softmax(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_SoftmaxOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_type(c, y, x.type, "output"));
  if (x.shape != y.shape || x.rank() < 1) return c.error() << "input and output shapes must be equal, rank >= 1";
  std::unique_ptr<Softmax> op(new (std::nothrow) Softmax());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->channels = static_cast<size_t>(x.shape.back());
  op->rows = op->channels == 0 ? 0 : x.elements / op->channels;
  op->beta = o->beta();
  if (!std::isfinite(op->beta)) return c.error() << "beta must be finite";
  op->type = "Softmax";
  if (x.type == DType::kInt8) {
    if (!x.per_tensor_quantized() || !y.per_tensor_quantized()) return c.error() << "input and output must be quantized per tensor";
    if (o->exp_table() == nullptr || o->exp_table()->size() != 256) return c.error() << "int8 softmax needs an exp_table of 256 entries";
    for (int i = 0; i < 256; ++i) {
      const int32_t e = o->exp_table()->Get(i);
      if (e < 0 || e > kSoftmaxTableOne) return c.error() << "exp_table[" << i << "] = " << e << " outside [0, 2^23]";
      op->table[i] = e;
    }
    if (op->table[0] <= 0) return c.error() << "exp_table[0] must be positive";
    // The row sum of up to `channels` entries stays far inside int64.
    if (!quantize_multiplier(1.0 / static_cast<double>(y.scale()), &op->params.inv_output_scale) || op->params.inv_output_scale.m0 == 0) {
      return c.error(OCTET_UNSUPPORTED) << "output scale " << y.scale() << " out of range";
    }
    op->params.exp_table = op->table;
    op->params.output_zero_point = y.zero_point();
    op->quantized = true;
    op->kernel = "qs8_softmax__reference";
    // Long rows on the SIMD paths: a table of the row's at most 256 results.
    if (c.kernels->path != KernelPath::kReference && op->channels >= 128) {
      op->lut = true;
      op->kernel = "qs8_softmax__lut";
    }
  } else if (x.type == DType::kFloat32) {
    op->kernel = "f32_softmax__reference";
  } else {
    return c.error(OCTET_UNSUPPORTED) << "int32 softmax";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

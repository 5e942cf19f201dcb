// Quantize (float -> int8) and Dequantize (int8 -> float) at float-region borders.
#include <new>

#include "kernels/qs8-quantize-config.h"
#include "kernels/reference/qs8-quantize-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Quantize final : public Operator {
 public:
  bool to_int8 = true;
  size_t n = 0;
  float scale = 1;
  int32_t zero_point = 0;
  qs8_quantize_fn quantize = qs8_quantize__reference;
  qs8_dequantize_fn dequantize = qs8_dequantize__reference;
  void run(const ExecContext& ctx) const override {
    // Element-wise: any split gives the same bytes.
    const size_t tile = 16384;
    if (to_int8) {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      parallel_for(ctx.pool, n, tile, [&](size_t b, size_t e) { quantize(e - b, x + b, scale, zero_point, y + b); });
    } else {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<float>(outputs[0]);
      parallel_for(ctx.pool, n, tile, [&](size_t b, size_t e) { dequantize(e - b, x + b, scale, zero_point, y + b); });
    }
  }
};

Status create(const OpBuildContext& c, bool to_int8, std::unique_ptr<Operator>* out) {
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  const Tensor& q = to_int8 ? y : x;
  OCTET_RETURN_IF_ERROR(expect_type(c, x, to_int8 ? DType::kFloat32 : DType::kInt8, "input"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, to_int8 ? DType::kInt8 : DType::kFloat32, "output"));
  if (!q.per_tensor_quantized()) return c.error() << "int8 side must be quantized per tensor";
  if (x.shape != y.shape) return c.error() << "input " << shape_string(x.shape) << " and output " << shape_string(y.shape) << " differ";
  std::unique_ptr<Quantize> op(new (std::nothrow) Quantize());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->to_int8 = to_int8;
  op->n = x.elements;
  op->scale = q.scale();
  op->zero_point = q.zero_point();
  op->type = to_int8 ? "Quantize" : "Dequantize";
  op->kernel = to_int8 ? "qs8_quantize__reference" : "qs8_dequantize__reference";
  const QS8QuantizeConfig& k = c.kernels->quantize;
  if (k.quantize != nullptr) {
    op->quantize = k.quantize;
    op->dequantize = k.dequantize;
    op->kernel = to_int8 ? k.quantize_name : k.dequantize_name;
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace

Status create_quantize(const OpBuildContext& c, std::unique_ptr<Operator>* out) { return create(c, true, out); }
Status create_dequantize(const OpBuildContext& c, std::unique_ptr<Operator>* out) { return create(c, false, out); }

}  // namespace octet::rt

// LayerNorm over the last axis (float only for now).
#include <cmath>
#include <new>

#include "kernels/reference/f32-layer-norm-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class LayerNorm final : public Operator {
 public:
  size_t rows = 0, channels = 0;
  float epsilon = 0;
  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const float>(inputs[0]);
    const auto* gamma = ctx.tensor<const float>(inputs[1]);
    const float* beta = inputs.size() > 2 && inputs[2] >= 0 ? ctx.tensor<const float>(inputs[2]) : nullptr;
    auto* y = ctx.tensor<float>(outputs[0]);
    parallel_for(ctx.pool, rows, 1, [&](size_t begin, size_t end) {
      f32_layer_norm__reference(channels, x, gamma, beta, epsilon, y, begin, end);
    });
  }
};

}  // namespace

Status create_layer_norm(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_LayerNormOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 3, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  if (x.type == DType::kInt8 || y.type == DType::kInt8) {
    return c.error(OCTET_UNSUPPORTED) << "int8 LayerNorm is not supported: keep it in a float region (Dequantize before, Quantize after)";
  }
  OCTET_RETURN_IF_ERROR(expect_type(c, x, DType::kFloat32, "input"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, DType::kFloat32, "output"));
  if (x.rank() < 1 || x.shape != y.shape) {
    return c.error() << "input " << shape_string(x.shape) << " and output " << shape_string(y.shape) << " must be equal, rank >= 1";
  }
  const int64_t channels = x.shape.back();
  const Tensor* params[2] = {&c.input(1), c.has_input(2) ? &c.input(2) : nullptr};
  const char* names[2] = {"gamma", "beta"};
  for (int i = 0; i < 2; ++i) {
    const Tensor* t = params[i];
    if (t == nullptr) continue;
    if (!t->constant) return c.error(OCTET_UNSUPPORTED) << names[i] << " must be constant";
    OCTET_RETURN_IF_ERROR(expect_type(c, *t, DType::kFloat32, names[i]));
    if (t->rank() != 1 || t->shape[0] != channels) {
      return c.error() << names[i] << " shape " << shape_string(t->shape) << " does not match the " << channels << " channels of the last axis";
    }
  }
  const float epsilon = o->epsilon();
  if (!std::isfinite(epsilon) || epsilon < 0) return c.error() << "epsilon " << epsilon << " must be finite and >= 0";
  std::unique_ptr<LayerNorm> op(new (std::nothrow) LayerNorm());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->channels = static_cast<size_t>(channels);
  op->rows = op->channels == 0 ? 0 : x.elements / op->channels;
  op->epsilon = epsilon;
  op->type = "LayerNorm";
  op->kernel = "f32_layer_norm__reference";
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

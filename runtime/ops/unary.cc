// Element-wise unary ops: int8 through the model's 256-entry table, float directly.
#include <new>

#include "kernels/reference/qs8-lut-reference.h"
#include "runtime/ops/lut_util.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Unary final : public Operator {
 public:
  bool quantized = false;
  int8_t table[256] = {};
  UnaryFunction function = UnaryFunction::kRelu;
  float alpha = 0, beta = 0;
  size_t n = 0;
  x8_lut_fn lut = nullptr;  // the path's table lookup; null: the reference kernel
  void run(const ExecContext& ctx) const override {
    if (quantized && lut != nullptr) run_lut(ctx, lut, n, ctx.tensor<const int8_t>(inputs[0]), table, ctx.tensor<int8_t>(outputs[0]));
    else if (quantized) qs8_lut__reference(n, ctx.tensor<const int8_t>(inputs[0]), table, ctx.tensor<int8_t>(outputs[0]));
    else f32_unary__reference(function, alpha, beta, n, ctx.tensor<const float>(inputs[0]), ctx.tensor<float>(outputs[0]));
  }
};

}  // namespace

Status create_unary(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_UnaryOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_type(c, y, x.type, "output"));
  if (x.shape != y.shape) return c.error() << "input " << shape_string(x.shape) << " and output " << shape_string(y.shape) << " differ";
  std::unique_ptr<Unary> op(new (std::nothrow) Unary());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->n = x.elements;
  const int kind = static_cast<int>(o->kind());
  if (kind < static_cast<int>(fb::UnaryKind::MIN) || kind > static_cast<int>(fb::UnaryKind::MAX)) {
    return c.error(OCTET_UNSUPPORTED) << "unknown unary kind " << kind;
  }
  static const char* kNames[] = {"Table", "Relu", "Clamp", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh",
                                  "LeakyRelu", "Swish", "Exp", "Abs", "Neg", "Elu", "Gelu", "Sqrt",
                                  "Reciprocal", "Log", "Erf", "Softplus", "Floor"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<int>(fb::UnaryKind::MAX) + 1, "one name per UnaryKind");
  op->type = kNames[kind];
  if (x.type == DType::kInt8) {
    if (!x.per_tensor_quantized() || !y.per_tensor_quantized()) return c.error() << "input and output must be quantized per tensor";
    if (o->table() == nullptr || o->table()->size() != 256) return c.error() << "int8 unary op needs a table of 256 entries";
    for (int i = 0; i < 256; ++i) op->table[i] = o->table()->Get(i);
    op->quantized = true;
    const LutKernel lut = choose_lut(c.kernels);
    op->lut = lut.fn;
    op->kernel = lut.fn != nullptr ? lut.name : "qs8_lut__reference";
  } else if (x.type == DType::kFloat32) {
    if (o->kind() == fb::UnaryKind::TABLE) return c.error() << "a TABLE op needs int8 tensors";
    op->function = static_cast<UnaryFunction>(kind - 1);  // UnaryKind lists TABLE first, then UnaryFunction's order
    op->alpha = o->alpha();
    op->beta = o->beta();
    op->kernel = "f32_unary__reference";
  } else {
    return c.error(OCTET_UNSUPPORTED) << "int32 unary op";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

static_assert(static_cast<int>(octet::fb::UnaryKind::GELU) - 1 == static_cast<int>(octet::UnaryFunction::kGelu) &&
                  static_cast<int>(octet::fb::UnaryKind::FLOOR) - 1 == static_cast<int>(octet::UnaryFunction::kFloor),
              "UnaryKind (after TABLE) and UnaryFunction must list the functions in the same order");

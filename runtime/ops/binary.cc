// Add, Sub, Mul, Div, Maximum, Minimum, Pow with broadcasting.
#include <new>

#include "kernels/reference/qs8-binary-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Binary final : public Operator {
 public:
  fb::BinaryKind kind = fb::BinaryKind::ADD;
  BroadcastShape bs;
  bool quantized = false;
  QAddParams add;
  QMulParams mul;
  QMinMaxParams minmax;
  BinaryOp float_op = BinaryOp::kAdd;
  float out_min = 0, out_max = 0;

  void run(const ExecContext& ctx) const override {
    if (quantized) {
      const auto* a = ctx.tensor<const int8_t>(inputs[0]);
      const auto* b = ctx.tensor<const int8_t>(inputs[1]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      switch (kind) {
        case fb::BinaryKind::MUL: qs8_mul__reference(bs, a, b, mul, y); break;
        case fb::BinaryKind::MAXIMUM: qs8_maximum__reference(bs, a, b, minmax, y); break;
        case fb::BinaryKind::MINIMUM: qs8_minimum__reference(bs, a, b, minmax, y); break;
        default: qs8_add__reference(bs, a, b, add, y); break;  // ADD, SUB
      }
    } else {
      f32_binary__reference(float_op, bs, ctx.tensor<const float>(inputs[0]), ctx.tensor<const float>(inputs[1]), out_min, out_max,
                            ctx.tensor<float>(outputs[0]));
    }
  }
};

}  // namespace

Status create_binary(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_BinaryOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 2, 1));
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& y = c.output(0);
  const int kind = static_cast<int>(o->kind());
  if (kind < static_cast<int>(fb::BinaryKind::MIN) || kind > static_cast<int>(fb::BinaryKind::MAX)) {
    return c.error(OCTET_UNSUPPORTED) << "unknown binary kind " << kind;
  }
  // In BinaryKind's order.
  static const char* kNames[] = {"Add", "Mul", "Sub", "Div", "Maximum", "Minimum", "Pow"};
  static const BinaryOp kFloatOps[] = {BinaryOp::kAdd, BinaryOp::kMul, BinaryOp::kSub, BinaryOp::kDiv,
                                       BinaryOp::kMaximum, BinaryOp::kMinimum, BinaryOp::kPow};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<int>(fb::BinaryKind::MAX) + 1, "one name per BinaryKind");
  static_assert(sizeof(kFloatOps) / sizeof(kFloatOps[0]) == static_cast<int>(fb::BinaryKind::MAX) + 1, "one op per BinaryKind");
  OCTET_RETURN_IF_ERROR(expect_type(c, b, a.type, "input 1"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, a.type, "output"));
  if (a.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 arithmetic";
  if (a.type == DType::kInt8 && (o->kind() == fb::BinaryKind::DIV || o->kind() == fb::BinaryKind::POW)) {
    return c.error(OCTET_UNSUPPORTED) << "int8 " << kNames[kind] << " is not supported: keep it in a float region";
  }
  for (const Tensor* t : {&a, &b, &y}) {
    if (t->type == DType::kInt8 && !t->per_tensor_quantized()) return c.error() << "tensor '" << t->name << "' must be quantized per tensor";
  }
  std::unique_ptr<Binary> op(new (std::nothrow) Binary());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->kind = o->kind();
  if (!make_broadcast_shape(a.shape.data(), a.rank(), b.shape.data(), b.rank(), &op->bs)) {
    return c.error() << "shapes " << shape_string(a.shape) << " and " << shape_string(b.shape) << " do not broadcast";
  }
  std::vector<int64_t> expect(op->bs.out_dims, op->bs.out_dims + op->bs.rank);
  if (expect != y.shape) return c.error() << "output shape " << shape_string(y.shape) << ", expected " << shape_string(expect);
  op->type = kNames[kind];
  if (a.type == DType::kInt8) {
    op->quantized = true;
    int32_t qmin = -128, qmax = 127;
    OCTET_RETURN_IF_ERROR(read_clamp(c, o->clamp_min(), o->clamp_max(), &qmin, &qmax));
    switch (o->kind()) {
      case fb::BinaryKind::MUL:
        op->mul.a_zero_point = a.zero_point();
        op->mul.b_zero_point = b.zero_point();
        op->mul.output_zero_point = y.zero_point();
        op->mul.qmin = qmin;
        op->mul.qmax = qmax;
        if (!quantize_multiplier(static_cast<double>(a.scale()) * b.scale() / y.scale(), &op->mul.multiplier)) {
          return c.error(OCTET_UNSUPPORTED) << "scale ratio of Mul too large";
        }
        op->kernel = "qs8_mul__reference";
        break;
      case fb::BinaryKind::MAXIMUM:
      case fb::BinaryKind::MINIMUM:
        if (!compute_qs8_minmax_params(a.scale(), a.zero_point(), b.scale(), b.zero_point(), y.scale(), y.zero_point(), qmin, qmax,
                                       &op->minmax)) {
          return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio exceeds " << kMaxAddScaleRatio;
        }
        op->kernel = o->kind() == fb::BinaryKind::MAXIMUM ? "qs8_maximum__reference" : "qs8_minimum__reference";
        break;
      default:  // ADD, SUB
        if (!compute_qs8_add_params(a.scale(), a.zero_point(), b.scale(), b.zero_point(), y.scale(), y.zero_point(),
                                    o->kind() == fb::BinaryKind::SUB, qmin, qmax, &op->add)) {
          return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio exceeds " << kMaxAddScaleRatio;
        }
        op->kernel = "qs8_add__reference";
        break;
    }
  } else {
    op->float_op = kFloatOps[kind];
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = "f32_binary__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

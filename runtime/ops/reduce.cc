// ReduceMean, ReduceSum, ReduceMax, ReduceMin over a set of axes.
#include <algorithm>
#include <new>

#include "kernels/reference/qs8-reduce-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

// |sum(q - z_in)| <= 255 * count stays inside int32 (and the product with M0 inside
// the 62 bits of the rounding shift) for count <= 2^23.
constexpr int64_t kMaxQuantizedReduceCount = int64_t{1} << 23;

class Reduce final : public Operator {
 public:
  ReduceOp op = ReduceOp::kMean;
  ReduceShape shape;
  size_t out_elements = 0, tile = 1;
  bool quantized = false;
  QReduceParams params;
  void run(const ExecContext& ctx) const override {
    if (quantized) {
      const auto* x = ctx.tensor<const int8_t>(inputs[0]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      parallel_for(ctx.pool, out_elements, tile, [&](size_t b, size_t e) { qs8_reduce__reference(op, shape, x, params, y, b, e); });
    } else {
      const auto* x = ctx.tensor<const float>(inputs[0]);
      auto* y = ctx.tensor<float>(outputs[0]);
      parallel_for(ctx.pool, out_elements, tile, [&](size_t b, size_t e) { f32_reduce__reference(op, shape, x, y, b, e); });
    }
  }
};

}  // namespace

Status create_reduce(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_ReduceOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_type(c, y, x.type, "output"));
  if (x.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 reduction";
  std::unique_ptr<Reduce> op(new (std::nothrow) Reduce());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  static const char* kNames[] = {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"};
  switch (o->kind()) {
    case fb::ReduceKind::MEAN: op->op = ReduceOp::kMean; break;
    case fb::ReduceKind::SUM: op->op = ReduceOp::kSum; break;
    case fb::ReduceKind::MAXIMUM: op->op = ReduceOp::kMaximum; break;
    case fb::ReduceKind::MINIMUM: op->op = ReduceOp::kMinimum; break;
    default: return c.error(OCTET_UNSUPPORTED) << "unknown reduce kind " << static_cast<int>(o->kind());
  }
  op->type = kNames[static_cast<int>(o->kind())];
  ReduceShape& s = op->shape;
  s.rank = x.rank();
  for (int d = 0; d < s.rank; ++d) s.dims[d] = x.shape[d];
  if (o->axes() == nullptr || o->axes()->size() == 0) {
    for (int d = 0; d < s.rank; ++d) s.reduced[d] = true;
  } else {
    if (o->axes()->size() > static_cast<flatbuffers::uoffset_t>(s.rank)) {
      return c.error() << o->axes()->size() << " axes for an input of rank " << s.rank;
    }
    for (int32_t a : *o->axes()) {
      if (a < -s.rank || a >= s.rank) return c.error() << "axis " << a << " out of range for rank " << s.rank;
      const int d = a < 0 ? a + s.rank : a;
      if (s.reduced[d]) return c.error() << "axis " << d << " listed twice";
      s.reduced[d] = true;
    }
  }
  std::vector<int64_t> expect;
  int64_t count = 1;
  for (int d = 0; d < s.rank; ++d) {
    if (!s.reduced[d]) expect.push_back(s.dims[d]);
    else {
      count *= s.dims[d];  // at most the input's element count
      if (o->keepdims()) expect.push_back(1);
    }
  }
  if (expect != y.shape) {
    return c.error() << "output shape " << shape_string(y.shape) << ", expected " << shape_string(expect)
                     << (o->keepdims() ? " (keepdims)" : " (reduced axes removed)");
  }
  if (count == 0 && y.elements != 0) return c.error(OCTET_UNSUPPORTED) << "reduction over an empty axis";
  op->out_elements = y.elements;
  // Tiles of about 256 input elements or more; results do not depend on the tiling.
  op->tile = static_cast<size_t>(std::max<int64_t>(1, 256 / std::max<int64_t>(count, 1)));
  if (x.type == DType::kInt8) {
    if (!x.per_tensor_quantized() || !y.per_tensor_quantized()) return c.error() << "input and output must be quantized per tensor";
    op->quantized = true;
    OCTET_RETURN_IF_ERROR(read_clamp(c, o->clamp_min(), o->clamp_max(), &op->params.qmin, &op->params.qmax));
    op->params.input_zero_point = x.zero_point();
    op->params.output_zero_point = y.zero_point();
    if (op->op == ReduceOp::kMaximum || op->op == ReduceOp::kMinimum) {
      OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
    } else {
      if (count > kMaxQuantizedReduceCount) {
        return c.error(OCTET_UNSUPPORTED) << "int8 reduction of " << count << " elements could overflow the int32 sum (at most "
                                          << kMaxQuantizedReduceCount << ")";
      }
      if (y.elements != 0 && !compute_qs8_reduce_multiplier(op->op, x.scale(), y.scale(), count, &op->params.multiplier)) {
        return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio too large";
      }
    }
    op->kernel = "qs8_reduce__reference";
  } else {
    op->kernel = "f32_reduce__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

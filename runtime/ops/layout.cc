// Reshape, Transpose, Pad and Slice: data movement.
#include <cstring>
#include <new>

#include "kernels/reference/qs8-quantize-reference.h"
#include "kernels/reference/x-layout-reference.h"
#include "runtime/ops/lut_util.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class Reshape final : public Operator {
 public:
  size_t bytes = 0;
  void run(const ExecContext& ctx) const override {
    if (bytes != 0) std::memcpy(ctx.data[outputs[0]], ctx.data[inputs[0]], bytes);
  }
};

class Transpose final : public Operator {
 public:
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int perm[kMaxRank] = {};
  size_t elem_size = 1;
  // The path's row copies over a plan made at load (null: the reference kernel).
  x_transpose_rows_fn rows_fn = nullptr;
  TransposePlan plan;
  void run(const ExecContext& ctx) const override {
    if (rows_fn == nullptr) {
      x_transpose__reference(rank, dims, perm, elem_size, ctx.data[inputs[0]], ctx.data[outputs[0]]);
      return;
    }
    const void* x = ctx.data[inputs[0]];
    void* y = ctx.data[outputs[0]];
    const size_t row_bytes = static_cast<size_t>(plan.out_dims[plan.rank - 1]) * plan.elem_bytes;
    const size_t tile = row_bytes >= kElementwiseTile ? 1 : kElementwiseTile / row_bytes;
    parallel_for(ctx.pool, plan.rows, tile, [&](size_t b, size_t e) { rows_fn(plan, x, y, b, e); });
  }
};

class Pad final : public Operator {
 public:
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t pads[2 * kMaxRank] = {};
  PadFill fill = PadFill::kConstant;
  uint8_t constant[4] = {};
  size_t elem_size = 1;
  void run(const ExecContext& ctx) const override {
    x_pad__reference(rank, dims, pads, fill, constant, elem_size, ctx.data[inputs[0]], ctx.data[outputs[0]]);
  }
};

class Slice final : public Operator {
 public:
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t begin[kMaxRank] = {};
  int64_t step[kMaxRank] = {};
  int64_t out_dims[kMaxRank] = {};
  size_t elem_size = 1;
  void run(const ExecContext& ctx) const override {
    x_slice__reference(rank, dims, begin, step, out_dims, elem_size, ctx.data[inputs[0]], ctx.data[outputs[0]]);
  }
};

}  // namespace

Status create_reshape(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
  if (x.elements != y.elements) return c.error() << "input " << shape_string(x.shape) << " and output " << shape_string(y.shape) << " differ in size";
  std::unique_ptr<Reshape> op(new (std::nothrow) Reshape());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->bytes = x.bytes;
  op->type = "Reshape";
  op->kernel = "memcpy";
  *out = std::move(op);
  return Status::Ok();
}

Status create_transpose(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_TransposeOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
  std::unique_ptr<Transpose> op(new (std::nothrow) Transpose());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->rank = x.rank();
  if (o->perm() == nullptr || static_cast<int>(o->perm()->size()) != op->rank || y.rank() != op->rank) {
    return c.error() << "perm must have one entry per axis of the input (rank " << op->rank << ")";
  }
  bool seen[kMaxRank] = {};
  for (int d = 0; d < op->rank; ++d) {
    const int p = o->perm()->Get(d);
    if (p < 0 || p >= op->rank || seen[p]) return c.error() << "perm is not a permutation of 0.." << op->rank - 1;
    seen[p] = true;
    op->perm[d] = p;
    op->dims[d] = x.shape[d];
  }
  for (int d = 0; d < op->rank; ++d) {
    if (y.shape[d] != x.shape[op->perm[d]]) return c.error() << "output shape " << shape_string(y.shape) << " does not match the permuted input";
  }
  op->elem_size = dtype_size(x.type);
  op->type = "Transpose";
  op->kernel = "x_transpose__reference";
  if (c.kernels != nullptr && c.kernels->elementwise.transpose != nullptr && x.elements != 0) {
    x_transpose_plan(op->rank, op->dims, op->perm, op->elem_size, &op->plan);
    op->rows_fn = c.kernels->elementwise.transpose;
    op->kernel = c.kernels->elementwise.transpose_name;
  }
  *out = std::move(op);
  return Status::Ok();
}

Status create_pad(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_PadOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
  std::unique_ptr<Pad> op(new (std::nothrow) Pad());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->rank = x.rank();
  if (y.rank() != op->rank || o->pads() == nullptr || static_cast<int>(o->pads()->size()) != 2 * op->rank) {
    return c.error() << "pads must have 2 * rank entries";
  }
  switch (o->mode()) {
    case fb::PadMode::CONSTANT: op->fill = PadFill::kConstant; break;
    case fb::PadMode::REFLECT: op->fill = PadFill::kReflect; break;
    case fb::PadMode::EDGE: op->fill = PadFill::kEdge; break;
    default: return c.error(OCTET_UNSUPPORTED) << "unknown pad mode";
  }
  for (int d = 0; d < op->rank; ++d) {
    const int64_t before = o->pads()->Get(d), after = o->pads()->Get(op->rank + d);
    if (before < 0 || after < 0) return c.error(OCTET_UNSUPPORTED) << "negative pads (cropping) are not supported";
    if (y.shape[d] != x.shape[d] + before + after) return c.error() << "output shape " << shape_string(y.shape) << " does not match the padded input";
    if (op->fill == PadFill::kReflect && (before >= x.shape[d] || after >= x.shape[d]) && (before | after) != 0) {
      return c.error() << "reflect pads must be smaller than the axis (" << x.shape[d] << ")";
    }
    if (op->fill != PadFill::kConstant && x.shape[d] == 0 && (before | after) != 0) return c.error() << "cannot reflect or extend an empty axis";
    op->dims[d] = x.shape[d];
    op->pads[d] = before;
    op->pads[op->rank + d] = after;
  }
  op->elem_size = dtype_size(x.type);
  if (x.type == DType::kInt8) {
    op->constant[0] = static_cast<uint8_t>(quantize_value_s8(o->constant_value(), x.scale(), x.zero_point()));
  } else if (x.type == DType::kFloat32) {
    const float v = o->constant_value();
    std::memcpy(op->constant, &v, 4);
  } else {
    // Converting NaN or a value outside int32 to int32 is undefined behaviour.
    const float cv = o->constant_value();
    if (!(cv >= -2147483648.0f && cv < 2147483648.0f)) return c.error() << "constant_value " << cv << " is not representable as int32";
    const int32_t v = static_cast<int32_t>(cv);
    std::memcpy(op->constant, &v, 4);
  }
  op->type = "Pad";
  op->kernel = "x_pad__reference";
  *out = std::move(op);
  return Status::Ok();
}

Status create_slice(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_SliceOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_same_quantization(c, x, y));
  if (x.type == DType::kInt8 && (!x.per_tensor_quantized() || !y.per_tensor_quantized())) {
    return c.error() << "int8 input and output must be quantized per tensor";
  }
  std::unique_ptr<Slice> op(new (std::nothrow) Slice());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->rank = x.rank();
  const auto size_of = [](const flatbuffers::Vector<int32_t>* v) { return v == nullptr ? 0 : static_cast<int>(v->size()); };
  if (size_of(o->begin()) != op->rank || size_of(o->end()) != op->rank || size_of(o->step()) != op->rank) {
    return c.error() << "begin, end and step need one entry per input axis (rank " << op->rank << "), have " << size_of(o->begin())
                     << ", " << size_of(o->end()) << " and " << size_of(o->step());
  }
  if (y.rank() != op->rank) return c.error() << "output rank " << y.rank() << " differs from the input's " << op->rank;
  std::vector<int64_t> expect(op->rank);
  for (int d = 0; d < op->rank; ++d) {
    const int64_t dim = x.shape[d];
    const int64_t b = o->begin()->Get(d), e = o->end()->Get(d), s = o->step()->Get(d);
    if (s == 0) return c.error() << "step of axis " << d << " is 0";
    // In range, every index begin + i * step of the slice lies inside the axis.
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    if (b < lo || b > hi || e < lo || e > hi) {
      return c.error() << "axis " << d << " of size " << dim << ": begin " << b << " and end " << e << " must be in [" << lo << ", "
                       << hi << "] for step " << s;
    }
    const int64_t span = s > 0 ? e - b : b - e, stride = s > 0 ? s : -s;
    expect[d] = span <= 0 ? 0 : (span + stride - 1) / stride;
    op->dims[d] = dim;
    op->begin[d] = b;
    op->step[d] = s;
    op->out_dims[d] = expect[d];
  }
  if (expect != y.shape) return c.error() << "output shape " << shape_string(y.shape) << ", expected " << shape_string(expect);
  op->elem_size = dtype_size(x.type);
  op->type = "Slice";
  op->kernel = "x_slice__reference";
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

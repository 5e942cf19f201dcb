// Concat (requantizing int8 inputs whose quantization differs from the output's)
// and Requantize.
#include <new>
#include <string>

#include "kernels/reference/qs8-requantize-reference.h"
#include "runtime/ops/lut_util.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

// The reference's requantization of every byte value: a change of quantization is a
// function of the byte alone, so the SIMD paths look it up.
void requantize_table(const QRequantizeParams& p, int8_t table[256]) {
  int8_t in[256];
  for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
  qs8_requantize__reference(256, in, p, table);
}

class Concat final : public Operator {
 public:
  size_t outer = 0;
  std::vector<size_t> inner_bytes;
  std::vector<bool> needs_requant;
  std::vector<QRequantizeParams> requant;
  x8_lut_fn lut = nullptr;  // the path's lookup; null: the reference kernel
  std::vector<int8_t> tables;  // 256 per input (used where needs_requant)
  std::string kernel_name;

  void run(const ExecContext& ctx) const override {
    // Rows of each input go to their slot of each output row; inputs whose
    // quantization differs are requantized element by element.
    auto* y = ctx.tensor<uint8_t>(outputs[0]);
    size_t row_bytes = 0;
    for (size_t b : inner_bytes) row_bytes += b;
    size_t col = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (size_t r = 0; r < outer; ++r) {
        const auto* src = static_cast<const uint8_t*>(ctx.data[inputs[i]]) + r * inner_bytes[i];
        uint8_t* dst = y + r * row_bytes + col;
        if (needs_requant[i] && lut != nullptr) {
          lut(inner_bytes[i], reinterpret_cast<const int8_t*>(src), tables.data() + 256 * i, reinterpret_cast<int8_t*>(dst));
        } else if (needs_requant[i]) {
          qs8_requantize__reference(inner_bytes[i], reinterpret_cast<const int8_t*>(src), requant[i], reinterpret_cast<int8_t*>(dst));
        } else {
          x_concat__reference(1, 1, reinterpret_cast<const void* const*>(&src), &inner_bytes[i], dst);
        }
      }
      col += inner_bytes[i];
    }
  }
};

class Requantize final : public Operator {
 public:
  QRequantizeParams params;
  size_t n = 0;
  x8_lut_fn lut = nullptr;  // the path's lookup; null: the reference kernel
  int8_t table[256] = {};
  void run(const ExecContext& ctx) const override {
    if (lut != nullptr) run_lut(ctx, lut, n, ctx.tensor<const int8_t>(inputs[0]), table, ctx.tensor<int8_t>(outputs[0]));
    else qs8_requantize__reference(n, ctx.tensor<const int8_t>(inputs[0]), params, ctx.tensor<int8_t>(outputs[0]));
  }
};

}  // namespace

Status create_concat(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_ConcatOptions();
  if (c.inputs.empty()) return c.error() << "needs at least one input";
  OCTET_RETURN_IF_ERROR(expect_io_count(c, c.inputs.size(), c.inputs.size(), 1));
  const Tensor& y = c.output(0);
  const int rank = y.rank();
  if (rank < 1) return c.error() << "output must have rank >= 1";
  int axis = o->axis();
  if (axis < -rank || axis >= rank) return c.error() << "axis " << axis << " out of range for rank " << rank;
  if (axis < 0) axis += rank;
  std::unique_ptr<Concat> op(new (std::nothrow) Concat());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  int64_t total = 0;
  op->outer = 1;
  for (int d = 0; d < axis; ++d) op->outer *= static_cast<size_t>(y.shape[d]);
  size_t inner = 1;
  for (int d = axis + 1; d < rank; ++d) inner *= static_cast<size_t>(y.shape[d]);
  if (y.type == DType::kInt8 && !y.per_tensor_quantized()) return c.error() << "output must be quantized per tensor";
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const Tensor& t = c.input(i);
    OCTET_RETURN_IF_ERROR(expect_type(c, t, y.type, "input"));
    if (t.rank() != rank) return c.error() << "input " << i << " has rank " << t.rank() << ", output " << rank;
    for (int d = 0; d < rank; ++d) {
      if (d != axis && t.shape[d] != y.shape[d]) return c.error() << "input " << i << " shape " << shape_string(t.shape) << " does not match output " << shape_string(y.shape) << " off axis " << axis;
    }
    total += t.shape[axis];
    op->inner_bytes.push_back(static_cast<size_t>(t.shape[axis]) * inner * dtype_size(t.type));
    QRequantizeParams p;
    bool requant = false;
    if (t.type == DType::kInt8) {
      if (!t.per_tensor_quantized()) return c.error() << "input " << i << " must be quantized per tensor";
      requant = t.scale() != y.scale() || t.zero_point() != y.zero_point();
      if (requant && !compute_qs8_requantize_params(t.scale(), t.zero_point(), y.scale(), y.zero_point(), &p)) {
        return c.error(OCTET_UNSUPPORTED) << "input " << i << " scale ratio too large";
      }
    }
    op->needs_requant.push_back(requant);
    op->requant.push_back(p);
  }
  if (total != y.shape[axis]) return c.error() << "inputs add up to " << total << " along axis " << axis << ", output has " << y.shape[axis];
  op->type = "Concat";
  op->kernel = y.type == DType::kInt8 ? "qs8_requantize__reference+x_concat__reference" : "x_concat__reference";
  const LutKernel lut = choose_lut(c.kernels);
  if (y.type == DType::kInt8 && lut.fn != nullptr) {
    op->lut = lut.fn;
    op->tables.assign(256 * c.inputs.size(), 0);
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      if (op->needs_requant[i]) requantize_table(op->requant[i], op->tables.data() + 256 * i);
    }
    op->kernel_name = std::string(lut.name) + "+x_concat__reference";
    op->kernel = op->kernel_name.c_str();
  }
  *out = std::move(op);
  return Status::Ok();
}

Status create_requantize(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 1, 1, 1));
  const Tensor& x = c.input(0);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_type(c, x, DType::kInt8, "input"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, DType::kInt8, "output"));
  if (!x.per_tensor_quantized() || !y.per_tensor_quantized()) return c.error() << "input and output must be quantized per tensor";
  if (x.shape != y.shape) return c.error() << "input " << shape_string(x.shape) << " and output " << shape_string(y.shape) << " differ";
  std::unique_ptr<Requantize> op(new (std::nothrow) Requantize());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  if (!compute_qs8_requantize_params(x.scale(), x.zero_point(), y.scale(), y.zero_point(), &op->params)) {
    return c.error(OCTET_UNSUPPORTED) << "scale ratio too large";
  }
  op->n = x.elements;
  op->type = "Requantize";
  op->kernel = "qs8_requantize__reference";
  const LutKernel lut = choose_lut(c.kernels);
  if (lut.fn != nullptr) {
    requantize_table(op->params, op->table);
    op->lut = lut.fn;
    op->kernel = lut.name;
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

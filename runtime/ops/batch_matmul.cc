// BatchMatMul: out[..., M, N] = A[..., M, K] x B[..., K, N] with broadcast batches.
#include <algorithm>
#include <new>

#include "kernels/pack/qs8-gemm-pack.h"
#include "kernels/reference/qs8-batch-matmul-reference.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

class BatchMatMul final : public Operator {
 public:
  BatchMatMulShape shape;
  size_t rows = 0;  // batch * M
  bool quantized = false;
  int32_t a_zero_point = 0, b_zero_point = 0;
  RequantTable table;
  RequantParams rq;
  float out_min = 0, out_max = 0;
  QS8GemmConfig gemm;  // int16 GEMM of the path; null fn: the reference kernel
  QS8GemmOutput out;

  // Each output matrix: its B packed into the task's scratch slot, then the GEMM.
  void run_gemm(const ExecContext& ctx, const int8_t* a, const int8_t* b, int8_t* y) const {
    const BatchMatMulShape& s = shape;
    const size_t matrices = rows / s.m;
    const size_t stride_j = s.transpose_b ? s.k : 1, stride_i = s.transpose_b ? 1 : s.n;
    const size_t mr = static_cast<size_t>(gemm.mr);
    parallel_for_slots(ctx, matrices, 1, [&](size_t slot, size_t begin, size_t end) {
      void* packed = ctx.scratch + slot * ctx.slot_bytes;
      for (size_t mi = begin; mi < end; ++mi) {
        size_t a_offset = 0, b_offset = 0;
        batch_matmul_offsets(s, mi, &a_offset, &b_offset);
        qs8_gemm_pack_activation(gemm.layout, s.n, s.k, b + b_offset, stride_j, stride_i, b_zero_point, a_zero_point,
                                 table.m0[0], table.shift[0], packed);
        for (size_t r = 0; r < s.m; r += mr) {
          gemm.fn(std::min(mr, s.m - r), s.n, s.k, a + a_offset + r * s.k, s.k, packed, y + (mi * s.m + r) * s.n, s.n,
                  out);
        }
      }
    });
  }

  void run(const ExecContext& ctx) const override {
    if (quantized && gemm.fn != nullptr) {
      run_gemm(ctx, ctx.tensor<const int8_t>(inputs[0]), ctx.tensor<const int8_t>(inputs[1]),
               ctx.tensor<int8_t>(outputs[0]));
    } else if (quantized) {
      const auto* a = ctx.tensor<const int8_t>(inputs[0]);
      const auto* b = ctx.tensor<const int8_t>(inputs[1]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t begin, size_t end) {
        qs8_batch_matmul__reference(shape, a, a_zero_point, b, b_zero_point, rq, y, begin, end);
      });
    } else {
      const auto* a = ctx.tensor<const float>(inputs[0]);
      const auto* b = ctx.tensor<const float>(inputs[1]);
      auto* y = ctx.tensor<float>(outputs[0]);
      parallel_for(ctx.pool, rows, 1, [&](size_t begin, size_t end) {
        f32_batch_matmul__reference(shape, a, b, out_min, out_max, y, begin, end);
      });
    }
  }
};

}  // namespace

Status create_batch_matmul(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_BatchMatMulOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 2, 1));
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& y = c.output(0);
  OCTET_RETURN_IF_ERROR(expect_type(c, b, a.type, "input B"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, a.type, "output"));
  if (a.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 matrix product";
  for (const Tensor* t : {&a, &b, &y}) {
    if (t->type == DType::kInt8 && !t->per_tensor_quantized()) return c.error() << "tensor '" << t->name << "' must be quantized per tensor";
  }
  if (a.rank() < 2 || b.rank() < 2) {
    return c.error() << "inputs need rank >= 2, have " << shape_string(a.shape) << " and " << shape_string(b.shape);
  }
  std::unique_ptr<BatchMatMul> op(new (std::nothrow) BatchMatMul());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  if (!make_batch_matmul_shape(a.shape.data(), a.rank(), b.shape.data(), b.rank(), o->transpose_b(), &op->shape)) {
    return c.error() << "shapes " << shape_string(a.shape) << " x " << shape_string(b.shape) << (o->transpose_b() ? " (B transposed)" : "")
                     << " do not multiply (inner dimensions differ or batch dimensions do not broadcast)";
  }
  const BatchMatMulShape& s = op->shape;
  std::vector<int64_t> expect(s.batch.out_dims, s.batch.out_dims + s.batch.rank);
  expect.push_back(static_cast<int64_t>(s.m));
  expect.push_back(static_cast<int64_t>(s.n));
  if (expect != y.shape) return c.error() << "output shape " << shape_string(y.shape) << ", expected " << shape_string(expect);
  // Every output row is one batch index and one row of M; the output tensor's element
  // count (at most 2^31) bounds rows * N.
  op->rows = s.m;
  for (int d = 0; d < s.batch.rank; ++d) op->rows *= static_cast<size_t>(s.batch.out_dims[d]);
  op->type = "BatchMatMul";
  op->macs = static_cast<uint64_t>(op->rows) * s.k * s.n;
  if (a.type == DType::kInt8) {
    // |a - za| <= 255 and |b - zb| <= 255: K products stay inside int32 when K * 65025 < 2^31.
    const int64_t limit = (int64_t{1} << 31) - 1;
    if (static_cast<int64_t>(s.k) > limit / (255 * 255)) {
      return c.error(OCTET_UNSUPPORTED) << "reduction of " << s.k << " terms could overflow the int32 accumulator (at most "
                                        << limit / (255 * 255) << ")";
    }
    const fb::Requantization* r = o->requantization();
    if (r != nullptr && r->multiplier() != nullptr && r->multiplier()->size() != 1) {
      return c.error() << "int8 BatchMatMul takes one multiplier and shift for the whole output, has " << r->multiplier()->size();
    }
    op->quantized = true;
    op->a_zero_point = a.zero_point();
    op->b_zero_point = b.zero_point();
    OCTET_RETURN_IF_ERROR(read_requantization(c, r, 1, y, &op->table, &op->rq));
    op->kernel = "qs8_batch_matmul__reference";
    // SIMD paths: the int16 GEMM, B packed per output matrix at run time (a product
    // of two activations has no constant operand to pack at load).
    const QS8GemmConfig& g = c.kernels->gemm_int16;
    if (g.fn != nullptr && s.m > 0 && s.n > 0 && s.k > 0) {
      op->gemm = g;
      op->kernel = g.name;
      op->out.zero_point = op->rq.zero_point;
      op->out.qmin = op->rq.qmin;
      op->out.qmax = op->rq.qmax;
      op->scratch_bytes = g.layout.packed_bytes(s.n, s.k);
    }
  } else {
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = "f32_batch_matmul__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

// int8 Conv2D (groups == 1) and FullyConnected on a path's GEMM micro-kernel.
// Weights are packed at load (kernels/pack/qs8-gemm-layout.h). 1x1 stride-1
// unpadded convolutions and fully connected layers multiply the NHWC input in
// place; other convolutions copy a block of im2col rows into the worker's scratch
// slot first. Work is cut into (row block, column chunk) items: a column chunk's
// packed weights stay in L2 while the tiles of a row block pass over them.
#include <algorithm>
#include <cstdlib>
#include <new>

#include "kernels/common/qs8-im2col.h"
#include "kernels/pack/qs8-gemm-pack.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

constexpr size_t kChunkWeightBytes = 384 * 1024;  // packed weights per column chunk (L2)
constexpr size_t kBlockRowBytes = 96 * 1024;       // im2col rows per row block
constexpr size_t kLongRowsMaxK = 512;             // A rows of a long call stay in L1
constexpr size_t kMinItems = 8;                    // enough items for a few threads
// Below this many multiply-accumulates (a few microseconds) a layer runs on the
// calling thread: waking the pool would cost about what the split saves.
constexpr uint64_t kMinParallelMacs = uint64_t{2} << 20;

size_t round_up(size_t v, size_t q) { return (v + q - 1) / q * q; }

class GemmOperator final : public Operator {
 public:
  QS8GemmConfig gemm;
  QS8GemmOutput out;
  std::unique_ptr<uint8_t, AlignedFree> packed;
  size_t m = 0, n = 0, k = 0;
  bool direct = false;   // A is the input itself (rows of k bytes)
  ConvShape shape;       // im2col geometry when !direct
  int8_t pad_value = 0;  // the input zero point
  size_t a_stride = 0;   // bytes per im2col row
  size_t rows_per_block = 0, cols_per_chunk = 0, row_blocks = 0, col_chunks = 0;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const int8_t>(inputs[0]);
    auto* y = ctx.tensor<int8_t>(outputs[0]);
    // Short K: several row tiles per call when the kernel takes them (its column
    // blocks' requantization constants computed once per call).
    const size_t mr = static_cast<size_t>(gemm.long_mr != 0 && k <= kLongRowsMaxK ? gemm.long_mr : gemm.mr);
    const size_t block_bytes = gemm.layout.block_bytes(k);
    // Tasks of whole row blocks when there are enough of them (one im2col each);
    // otherwise single items, so that column chunks spread over the threads too.
    ExecContext c = ctx;
    if (static_cast<uint64_t>(m) * n * k < kMinParallelMacs) c.pool = nullptr;
    const size_t threads = c.pool != nullptr ? pthreadpool_get_threads_count(c.pool) : 1;
    const size_t task = row_blocks >= 3 * threads ? col_chunks : 1;
    parallel_for_slots(c, row_blocks * col_chunks, task, [&](size_t slot, size_t begin, size_t end) {
      auto* col = reinterpret_cast<int8_t*>(ctx.scratch + slot * ctx.slot_bytes);
      size_t im2col_block = row_blocks;  // none yet
      for (size_t item = begin; item < end; ++item) {
        const size_t rb = item / col_chunks, cc = item % col_chunks;
        const size_t m0 = rb * rows_per_block, m1 = std::min(m, m0 + rows_per_block);
        const int8_t* a;
        size_t as;
        if (direct) {
          a = x + m0 * k;
          as = k;
        } else {
          if (im2col_block != rb) {
            qs8_im2col(shape, x, pad_value, m0, m1, col, a_stride);
            im2col_block = rb;
          }
          a = col;
          as = a_stride;
        }
        const size_t n0 = cc * cols_per_chunk, nc = std::min(n - n0, cols_per_chunk);
        const uint8_t* w = packed.get() + (n0 / static_cast<size_t>(gemm.layout.nr)) * block_bytes;
        for (size_t r = m0; r < m1; r += mr) {
          gemm.fn(std::min(mr, m1 - r), nc, k, a + (r - m0) * as, as, w, y + r * n + n0, n, out);
        }
      }
    });
  }
};

Status create_gemm(const OpBuildContext& c, size_t m, size_t n, size_t k, const int8_t* weights, const int32_t* bias,
                   int32_t input_zero_point, const RequantTable& table, const RequantParams& rq,
                   std::unique_ptr<GemmOperator>* out) {
  const QS8GemmConfig& g = c.kernels->gemm;
  // Empty layers (zero rows, channels or K) stay with the reference operator.
  if (g.fn == nullptr || m == 0 || n == 0 || k == 0) return Status::Ok();
  std::unique_ptr<GemmOperator> op(new (std::nothrow) GemmOperator());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->gemm = g;
  op->kernel = g.name;
  op->m = m;
  op->n = n;
  op->k = k;
  op->out.zero_point = rq.zero_point;
  op->out.qmin = rq.qmin;
  op->out.qmax = rq.qmax;
  const size_t bytes = round_up(g.layout.packed_bytes(n, k), 64);
  op->packed.reset(static_cast<uint8_t*>(std::aligned_alloc(64, bytes)));
  if (!op->packed) return c.error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << bytes << " bytes of packed weights";
  qs8_gemm_pack(g.layout, n, k, weights, k, bias, input_zero_point, table.m0.data(), table.shift.data(),
                table.m0.size() > 1, op->packed.get());
  const size_t nr = static_cast<size_t>(g.layout.nr), mr = static_cast<size_t>(g.mr);
  const size_t col_blocks = g.layout.blocks(n);
  size_t chunk_blocks = std::max<size_t>(1, kChunkWeightBytes / g.layout.block_bytes(k));
  op->a_stride = round_up(k + 8, 16);  // 8 bytes of room for qs8_im2col's rounded-up copies
  op->rows_per_block = std::min(round_up(m, mr), std::max(mr, kBlockRowBytes / op->a_stride / mr * mr));
  op->row_blocks = (m + op->rows_per_block - 1) / op->rows_per_block;
  // Split columns further while there are too few items to share between threads.
  while (chunk_blocks > 1 && op->row_blocks * ((col_blocks + chunk_blocks - 1) / chunk_blocks) < kMinItems) {
    chunk_blocks = (chunk_blocks + 1) / 2;
  }
  chunk_blocks = std::min(chunk_blocks, col_blocks);
  op->cols_per_chunk = chunk_blocks * nr;
  op->col_chunks = (col_blocks + chunk_blocks - 1) / chunk_blocks;
  op->pad_value = static_cast<int8_t>(input_zero_point);
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace

Status create_conv2d_gemm(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out) {
  const ConvShape& s = p.shape;
  const size_t m = static_cast<size_t>(s.batch) * s.out_h * s.out_w;
  const size_t k = static_cast<size_t>(s.kernel_h) * s.kernel_w * s.in_c;
  std::unique_ptr<GemmOperator> op;
  OCTET_RETURN_IF_ERROR(create_gemm(c, m, static_cast<size_t>(s.out_c), k, p.weights, p.bias, p.input_zero_point,
                                    *p.table, p.rq, &op));
  if (!op) return Status::Ok();
  op->shape = s;
  op->direct = s.kernel_h == 1 && s.kernel_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
               s.pad_left == 0 && s.pad_bottom == 0 && s.pad_right == 0;
  if (!op->direct) op->scratch_bytes = op->rows_per_block * op->a_stride;
  *out = std::move(op);
  return Status::Ok();
}

Status create_fully_connected_gemm(const OpBuildContext& c, size_t rows, size_t k, size_t n, const int8_t* weights,
                                   const int32_t* bias, int32_t input_zero_point, const RequantTable& table,
                                   const RequantParams& rq, std::unique_ptr<Operator>* out) {
  std::unique_ptr<GemmOperator> op;
  OCTET_RETURN_IF_ERROR(create_gemm(c, rows, n, k, weights, bias, input_zero_point, table, rq, &op));
  if (!op) return Status::Ok();
  op->direct = true;
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

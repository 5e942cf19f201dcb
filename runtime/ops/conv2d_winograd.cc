// int8 3x3 Conv2D by exact integer Winograd F(2x2, 3x3), stride 1, or its stride-2
// form f23s2 (kernels/pack/qs8-winograd-layout.h). Work is cut into (tile block, column chunk)
// items: a tile block's transformed input V (16 positions, 25 for stride 2, x tiles x
// channels, int16) and the chunk's products M (as many x tiles x channels, int32) live in the worker's
// scratch slot, so both stay in L2; the chunk's transformed weights stream through.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "kernels/pack/qs8-winograd-pack.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

struct AlignedFree {
  void operator()(int16_t* p) const { std::free(p); }
};

constexpr size_t kVBytes = 256 * 1024;  // transformed input of one tile block
constexpr size_t kMBytes = 256 * 1024;  // products of one (tile block, column chunk)
constexpr size_t kMaxTiles = 64;        // tiles per block
constexpr size_t kMinItems = 8;
constexpr uint64_t kMinParallelMacs = uint64_t{2} << 20;  // as the GEMM operator

size_t round_up(size_t v, size_t q) { return (v + q - 1) / q * q; }

class WinogradOperator final : public Operator {
 public:
  QS8WinogradConfig cfg;
  bool s2 = false;  // the stride-2 form: 25 V / M slots over the 16 U positions
  qs8_wino23_input_fn input = nullptr;
  qs8_wino23_output_fn output = nullptr;
  ConvShape shape;
  int32_t zero_point = 0;
  std::unique_ptr<int16_t, AlignedFree> u;  // transformed weights (cfg.layout)
  std::vector<int32_t> bias, m0, shift;     // per output channel, padded
  QS8WinogradOutput q;
  size_t cp = 0, tiles = 0, tiles_per_block = 0, tile_blocks = 0, cols_per_chunk = 0, col_chunks = 0;
  size_t v_bytes = 0;  // V's share of the scratch slot; M follows
  uint64_t direct_macs = 0;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const int8_t>(inputs[0]);
    auto* y = ctx.tensor<int8_t>(outputs[0]);
    const size_t k = static_cast<size_t>(shape.out_c), nr = static_cast<size_t>(cfg.layout.nr);
    const size_t mr = static_cast<size_t>(cfg.mr), tb_size = tiles_per_block, m_row = cols_per_chunk;
    ExecContext c = ctx;
    if (direct_macs < kMinParallelMacs) c.pool = nullptr;
    const size_t threads = c.pool != nullptr ? pthreadpool_get_threads_count(c.pool) : 1;
    const size_t task = tile_blocks >= 3 * threads ? col_chunks : 1;
    parallel_for_slots(c, tile_blocks * col_chunks, task, [&](size_t slot, size_t begin, size_t end) {
      uint8_t* base = ctx.scratch + slot * ctx.slot_bytes;
      auto* v = reinterpret_cast<int16_t*>(base);
      auto* m = reinterpret_cast<int32_t*>(base + v_bytes);
      size_t have = tile_blocks;  // the tile block whose V is in the slot
      for (size_t item = begin; item < end; ++item) {
        const size_t tb = item / col_chunks, cc = item % col_chunks;
        const size_t t0 = tb * tb_size, t1 = std::min(tiles, t0 + tb_size), nt = t1 - t0;
        if (have != tb) {
          input(shape, x, zero_point, t0, t1, cp, v, tb_size * cp);
          have = tb;
        }
        const size_t n0 = cc * cols_per_chunk, nc = std::min(k - n0, cols_per_chunk);
        for (size_t p = 0; p < kWinogradF23Positions; ++p) {
          const int16_t* w = u.get() + cfg.layout.offset(p, n0 / nr, cp, k);
          // The slots multiplied by U position p: consecutive, so a full tile block
          // runs them as one GEMM of count * tb_size rows.
          const size_t first = s2 ? static_cast<size_t>(kWinogradF23S2First[p]) : p;
          const size_t count = s2 ? static_cast<size_t>(kWinogradF23S2Count[p]) : 1;
          const size_t runs = nt == tb_size ? 1 : count, rows = nt == tb_size ? count * tb_size : nt;
          for (size_t run = 0; run < runs; ++run) {
            const int16_t* a = v + (first + run) * tb_size * cp;
            int32_t* mp = m + (first + run) * tb_size * m_row;
            for (size_t r = 0; r < rows; r += mr) {
              cfg.gemm(std::min(mr, rows - r), nc, cp, a + r * cp, cp, w, mp + r * m_row, m_row);
            }
          }
        }
        output(shape, m, tb_size * m_row, m_row, t0, t1, n0, nc, q, y);
      }
    });
  }
};

}  // namespace

bool conv2d_winograd_shape(const ConvShape& s) {
  return s.kernel_h == 3 && s.kernel_w == 3 && s.stride_h == s.stride_w && (s.stride_h == 1 || s.stride_h == 2) &&
         s.dilation_h == 1 && s.dilation_w == 1 && s.groups == 1 && s.batch >= 1 && s.in_c >= 1;
}

bool conv2d_winograd_available(const QS8WinogradConfig& cfg, const ConvShape& s) {
  if (cfg.gemm == nullptr || !conv2d_winograd_shape(s)) return false;
  return s.stride_h == 1 || (cfg.s2_name != nullptr && cfg.s2_input != nullptr && cfg.s2_output != nullptr);
}

bool conv2d_winograd_exact(const QS8ConvParams& p) {
  const size_t k = static_cast<size_t>(p.shape.out_c), cin = static_cast<size_t>(p.shape.in_c);
  return p.shape.stride_h == 1 ? qs8_winograd_f23_exact(k, cin, p.weights, p.input_zero_point)
                               : qs8_winograd_f23s2_exact(k, cin, p.weights, p.input_zero_point);
}

Status create_conv2d_winograd(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out) {
  const QS8WinogradConfig& cfg = c.kernels->winograd;
  const ConvShape& s = p.shape;
  if (!conv2d_winograd_available(cfg, s) || !conv2d_winograd_exact(p)) return Status::Ok();
  const size_t k = static_cast<size_t>(s.out_c), cin = static_cast<size_t>(s.in_c);
  std::unique_ptr<WinogradOperator> op(new (std::nothrow) WinogradOperator());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->cfg = cfg;
  op->s2 = s.stride_h == 2;
  op->kernel = op->s2 ? cfg.s2_name : cfg.name;
  op->input = op->s2 ? cfg.s2_input : cfg.input;
  op->output = op->s2 ? cfg.s2_output : cfg.output;
  const size_t slots = op->s2 ? kWinogradF23S2Positions : kWinogradF23Positions;
  op->shape = s;
  op->zero_point = p.input_zero_point;
  op->cp = cfg.layout.channels(cin);
  const size_t nr = static_cast<size_t>(cfg.layout.nr), mr = static_cast<size_t>(cfg.mr);
  const size_t elements = cfg.layout.packed_elements(op->cp, k);
  const size_t bytes = round_up(elements * sizeof(int16_t), 64);
  op->u.reset(static_cast<int16_t*>(std::aligned_alloc(64, bytes)));
  if (!op->u) return c.error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << bytes << " bytes of Winograd weights";
  if (op->s2) qs8_winograd_f23s2_pack(cfg.layout, k, cin, p.weights, op->u.get());
  else qs8_winograd_f23_pack(cfg.layout, k, cin, p.weights, op->u.get());
  const size_t kp = round_up(k, std::max<size_t>(nr, 16));
  op->bias.assign(kp, 0);
  op->m0.assign(kp, 0);
  op->shift.assign(kp, 1);
  for (size_t o = 0; o < k; ++o) {
    const size_t i = p.rq.per_channel ? o : 0;
    op->bias[o] = p.bias != nullptr ? p.bias[o] : 0;
    op->m0[o] = p.rq.m0[i];
    op->shift[o] = p.rq.shift[i];
  }
  op->q.bias = op->bias.data();
  op->q.m0 = op->m0.data();
  op->q.shift = op->shift.data();
  op->q.zero_point = p.rq.zero_point;
  op->q.qmin = p.rq.qmin;
  op->q.qmax = p.rq.qmax;
  op->tiles = static_cast<size_t>(s.batch) * ((s.out_h + 1) / 2) * ((s.out_w + 1) / 2);
  // As few tile blocks as the V budget allows, of balanced sizes: every block
  // streams all the transformed weights once.
  const size_t tb_max = std::min(kMaxTiles, std::max<size_t>(mr, kVBytes / (slots * 2 * op->cp)));
  op->tile_blocks = (op->tiles + tb_max - 1) / tb_max;
  op->tiles_per_block = round_up((op->tiles + op->tile_blocks - 1) / op->tile_blocks, mr);
  op->tile_blocks = (op->tiles + op->tiles_per_block - 1) / op->tiles_per_block;
  const size_t col_blocks = cfg.layout.blocks(k);
  // Column chunks of balanced sizes under the M budget.
  size_t chunk_blocks =
      std::max<size_t>(1, kMBytes / (slots * 4 * op->tiles_per_block * nr));
  chunk_blocks = std::min(chunk_blocks, col_blocks);
  const size_t chunks = (col_blocks + chunk_blocks - 1) / chunk_blocks;
  chunk_blocks = (col_blocks + chunks - 1) / chunks;
  while (chunk_blocks > 1 && op->tile_blocks * ((col_blocks + chunk_blocks - 1) / chunk_blocks) < kMinItems) {
    chunk_blocks = (chunk_blocks + 1) / 2;
  }
  op->cols_per_chunk = chunk_blocks * nr;
  op->col_chunks = (col_blocks + chunk_blocks - 1) / chunk_blocks;
  op->v_bytes = round_up(slots * op->tiles_per_block * op->cp * sizeof(int16_t), 64);
  op->scratch_bytes = op->v_bytes + slots * op->tiles_per_block * op->cols_per_chunk * sizeof(int32_t);
  op->direct_macs = static_cast<uint64_t>(s.batch) * s.out_h * s.out_w * k * 9 * cin;
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

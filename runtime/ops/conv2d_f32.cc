// float Conv2D and FullyConnected on a path's float kernels (kernels/f32-conv-config.h),
// bit-exact to f32_conv2d__reference / f32_fully_connected__reference. Weights are
// packed at load (kernels/pack/f32-conv-layout.h).
//   groups == 1: tiles of up to mr pixels of an output row whose taps all lie
//     inside the image horizontally (kernel rows in the vertical padding are left
//     out for the whole row); border pixels one at a time with their valid taps.
//   depthwise (groups == in_c == out_c): the row kernel, rows in the vertical
//     padding passed as null.
//   other grouped convolutions: the reference operator.
// Threads split output rows (batch x out_h) as the reference operator does; fully
// connected layers split (row tile, column chunk) items. Every output is computed
// by one kernel call alone, so the bytes never depend on the split.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "kernels/f32-conv-config.h"
#include "kernels/pack/f32-conv-pack.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};

size_t round_up(size_t v, size_t q) { return (v + q - 1) / q * q; }

Status alloc_floats(const OpBuildContext& c, size_t floats, std::unique_ptr<float, AlignedFree>* out) {
  const size_t bytes = round_up(std::max<size_t>(floats, 1) * sizeof(float), 64);
  out->reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
  if (!*out) return c.error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << bytes << " bytes of packed weights";
  return Status::Ok();
}

class F32GemmConv final : public Operator {
 public:
  F32ConvConfig cfg;
  ConvShape shape;
  F32ConvParams params;
  int interior_begin = 0, interior_end = 0;  // outputs whose kw taps are all inside the row
  std::unique_ptr<float, AlignedFree> packed;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const float>(inputs[0]);
    auto* y = ctx.tensor<float>(outputs[0]);
    const ConvShape& s = shape;
    const size_t taps = static_cast<size_t>(s.kernel_h) * s.kernel_w;
    const size_t in_c = static_cast<size_t>(s.in_c), out_c = static_cast<size_t>(s.out_c);
    const size_t mr = static_cast<size_t>(cfg.mr);
    parallel_for(ctx.pool, static_cast<size_t>(s.batch) * s.out_h, 1, [&](size_t begin, size_t end) {
      std::vector<const float*> a(taps);
      std::vector<uint32_t> tap(taps);
      for (size_t row = begin; row < end; ++row) {
        const size_t n = row / static_cast<size_t>(s.out_h);
        const int oy = static_cast<int>(row % static_cast<size_t>(s.out_h));
        const float* image = x + n * s.in_h * s.in_w * in_c;
        float* out = y + row * s.out_w * out_c;
        // Taps of the pixels [ox, ox + m) starting at output ox; `all` keeps every
        // kx (interior), otherwise only those inside the image for pixel ox.
        auto gather = [&](int ox, bool all) {
          size_t nt = 0;
          for (int ky = 0; ky < s.kernel_h; ++ky) {
            const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int kx = 0; kx < s.kernel_w; ++kx) {
              const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
              if (!all && (ix < 0 || ix >= s.in_w)) continue;
              a[nt] = image + (static_cast<size_t>(iy) * s.in_w + ix) * in_c;
              tap[nt] = static_cast<uint32_t>(ky * s.kernel_w + kx);
              ++nt;
            }
          }
          return nt;
        };
        for (int ox = 0; ox < interior_begin; ++ox) {
          const size_t nt = gather(ox, false);
          cfg.gemm(1, out_c, nt, a.data(), tap.data(), packed.get(), out + ox * out_c, params);
        }
        for (int ox = interior_begin; ox < interior_end; ox += static_cast<int>(mr)) {
          const size_t m = std::min(mr, static_cast<size_t>(interior_end - ox));
          const size_t nt = gather(ox, true);
          cfg.gemm(m, out_c, nt, a.data(), tap.data(), packed.get(), out + ox * out_c, params);
        }
        for (int ox = interior_end; ox < s.out_w; ++ox) {
          const size_t nt = gather(ox, false);
          cfg.gemm(1, out_c, nt, a.data(), tap.data(), packed.get(), out + ox * out_c, params);
        }
      }
    });
  }
};

class F32DwConv final : public Operator {
 public:
  f32_dwconv_fn fn = nullptr;
  ConvShape shape;
  F32DwConvRow row;
  std::unique_ptr<float, AlignedFree> packed;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const float>(inputs[0]);
    auto* y = ctx.tensor<float>(outputs[0]);
    const ConvShape& s = shape;
    const size_t c = static_cast<size_t>(s.in_c);
    const size_t in_row = static_cast<size_t>(s.in_w) * c, out_row = static_cast<size_t>(s.out_w) * c;
    parallel_for(ctx.pool, static_cast<size_t>(s.batch) * s.out_h, 1, [&](size_t begin, size_t end) {
      std::vector<const float*> rows(static_cast<size_t>(s.kernel_h));
      for (size_t r = begin; r < end; ++r) {
        const size_t n = r / static_cast<size_t>(s.out_h);
        const int oy = static_cast<int>(r % static_cast<size_t>(s.out_h));
        const float* image = x + n * static_cast<size_t>(s.in_h) * in_row;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          rows[ky] = iy >= 0 && iy < s.in_h ? image + static_cast<size_t>(iy) * in_row : nullptr;
        }
        fn(rows.data(), y + r * out_row, packed.get(), row);
      }
    });
  }
};

class F32FullyConnected final : public Operator {
 public:
  F32ConvConfig cfg;
  size_t rows = 0, k = 0, n = 0;
  size_t cols_per_chunk = 0, col_chunks = 0, row_tiles = 0;
  F32ConvParams params;
  std::unique_ptr<float, AlignedFree> packed;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const float>(inputs[0]);
    auto* y = ctx.tensor<float>(outputs[0]);
    const size_t mr = static_cast<size_t>(cfg.mr), nr = static_cast<size_t>(cfg.gemm_layout.nr);
    const size_t block = cfg.gemm_layout.block_floats(1, k);
    parallel_for(ctx.pool, row_tiles * col_chunks, 1, [&](size_t begin, size_t end) {
      const uint32_t tap = 0;
      for (size_t item = begin; item < end; ++item) {
        const size_t rt = item / col_chunks, cc = item % col_chunks;
        const size_t r0 = rt * mr, n0 = cc * cols_per_chunk;
        const float* a = x + r0 * k;
        cfg.gemm(std::min(mr, rows - r0), std::min(cols_per_chunk, n - n0), 1, &a, &tap,
                 packed.get() + n0 / nr * block, y + r0 * n + n0, params);
      }
    });
  }
};

}  // namespace

Status create_conv2d_f32(const OpBuildContext& c, const F32ConvLayer& p, std::unique_ptr<Operator>* out) {
  const F32ConvConfig& cfg = c.kernels->f32conv;
  const ConvShape& s = p.shape;
  const size_t taps = static_cast<size_t>(s.kernel_h) * s.kernel_w;
  if (s.groups == 1 && cfg.gemm != nullptr) {
    std::unique_ptr<F32GemmConv> op(new (std::nothrow) F32GemmConv());
    if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
    op->cfg = cfg;
    op->kernel = cfg.gemm_name;
    op->shape = s;
    const size_t ic = static_cast<size_t>(s.in_c);
    OCTET_RETURN_IF_ERROR(alloc_floats(c, cfg.gemm_layout.packed_floats(s.out_c, taps, ic), &op->packed));
    f32_gemm_pack(cfg.gemm_layout, static_cast<size_t>(s.out_c), taps, ic, p.weights, p.bias, op->packed.get());
    op->params.ic = ic;
    op->params.kernel_taps = taps;
    op->params.a_stride = static_cast<size_t>(s.stride_w) * ic;
    op->params.y_stride = static_cast<size_t>(s.out_c);
    op->params.out_min = p.out_min;
    op->params.out_max = p.out_max;
    // Interior: ox * stride - pad_left >= 0 and ox * stride - pad_left + (kw - 1) * dilation < in_w.
    const int64_t begin = std::min<int64_t>(s.out_w, (int64_t{s.pad_left} + s.stride_w - 1) / s.stride_w);
    const int64_t last_start = int64_t{s.in_w} - 1 - int64_t{s.kernel_w - 1} * s.dilation_w + s.pad_left;
    const int64_t end = last_start < 0 ? 0 : std::min<int64_t>(s.out_w, last_start / s.stride_w + 1);
    op->interior_begin = static_cast<int>(begin);
    op->interior_end = static_cast<int>(std::max(begin, end));
    *out = std::move(op);
    return Status::Ok();
  }
  if (s.groups == s.in_c && s.groups == s.out_c && cfg.dw != nullptr) {
    std::unique_ptr<F32DwConv> op(new (std::nothrow) F32DwConv());
    if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
    op->fn = cfg.dw;
    op->kernel = cfg.dw_name;
    op->shape = s;
    const size_t channels = static_cast<size_t>(s.in_c);
    OCTET_RETURN_IF_ERROR(alloc_floats(c, cfg.dw_layout.packed_floats(channels, taps), &op->packed));
    f32_dwconv_pack(cfg.dw_layout, channels, taps, p.weights, p.bias, op->packed.get());
    F32DwConvRow& r = op->row;
    r.channels = channels;
    r.in_w = s.in_w;
    r.out_w = s.out_w;
    r.kernel_h = s.kernel_h;
    r.kernel_w = s.kernel_w;
    r.stride_w = s.stride_w;
    r.dilation_w = s.dilation_w;
    r.pad_left = s.pad_left;
    r.out_min = p.out_min;
    r.out_max = p.out_max;
    *out = std::move(op);
  }
  return Status::Ok();
}

Status create_fully_connected_f32(const OpBuildContext& c, size_t rows, size_t k, size_t n, const float* weights,
                                  const float* bias, float out_min, float out_max, std::unique_ptr<Operator>* out) {
  const F32ConvConfig& cfg = c.kernels->f32conv;
  if (cfg.gemm == nullptr || rows == 0 || k == 0 || n == 0) return Status::Ok();
  std::unique_ptr<F32FullyConnected> op(new (std::nothrow) F32FullyConnected());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->cfg = cfg;
  op->kernel = cfg.gemm_name;
  op->rows = rows;
  op->k = k;
  op->n = n;
  OCTET_RETURN_IF_ERROR(alloc_floats(c, cfg.gemm_layout.packed_floats(n, 1, k), &op->packed));
  f32_gemm_pack(cfg.gemm_layout, n, 1, k, weights, bias, op->packed.get());
  op->params.ic = k;
  op->params.kernel_taps = 1;
  op->params.a_stride = k;
  op->params.y_stride = n;
  op->params.out_min = out_min;
  op->params.out_max = out_max;
  const size_t mr = static_cast<size_t>(cfg.mr), nr = static_cast<size_t>(cfg.gemm_layout.nr);
  op->row_tiles = (rows + mr - 1) / mr;
  // Few row tiles (a batch of one): cut the columns into chunks so threads share them.
  const size_t blocks = cfg.gemm_layout.blocks(n);
  size_t chunk_blocks = blocks;
  while (chunk_blocks > 1 && op->row_tiles * ((blocks + chunk_blocks - 1) / chunk_blocks) < 16) {
    chunk_blocks = (chunk_blocks + 1) / 2;
  }
  op->cols_per_chunk = chunk_blocks * nr;
  op->col_chunks = (blocks + chunk_blocks - 1) / chunk_blocks;
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

// Depthwise int8 convolution (groups == in_c == out_c) on a path's row kernels
// (kernels/qs8-dwconv-config.h): 3x3 and 5x5 windows, horizontal stride 1 or 2, any
// vertical stride, any padding, dilation 1. Weights, bias (with the zero-point
// correction) and per-channel requantization are packed at load
// (kernels/pack/qs8-dwconv-layout.h). Threads split the output rows
// (batch x out_h); every row is computed alone, so the bytes never depend on the
// split. Rows in the vertical padding point at a row of input zero-point bytes.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/pack/qs8-dwconv-pack.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

size_t round_up(size_t v, size_t q) { return (v + q - 1) / q * q; }

class DepthwiseOperator final : public Operator {
 public:
  qs8_dwconv_fn fn = nullptr;
  ConvShape shape;
  QS8DwConvRow row;
  std::unique_ptr<uint8_t, AlignedFree> packed;
  std::unique_ptr<uint8_t, AlignedFree> zero;  // in_w * C bytes of the input zero point

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const int8_t>(inputs[0]);
    auto* y = ctx.tensor<int8_t>(outputs[0]);
    const ConvShape& s = shape;
    const size_t c = static_cast<size_t>(s.in_c);
    const size_t in_row = static_cast<size_t>(s.in_w) * c, out_row = static_cast<size_t>(s.out_w) * c;
    const auto* z = reinterpret_cast<const int8_t*>(zero.get());
    parallel_for(ctx.pool, static_cast<size_t>(s.batch) * s.out_h, 1, [&](size_t begin, size_t end) {
      const int8_t* rows[8];
      for (size_t r = begin; r < end; ++r) {
        const size_t n = r / static_cast<size_t>(s.out_h);
        const int oy = static_cast<int>(r % static_cast<size_t>(s.out_h));
        const int8_t* image = x + n * static_cast<size_t>(s.in_h) * in_row;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h - s.pad_top + ky;
          rows[ky] = iy >= 0 && iy < s.in_h ? image + static_cast<size_t>(iy) * in_row : z;
        }
        fn(rows, y + r * out_row, packed.get(), row);
      }
    });
  }
};

}  // namespace

Status create_conv2d_depthwise(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out) {
  const QS8DwConvConfig& dw = c.kernels->dwconv;
  const ConvShape& s = p.shape;
  if (dw.name == nullptr || s.dilation_h != 1 || s.dilation_w != 1 || (s.stride_w != 1 && s.stride_w != 2) ||
      s.kernel_h != s.kernel_w) {
    return Status::Ok();
  }
  const QS8DwConvKernel* k = s.kernel_h == 3 ? &dw.k3x3 : s.kernel_h == 5 ? &dw.k5x5 : nullptr;
  if (k == nullptr || k->fn == nullptr) return Status::Ok();
  std::unique_ptr<DepthwiseOperator> op(new (std::nothrow) DepthwiseOperator());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->fn = k->fn;
  op->kernel = k->name;
  op->shape = s;
  const size_t channels = static_cast<size_t>(s.in_c);
  const QS8DwConvLayout layout = dw.layout(s.kernel_h, s.kernel_w);
  const size_t bytes = round_up(layout.packed_bytes(channels), 64);
  op->packed.reset(static_cast<uint8_t*>(std::aligned_alloc(64, bytes)));
  if (!op->packed) return c.error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << bytes << " bytes of packed weights";
  const RequantTable& t = *p.table;
  qs8_dwconv_pack(layout, channels, p.weights, p.bias, p.input_zero_point, t.m0.data(), t.shift.data(),
                  t.m0.size() > 1, op->packed.get());
  const size_t zero_bytes = round_up(static_cast<size_t>(s.in_w) * channels + 64, 64);
  op->zero.reset(static_cast<uint8_t*>(std::aligned_alloc(64, zero_bytes)));
  if (!op->zero) return c.error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << zero_bytes << " bytes";
  std::memset(op->zero.get(), static_cast<int>(static_cast<int8_t>(p.input_zero_point)), zero_bytes);

  QS8DwConvRow& r = op->row;
  r.channels = channels;
  r.in_w = s.in_w;
  r.out_w = s.out_w;
  r.stride_w = s.stride_w;
  r.pad_left = s.pad_left;
  // Interior outputs: ox * stride - pad_left >= 0 and ox * stride - pad_left + kw - 1 < in_w.
  const int begin = std::min(s.out_w, (s.pad_left + s.stride_w - 1) / s.stride_w);
  const int last_start = s.in_w - s.kernel_w + s.pad_left;  // largest valid ox * stride
  const int end = last_start < 0 ? 0 : std::min(s.out_w, last_start / s.stride_w + 1);
  r.interior_begin = begin;
  r.interior_end = std::max(begin, end);
  r.zero = reinterpret_cast<const int8_t*>(op->zero.get());
  r.zero_point = p.rq.zero_point;
  r.qmin = p.rq.qmin;
  r.qmax = p.rq.qmax;
  r.high_multiply = std::all_of(t.shift.begin(), t.shift.end(), [](int32_t sh) { return sh >= 33 && sh <= 54; });
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

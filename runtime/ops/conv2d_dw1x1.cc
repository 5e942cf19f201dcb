// 1x1 depthwise int8 convolution (per-channel multiply-add; the converter's form of
// a standalone BatchNorm) on the SIMD paths, stride 1, no padding.
#include <algorithm>
#include <new>
#include <vector>

#include "kernels/qs8-dwconv1x1-config.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

class DwConv1x1 final : public Operator {
 public:
  qs8_dwconv1x1_fn fn = nullptr;
  size_t pixels = 0, channels = 0;
  std::vector<int32_t> packed;
  QS8GemmOutput out;

  void run(const ExecContext& ctx) const override {
    const auto* x = ctx.tensor<const int8_t>(inputs[0]);
    auto* y = ctx.tensor<int8_t>(outputs[0]);
    // Element-wise per pixel: any split gives the same bytes.
    const size_t tile = std::max<size_t>(1, 32768 / channels);
    parallel_for(ctx.pool, pixels, tile, [&](size_t b, size_t e) {
      fn(e - b, channels, x + b * channels, packed.data(), y + b * channels, out);
    });
  }
};

}  // namespace

Status create_conv2d_depthwise_1x1(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out) {
  const ConvShape& s = p.shape;
  const QS8DwConv1x1Config& k = c.kernels->dwconv1x1;
  if (k.fn == nullptr || s.kernel_h != 1 || s.kernel_w != 1 || s.stride_h != 1 || s.stride_w != 1 || s.pad_top != 0 ||
      s.pad_left != 0 || s.pad_bottom != 0 || s.pad_right != 0 || s.groups != s.in_c || s.out_c != s.in_c ||
      s.in_c == 0 || static_cast<size_t>(s.batch) * s.out_h * s.out_w == 0) {
    return Status::Ok();
  }
  std::unique_ptr<DwConv1x1> op(new (std::nothrow) DwConv1x1());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->fn = k.fn;
  op->kernel = k.name;
  op->pixels = static_cast<size_t>(s.batch) * s.out_h * s.out_w;
  op->channels = static_cast<size_t>(s.in_c);
  op->packed.resize(qs8_dwconv1x1_packed_ints(op->channels));
  qs8_dwconv1x1_pack(op->channels, p.weights, p.bias, p.input_zero_point, p.table->m0.data(), p.table->shift.data(),
                     p.table->m0.size() > 1, op->packed.data());
  op->out.zero_point = p.rq.zero_point;
  op->out.qmin = p.rq.qmin;
  op->out.qmax = p.rq.qmax;
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

#include "kernels/reference/qs8-binary-reference.h"

#include <algorithm>
#include <cmath>

namespace octet {

bool compute_qs8_add_params(float a_scale, int32_t a_zero_point, float b_scale,
                            int32_t b_zero_point, float out_scale, int32_t out_zero_point,
                            bool subtract, int32_t qmin, int32_t qmax, QAddParams* p) {
  for (float s : {a_scale, b_scale, out_scale}) {
    if (!std::isfinite(s) || !(s > 0.0f)) return false;
  }
  const double a_ratio = static_cast<double>(a_scale) / out_scale;
  const double b_ratio = static_cast<double>(b_scale) / out_scale;
  const double max_ratio = std::max(a_ratio, b_ratio);
  if (!(max_ratio < kMaxAddScaleRatio)) return false;
  // Largest shift (at most 30) that keeps the larger multiplier below 2^20.
  int shift = 30;
  while (shift > 0 && std::llround(std::ldexp(max_ratio, shift)) >= (int64_t{1} << 20)) --shift;
  const int64_t am = std::llround(std::ldexp(a_ratio, shift));
  int64_t bm = std::llround(std::ldexp(b_ratio, shift));
  if (subtract) bm = -bm;
  // |a*am| <= 2^27, |b*bm| <= 2^27, |bias| <= 2^28 + 2^29: the sum fits in int32.
  const int64_t bias = -(int64_t{a_zero_point} * am + int64_t{b_zero_point} * bm) +
                       (shift > 0 ? (int64_t{1} << (shift - 1)) : 0);
  p->a_multiplier = static_cast<int32_t>(am);
  p->b_multiplier = static_cast<int32_t>(bm);
  p->bias = static_cast<int32_t>(bias);
  p->shift = shift;
  p->output_zero_point = out_zero_point;
  p->qmin = qmin;
  p->qmax = qmax;
  return true;
}

void qs8_add__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                        const QAddParams& p, int8_t* y) {
  for_each_broadcast(bs, [&](size_t o, size_t ia, size_t ib) {
    const int32_t acc = p.bias + int32_t{a[ia]} * p.a_multiplier + int32_t{b[ib]} * p.b_multiplier;
    y[o] = static_cast<int8_t>(clamp_i64(int64_t{acc >> p.shift} + p.output_zero_point, p.qmin, p.qmax));
  });
}

void qs8_mul__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                        const QMulParams& p, int8_t* y) {
  for_each_broadcast(bs, [&](size_t o, size_t ia, size_t ib) {
    const int32_t prod = (int32_t{a[ia]} - p.a_zero_point) * (int32_t{b[ib]} - p.b_zero_point);
    y[o] = requantize_s8(prod, p.multiplier.m0, p.multiplier.shift, p.output_zero_point, p.qmin,
                         p.qmax);
  });
}

void f32_binary__reference(BinaryOp op, const BroadcastShape& bs, const float* a, const float* b,
                           float out_min, float out_max, float* y) {
  for_each_broadcast(bs, [&](size_t o, size_t ia, size_t ib) {
    float v = op == BinaryOp::kAdd ? a[ia] + b[ib] : op == BinaryOp::kSub ? a[ia] - b[ib] : a[ia] * b[ib];
    y[o] = std::min(std::max(v, out_min), out_max);
  });
}

}  // namespace octet

#include "kernels/reference/qs8-binary-reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace octet {

namespace {

// The multipliers of Add: shift is the largest s <= 30 that keeps the larger of
// round(ratio * 2^s) below 2^20; false when a scale is not finite and positive or a
// ratio reaches kMaxAddScaleRatio.
bool compute_rescale_multipliers(float a_scale, float b_scale, float out_scale, int64_t* am,
                                 int64_t* bm, int* shift_out) {
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
  *am = std::llround(std::ldexp(a_ratio, shift));
  *bm = std::llround(std::ldexp(b_ratio, shift));
  *shift_out = shift;
  return true;
}

}  // namespace

bool compute_qs8_add_params(float a_scale, int32_t a_zero_point, float b_scale,
                            int32_t b_zero_point, float out_scale, int32_t out_zero_point,
                            bool subtract, int32_t qmin, int32_t qmax, QAddParams* p) {
  int64_t am = 0, bm = 0;
  int shift = 0;
  if (!compute_rescale_multipliers(a_scale, b_scale, out_scale, &am, &bm, &shift)) return false;
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

bool compute_qs8_minmax_params(float a_scale, int32_t a_zero_point, float b_scale,
                               int32_t b_zero_point, float out_scale, int32_t out_zero_point,
                               int32_t qmin, int32_t qmax, QMinMaxParams* p) {
  int64_t am = 0, bm = 0;
  int shift = 0;
  if (!compute_rescale_multipliers(a_scale, b_scale, out_scale, &am, &bm, &shift)) return false;
  const int64_t half = shift > 0 ? (int64_t{1} << (shift - 1)) : 0;
  // |a*am| <= 2^27 and |bias| <= 2^27 + 2^29: each sum fits in int32.
  p->a_multiplier = static_cast<int32_t>(am);
  p->a_bias = static_cast<int32_t>(-int64_t{a_zero_point} * am + half);
  p->b_multiplier = static_cast<int32_t>(bm);
  p->b_bias = static_cast<int32_t>(-int64_t{b_zero_point} * bm + half);
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

namespace {

template <bool kMaximum>
void qs8_minmax(const BroadcastShape& bs, const int8_t* a, const int8_t* b, const QMinMaxParams& p,
                int8_t* y) {
  for_each_broadcast(bs, [&](size_t o, size_t ia, size_t ib) {
    const int32_t ra = (p.a_bias + int32_t{a[ia]} * p.a_multiplier) >> p.shift;
    const int32_t rb = (p.b_bias + int32_t{b[ib]} * p.b_multiplier) >> p.shift;
    const int32_t r = kMaximum ? std::max(ra, rb) : std::min(ra, rb);
    y[o] = static_cast<int8_t>(clamp_i64(int64_t{r} + p.output_zero_point, p.qmin, p.qmax));
  });
}

}  // namespace

void qs8_maximum__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                            const QMinMaxParams& p, int8_t* y) {
  qs8_minmax<true>(bs, a, b, p, y);
}

void qs8_minimum__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                            const QMinMaxParams& p, int8_t* y) {
  qs8_minmax<false>(bs, a, b, p, y);
}

namespace {

[[gnu::always_inline]] inline float binary_value_f32(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMaximum:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<float>::quiet_NaN();
      return a < b ? b : a;
    case BinaryOp::kMinimum:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<float>::quiet_NaN();
      return b < a ? b : a;
    case BinaryOp::kPow: return b == 2.0f ? a * a : std::pow(a, b);
  }
  return 0.0f;
}

}  // namespace

float f32_binary_value(BinaryOp op, float a, float b) { return binary_value_f32(op, a, b); }

namespace {

// Rows of the innermost dimension at a time, the operation fixed at compile time:
// the same value per element as f32_binary_value, in loops the compiler vectorises.
template <BinaryOp Op>
void binary_rows(const BroadcastShape& bs, const float* a, const float* b, float lo, float hi, float* y) {
  auto value = [lo, hi](float x, float z) { return std::min(std::max(binary_value_f32(Op, x, z), lo), hi); };
  if (bs.rank == 0) {
    y[0] = value(a[0], b[0]);
    return;
  }
  const int last = bs.rank - 1;
  const int64_t n = bs.out_dims[last], sa = bs.a_strides[last], sb = bs.b_strides[last];
  BroadcastShape outer = bs;
  outer.rank = last;  // rank 0 visits one row
  for_each_broadcast(outer, [&](size_t o, size_t ia, size_t ib) {
    float* yr = y + o * static_cast<size_t>(n);
    const float* ar = a + ia;
    const float* br = b + ib;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) yr[i] = value(ar[i], br[i]);
    } else if (sa == 1 && sb == 0) {
      const float bv = br[0];
      for (int64_t i = 0; i < n; ++i) yr[i] = value(ar[i], bv);
    } else if (sa == 0 && sb == 1) {
      const float av = ar[0];
      for (int64_t i = 0; i < n; ++i) yr[i] = value(av, br[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) yr[i] = value(ar[i * sa], br[i * sb]);
    }
  });
}

}  // namespace

void f32_binary__reference(BinaryOp op, const BroadcastShape& bs, const float* a, const float* b,
                           float out_min, float out_max, float* y) {
  switch (op) {
    case BinaryOp::kAdd: return binary_rows<BinaryOp::kAdd>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kSub: return binary_rows<BinaryOp::kSub>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kMul: return binary_rows<BinaryOp::kMul>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kDiv: return binary_rows<BinaryOp::kDiv>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kMaximum: return binary_rows<BinaryOp::kMaximum>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kMinimum: return binary_rows<BinaryOp::kMinimum>(bs, a, b, out_min, out_max, y);
    case BinaryOp::kPow: return binary_rows<BinaryOp::kPow>(bs, a, b, out_min, out_max, y);
  }
}

}  // namespace octet

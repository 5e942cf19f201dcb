#include "kernels/reference/qs8-reduce-reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/f64-to-f32.h"

namespace octet {

namespace {

// The kept and the reduced axes of a ReduceShape, each with its input strides.
struct ReduceLoops {
  int kept_rank = 0, reduced_rank = 0;
  int64_t kept_dims[kMaxRank] = {}, kept_strides[kMaxRank] = {};
  int64_t reduced_dims[kMaxRank] = {}, reduced_strides[kMaxRank] = {};
  int64_t count = 1;  // reduced elements per output element

  explicit ReduceLoops(const ReduceShape& s) {
    int64_t strides[kMaxRank];
    int64_t stride = 1;
    for (int d = s.rank - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= s.dims[d];
    }
    for (int d = 0; d < s.rank; ++d) {
      if (s.reduced[d]) {
        reduced_dims[reduced_rank] = s.dims[d];
        reduced_strides[reduced_rank++] = strides[d];
        count *= s.dims[d];
      } else {
        kept_dims[kept_rank] = s.dims[d];
        kept_strides[kept_rank++] = strides[d];
      }
    }
  }

  // Input offset of the first element reduced into output element o.
  int64_t base(size_t o) const {
    int64_t offset = 0;
    int64_t rest = static_cast<int64_t>(o);
    for (int d = kept_rank - 1; d >= 0; --d) {
      offset += (rest % kept_dims[d]) * kept_strides[d];
      rest /= kept_dims[d];
    }
    return offset;
  }

  // Calls f(input offset) for every element reduced into output element o, in
  // row-major order of the reduced axes.
  template <typename F>
  void for_each(size_t o, F&& f) const {
    int64_t offset = base(o);
    int64_t idx[kMaxRank] = {};
    for (int64_t i = 0; i < count; ++i) {
      f(offset);
      for (int d = reduced_rank - 1; d >= 0; --d) {
        if (++idx[d] < reduced_dims[d]) {
          offset += reduced_strides[d];
          break;
        }
        offset -= reduced_strides[d] * (reduced_dims[d] - 1);
        idx[d] = 0;
      }
    }
  }
};

}  // namespace

bool compute_qs8_reduce_multiplier(ReduceOp op, float in_scale, float out_scale, int64_t count,
                                   QuantizedMultiplier* m) {
  if (!std::isfinite(in_scale) || !(in_scale > 0) || !std::isfinite(out_scale) ||
      !(out_scale > 0) || count < 1) {
    return false;
  }
  const double divisor = op == ReduceOp::kMean
                             ? static_cast<double>(out_scale) * static_cast<double>(count)
                             : static_cast<double>(out_scale);
  return quantize_multiplier(static_cast<double>(in_scale) / divisor, m);
}

void qs8_reduce__reference(ReduceOp op, const ReduceShape& s, const int8_t* x,
                           const QReduceParams& p, int8_t* y, size_t out_begin, size_t out_end) {
  const ReduceLoops loops(s);
  for (size_t o = out_begin; o < out_end; ++o) {
    if (op == ReduceOp::kMean || op == ReduceOp::kSum) {
      int32_t acc = 0;
      loops.for_each(o, [&](int64_t i) { acc += int32_t{x[i]} - p.input_zero_point; });
      y[o] = requantize_s8(acc, p.multiplier.m0, p.multiplier.shift, p.output_zero_point, p.qmin,
                           p.qmax);
    } else {
      int32_t r = x[loops.base(o)];
      loops.for_each(o, [&](int64_t i) {
        r = op == ReduceOp::kMaximum ? std::max<int32_t>(r, x[i]) : std::min<int32_t>(r, x[i]);
      });
      y[o] = static_cast<int8_t>(std::min(std::max(r, p.qmin), p.qmax));
    }
  }
}

void f32_reduce__reference(ReduceOp op, const ReduceShape& s, const float* x, float* y,
                           size_t out_begin, size_t out_end) {
  const ReduceLoops loops(s);
  for (size_t o = out_begin; o < out_end; ++o) {
    if (op == ReduceOp::kMean || op == ReduceOp::kSum) {
      double sum = 0.0;
      loops.for_each(o, [&](int64_t i) { sum += x[i]; });
      y[o] = f64_to_f32(op == ReduceOp::kMean ? sum / static_cast<double>(loops.count) : sum);
    } else {
      float r = x[loops.base(o)];
      bool nan = false;
      loops.for_each(o, [&](int64_t i) {
        nan = nan || std::isnan(x[i]);
        r = op == ReduceOp::kMaximum ? (r < x[i] ? x[i] : r) : (x[i] < r ? x[i] : r);
      });
      y[o] = nan ? std::numeric_limits<float>::quiet_NaN() : r;
    }
  }
}

}  // namespace octet

#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/requantize.h"

namespace octet {

// A reduction over some axes of a tensor of rank <= kMaxRank. Output elements are
// numbered in row-major order of the kept axes; each reduces its input elements in
// row-major order of the reduced axes.
struct ReduceShape {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  bool reduced[kMaxRank] = {};
};

enum class ReduceOp { kMean, kSum, kMaximum, kMinimum };

// int8 reductions:
//   kMean / kSum:       y = clamp(zo + round(sum(x - zi) * M), qmin, qmax), M = si / (so * count)
//                       for the mean, si / so for the sum, with the requantization of
//                       requantize.h; the caller bounds count so |sum| < 2^31.
//   kMaximum / kMinimum: y = clamp(max (min) of the raw values, qmin, qmax) (input and
//                       output quantization equal).
// count (the number of reduced elements) is at least 1.
struct QReduceParams {
  int32_t input_zero_point = 0;
  QuantizedMultiplier multiplier;  // kMean / kSum only
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

// The multiplier of kMean / kSum: false when a scale is not finite and positive, count
// is 0, or M is too large for quantize_multiplier.
bool compute_qs8_reduce_multiplier(ReduceOp op, float in_scale, float out_scale, int64_t count,
                                   QuantizedMultiplier* m);

// Computes output elements [out_begin, out_end).
void qs8_reduce__reference(ReduceOp op, const ReduceShape& s, const int8_t* x,
                           const QReduceParams& p, int8_t* y, size_t out_begin, size_t out_end);

// float reductions: kMean / kSum add in double (row-major order of the reduced
// elements) and round once to float; kMaximum / kMinimum give NaN when any reduced
// element is NaN.
void f32_reduce__reference(ReduceOp op, const ReduceShape& s, const float* x, float* y,
                           size_t out_begin, size_t out_end);

}  // namespace octet

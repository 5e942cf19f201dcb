#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/reference/conv-shape.h"
#include "kernels/reference/requantize.h"

namespace octet {

// Max pooling over NHWC (in_c == out_c), windows clipped to the image; a window
// with no element inside the image yields the lowest value, clamped.
void qs8_maxpool2d__reference(const ConvShape& s, const int8_t* x, int32_t qmin, int32_t qmax,
                              int8_t* y);
void f32_maxpool2d__reference(const ConvShape& s, const float* x, float out_min, float out_max,
                              float* y);

// Average pooling: y = clamp(zo + round(sum(x - zi) * si / (so * count))), where count is
// the number of window elements inside the image, or the full window size when
// count_include_pad (padding then counts as real zeros). multipliers[count] holds
// M = si / (so * count) for count in [1, kernel_h * kernel_w]; index 0 is unused.
struct QAvgPoolParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
  bool count_include_pad = false;
  const QuantizedMultiplier* multipliers = nullptr;
};

// Fills multipliers[0..max_count] for the given scales; false on invalid scales.
bool compute_qs8_avgpool_multipliers(float in_scale, float out_scale, int max_count,
                                     std::vector<QuantizedMultiplier>* multipliers);

void qs8_avgpool2d__reference(const ConvShape& s, const int8_t* x, const QAvgPoolParams& p,
                              int8_t* y);
void f32_avgpool2d__reference(const ConvShape& s, const float* x, bool count_include_pad,
                              float out_min, float out_max, float* y);

// Global average pooling (N, H, W, C) -> (N, 1, 1, C): the average pool above with a
// window of the whole image; `multiplier` is M = si / (so * H * W).
struct QGlobalAvgPoolParams {
  int32_t input_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};
void qs8_global_avgpool__reference(size_t batch, size_t hw, size_t channels, const int8_t* x,
                                   const QGlobalAvgPoolParams& p, int8_t* y);
void f32_global_avgpool__reference(size_t batch, size_t hw, size_t channels, const float* x,
                                   float* y);

}  // namespace octet

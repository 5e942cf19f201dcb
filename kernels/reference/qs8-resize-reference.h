#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/reference/requantize.h"

namespace octet {

enum class ResizeCoordinates { kHalfPixel, kAsymmetric, kAlignCorners, kPytorchHalfPixel };
enum class NearestRounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

// Source position of every output index along one axis, computed once at load time
// with ONNX Resize's formulas: `scale` is the model's output/input scale, evaluated
// in double, or 0 when the output size was given, in which case the coordinate is
// the exact rational number the formula defines (no double rounding). Nearest:
// index0[i]. Bilinear: index0[i], index1[i] and the weight of index1 in 1/2048ths
// (lambda[i], 0..2048, rounded half up); the weight of index0 is 2048 - lambda[i].
struct ResizeAxis {
  std::vector<int32_t> index0, index1, lambda;
};
constexpr int kResizeWeightBits = 11;

void compute_resize_axis_nearest(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                 NearestRounding rounding, ResizeAxis* axis);
void compute_resize_axis_bilinear(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                  ResizeAxis* axis);

// Nearest: y = requantize(x - zi) with M = si / so (a copy when the quantizations match).
// Bilinear: acc = sum over the 4 neighbours of wy * wx * (x - zi) (weights sum to 2^22),
// y = clamp(zo + round(acc * si / (so * 2^22))), `multiplier` holding that M.
struct QResizeParams {
  int32_t input_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t output_zero_point = 0;
};

void qs8_resize_nearest__reference(int batch, int in_h, int in_w, int channels,
                                   const ResizeAxis& ay, const ResizeAxis& ax, const int8_t* x,
                                   const QResizeParams& p, int8_t* y);
void qs8_resize_bilinear__reference(int batch, int in_h, int in_w, int channels,
                                    const ResizeAxis& ay, const ResizeAxis& ax, const int8_t* x,
                                    const QResizeParams& p, int8_t* y);
void f32_resize_nearest__reference(int batch, int in_h, int in_w, int channels,
                                   const ResizeAxis& ay, const ResizeAxis& ax, const float* x,
                                   float* y);
void f32_resize_bilinear__reference(int batch, int in_h, int in_w, int channels,
                                    const ResizeAxis& ay, const ResizeAxis& ax, const float* x,
                                    float* y);

}  // namespace octet

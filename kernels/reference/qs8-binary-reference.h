#pragma once

#include <cstdint>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/requantize.h"

namespace octet {

// Add and Sub of int8 tensors with different scales, in 32-bit integers:
//   acc = bias + a * a_multiplier + b * b_multiplier
//   y   = clamp(output_zero_point + (acc >> shift), qmin, qmax)   (arithmetic shift)
// bias folds in -(za * a_multiplier + zb * b_multiplier) and the rounding term
// 2^(shift-1), so y = clamp(zo + round_half_up((a-za)*sa/so +- (b-zb)*sb/so)) up to
// the multipliers' precision (the larger one is in [2^19, 2^20) unless both ratios
// are below 2^-11, where the shift stops at 30 and the multipliers are smaller).
struct QAddParams {
  int32_t a_multiplier = 0;
  int32_t b_multiplier = 0;  // negative for Sub
  int32_t bias = 0;
  int32_t shift = 0;         // in [0, 31)
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

// Largest input/output scale ratio Add accepts; larger ones saturate every
// non-zero term and are rejected as a model error.
constexpr double kMaxAddScaleRatio = 4096.0;

// Derives QAddParams from the scales; false (with no change to *p) when a scale is
// not finite and positive or a ratio exceeds kMaxAddScaleRatio.
bool compute_qs8_add_params(float a_scale, int32_t a_zero_point, float b_scale,
                            int32_t b_zero_point, float out_scale, int32_t out_zero_point,
                            bool subtract, int32_t qmin, int32_t qmax, QAddParams* p);

void qs8_add__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                        const QAddParams& p, int8_t* y);

// Mul: y = clamp(zo + round((a - za) * (b - zb) * M)), M = sa * sb / so, with the
// requantization of requantize.h.
struct QMulParams {
  int32_t a_zero_point = 0;
  int32_t b_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

void qs8_mul__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                        const QMulParams& p, int8_t* y);

// Maximum and Minimum of int8 tensors with different scales: each operand is first
// rescaled to the output quantization with Add's multipliers and rounding,
//   ra = (a_bias + a * a_multiplier) >> shift,   a_bias = -za * a_multiplier + 2^(shift-1)
//   rb = (b_bias + b * b_multiplier) >> shift    (likewise)
//   y  = clamp(output_zero_point + max(ra, rb), qmin, qmax)      (min for Minimum)
// where a_multiplier, b_multiplier and shift are exactly those of compute_qs8_add_params
// (so an operand quantized like the output is copied exactly).
struct QMinMaxParams {
  int32_t a_multiplier = 0;
  int32_t a_bias = 0;
  int32_t b_multiplier = 0;
  int32_t b_bias = 0;
  int32_t shift = 0;  // in [0, 31)
  int32_t output_zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

// Derives QMinMaxParams from the scales; false (with no change to *p) as
// compute_qs8_add_params.
bool compute_qs8_minmax_params(float a_scale, int32_t a_zero_point, float b_scale,
                               int32_t b_zero_point, float out_scale, int32_t out_zero_point,
                               int32_t qmin, int32_t qmax, QMinMaxParams* p);

void qs8_maximum__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                            const QMinMaxParams& p, int8_t* y);
void qs8_minimum__reference(const BroadcastShape& bs, const int8_t* a, const int8_t* b,
                            const QMinMaxParams& p, int8_t* y);

// Float element-wise ops, then clamp to [out_min, out_max]. kMaximum / kMinimum give
// NaN when either operand is NaN; kPow is powf, with b == 2 computed as a * a (the
// correctly rounded square, the same on every C library).
enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kPow };

float f32_binary_value(BinaryOp op, float a, float b);

void f32_binary__reference(BinaryOp op, const BroadcastShape& bs, const float* a, const float* b,
                           float out_min, float out_max, float* y);

}  // namespace octet

#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace octet {

// Element-wise function through a 256-entry table: y = table[x + 128].
void qs8_lut__reference(size_t n, const int8_t* x, const int8_t* table, int8_t* y);

// The unary functions of octet, in float (double for table building), in the order of
// the schema's UnaryKind after TABLE. Softplus is evaluated as max(x, 0) +
// log1p(exp(-|x|)), which neither overflows nor loses small results.
enum class UnaryFunction {
  kRelu, kClamp, kHardSwish, kHardSigmoid, kSigmoid, kTanh, kLeakyRelu, kSwish, kExp, kAbs,
  kNeg, kElu, kGelu, kSqrt, kReciprocal, kLog, kErf, kSoftplus, kFloor
};

double unary_function_f64(UnaryFunction f, double x, double alpha, double beta);
float unary_function_f32(UnaryFunction f, float x, float alpha, float beta);

// Builds the table of an int8 unary op: table[q + 128] =
// clamp(zo + round_half_away(f(si * (q - zi)) / so), -128, 127), in double; a NaN
// function value gives zo.
// Used by the converter (which stores the table in the model) and by tests.
void build_qs8_lut(UnaryFunction f, double alpha, double beta, float in_scale,
                   int32_t in_zero_point, float out_scale, int32_t out_zero_point,
                   int8_t table[256]);

// The same rule for any function (the converter's fused chains of element-wise steps).
void build_qs8_lut_of(const std::function<double(double)>& f, float in_scale, int32_t in_zero_point,
                      float out_scale, int32_t out_zero_point, int8_t table[256]);

void f32_unary__reference(UnaryFunction f, float alpha, float beta, size_t n, const float* x,
                          float* y);

}  // namespace octet

#include "kernels/reference/qs8-lut-reference.h"

#include <algorithm>
#include <cmath>

namespace octet {

void qs8_lut__reference(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = table[int32_t{x[i]} + 128];
}

double unary_function_f64(UnaryFunction f, double x, double alpha, double beta) {
  switch (f) {
    case UnaryFunction::kRelu: return x > 0 ? x : 0.0;
    case UnaryFunction::kClamp: return std::min(std::max(x, alpha), beta);
    case UnaryFunction::kHardSwish: return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
    case UnaryFunction::kHardSigmoid: return std::max(0.0, std::min(1.0, alpha * x + beta));
    case UnaryFunction::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case UnaryFunction::kTanh: return std::tanh(x);
    case UnaryFunction::kLeakyRelu: return x >= 0 ? x : alpha * x;
    case UnaryFunction::kSwish: return x / (1.0 + std::exp(-x));
    case UnaryFunction::kExp: return std::exp(x);
    case UnaryFunction::kAbs: return std::fabs(x);
    case UnaryFunction::kNeg: return -x;
    case UnaryFunction::kElu: return x >= 0 ? x : alpha * (std::exp(x) - 1.0);
    case UnaryFunction::kGelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case UnaryFunction::kSqrt: return std::sqrt(x);
    case UnaryFunction::kReciprocal: return 1.0 / x;
    case UnaryFunction::kLog: return std::log(x);
    case UnaryFunction::kErf: return std::erf(x);
    case UnaryFunction::kSoftplus: return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
    case UnaryFunction::kFloor: return std::floor(x);
  }
  return x;
}

namespace {

// Inlined into the per-function loops below (the switch folds away there).
[[gnu::always_inline]] inline float unary_value_f32(UnaryFunction f, float x, float alpha, float beta) {
  switch (f) {
    case UnaryFunction::kRelu: return x > 0 ? x : 0.0f;
    case UnaryFunction::kClamp: return std::min(std::max(x, alpha), beta);
    case UnaryFunction::kHardSwish: return x * std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case UnaryFunction::kHardSigmoid: return std::max(0.0f, std::min(1.0f, alpha * x + beta));
    case UnaryFunction::kSigmoid: return 1.0f / (1.0f + std::exp(-x));
    case UnaryFunction::kTanh: return std::tanh(x);
    case UnaryFunction::kLeakyRelu: return x >= 0 ? x : alpha * x;
    case UnaryFunction::kSwish: return x / (1.0f + std::exp(-x));
    case UnaryFunction::kExp: return std::exp(x);
    case UnaryFunction::kAbs: return std::fabs(x);
    case UnaryFunction::kNeg: return -x;
    case UnaryFunction::kElu: return x >= 0 ? x : alpha * (std::exp(x) - 1.0f);
    case UnaryFunction::kGelu: return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f)));
    case UnaryFunction::kSqrt: return std::sqrt(x);
    case UnaryFunction::kReciprocal: return 1.0f / x;
    case UnaryFunction::kLog: return std::log(x);
    case UnaryFunction::kErf: return std::erf(x);
    case UnaryFunction::kSoftplus: return std::max(x, 0.0f) + std::log1p(std::exp(-std::fabs(x)));
    case UnaryFunction::kFloor: return std::floor(x);
  }
  return x;
}

}  // namespace

float unary_function_f32(UnaryFunction f, float x, float alpha, float beta) {
  return unary_value_f32(f, x, alpha, beta);
}

void build_qs8_lut_of(const std::function<double(double)>& f, float in_scale, int32_t in_zero_point,
                      float out_scale, int32_t out_zero_point, int8_t table[256]) {
  for (int q = -128; q <= 127; ++q) {
    const double x = static_cast<double>(in_scale) * (q - in_zero_point);
    const double y = f(x) / out_scale;
    // NaN (e.g. a NaN alpha) maps to the zero point, the real 0, as Quantize does.
    double v = std::isnan(y) ? out_zero_point : std::round(y) + out_zero_point;
    v = std::min(std::max(v, -128.0), 127.0);
    table[q + 128] = static_cast<int8_t>(v);
  }
}

void build_qs8_lut(UnaryFunction f, double alpha, double beta, float in_scale,
                   int32_t in_zero_point, float out_scale, int32_t out_zero_point,
                   int8_t table[256]) {
  build_qs8_lut_of([&](double x) { return unary_function_f64(f, x, alpha, beta); }, in_scale, in_zero_point,
                   out_scale, out_zero_point, table);
}

namespace {

// One loop per function, so the switch is resolved at compile time and the loop
// vectorises where the function allows; each element is computed exactly as
// unary_function_f32 computes it.
template <UnaryFunction F>
void unary_loop(float alpha, float beta, size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = unary_value_f32(F, x[i], alpha, beta);
}

}  // namespace

void f32_unary__reference(UnaryFunction f, float alpha, float beta, size_t n, const float* x,
                          float* y) {
  using U = UnaryFunction;
  switch (f) {
#define OCTET_UNARY_CASE(K) \
  case U::K: return unary_loop<U::K>(alpha, beta, n, x, y);
    OCTET_UNARY_CASE(kRelu) OCTET_UNARY_CASE(kClamp) OCTET_UNARY_CASE(kHardSwish)
    OCTET_UNARY_CASE(kHardSigmoid) OCTET_UNARY_CASE(kSigmoid) OCTET_UNARY_CASE(kTanh)
    OCTET_UNARY_CASE(kLeakyRelu) OCTET_UNARY_CASE(kSwish) OCTET_UNARY_CASE(kExp) OCTET_UNARY_CASE(kAbs)
    OCTET_UNARY_CASE(kNeg) OCTET_UNARY_CASE(kElu) OCTET_UNARY_CASE(kGelu) OCTET_UNARY_CASE(kSqrt)
    OCTET_UNARY_CASE(kReciprocal) OCTET_UNARY_CASE(kLog) OCTET_UNARY_CASE(kErf) OCTET_UNARY_CASE(kSoftplus)
    OCTET_UNARY_CASE(kFloor)
#undef OCTET_UNARY_CASE
  }
}

}  // namespace octet

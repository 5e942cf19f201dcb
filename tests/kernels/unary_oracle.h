// The unary functions of octet as ONNX defines them, in double, written
// independently of unary_function_f64 (other formulas where there is a choice:
// sigmoid through tanh, ELU through expm1, GELU through erfc, sqrt and the reciprocal
// through pow, log through log2, erf by its Taylor series near 0 and erfc beyond,
// softplus through log1p(exp(x)), floor through ceil).
#pragma once

#include <algorithm>
#include <cmath>

#include "kernels/reference/qs8-lut-reference.h"

namespace octet_test {

constexpr octet::UnaryFunction kAllUnaryFunctions[] = {
    octet::UnaryFunction::kRelu,      octet::UnaryFunction::kClamp,   octet::UnaryFunction::kHardSwish,
    octet::UnaryFunction::kHardSigmoid, octet::UnaryFunction::kSigmoid, octet::UnaryFunction::kTanh,
    octet::UnaryFunction::kLeakyRelu, octet::UnaryFunction::kSwish,   octet::UnaryFunction::kExp,
    octet::UnaryFunction::kAbs,       octet::UnaryFunction::kNeg,     octet::UnaryFunction::kElu,
    octet::UnaryFunction::kGelu,      octet::UnaryFunction::kSqrt,    octet::UnaryFunction::kReciprocal,
    octet::UnaryFunction::kLog,       octet::UnaryFunction::kErf,     octet::UnaryFunction::kSoftplus,
    octet::UnaryFunction::kFloor};

// erf(x) = 2 / sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)) for |x| < 1 (terms fall
// below 1e-17 of the sum by n = 20); 1 - erfc(x) beyond, where that loses nothing.
inline double oracle_erf(double x) {
  if (std::fabs(x) >= 1.0) return x > 0 ? 1.0 - std::erfc(x) : std::erfc(-x) - 1.0;
  double term = x, sum = x;
  for (int n = 1; n < 25; ++n) {
    term *= -x * x / n;
    sum += term / (2 * n + 1);
  }
  return sum * 2.0 / std::sqrt(3.14159265358979323846);
}

inline double oracle_unary(octet::UnaryFunction f, double x, double alpha, double beta) {
  using octet::UnaryFunction;
  switch (f) {
    case UnaryFunction::kRelu: return std::max(x, 0.0);
    case UnaryFunction::kClamp: return x < alpha ? alpha : (x > beta ? beta : x);
    case UnaryFunction::kHardSwish: return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
    case UnaryFunction::kHardSigmoid: return std::max(0.0, std::min(1.0, alpha * x + beta));
    case UnaryFunction::kSigmoid: return 0.5 + 0.5 * std::tanh(0.5 * x);
    case UnaryFunction::kTanh: return std::tanh(x);
    case UnaryFunction::kLeakyRelu: return x < 0 ? alpha * x : x;
    case UnaryFunction::kSwish: return x * (0.5 + 0.5 * std::tanh(0.5 * x));
    case UnaryFunction::kExp: return std::exp(x);
    case UnaryFunction::kAbs: return x < 0 ? -x : x;
    case UnaryFunction::kNeg: return -x;
    case UnaryFunction::kElu: return x < 0 ? alpha * std::expm1(x) : x;
    case UnaryFunction::kGelu: return x * 0.5 * std::erfc(-x / std::sqrt(2.0));
    case UnaryFunction::kSqrt: return x < 0 ? NAN : std::pow(x, 0.5);
    case UnaryFunction::kReciprocal: return x == 0 ? std::copysign(INFINITY, x) : std::pow(x, -1.0);
    case UnaryFunction::kLog: return x < 0 ? NAN : x == 0 ? -INFINITY : std::log2(x) * 0.69314718055994530942;
    case UnaryFunction::kErf: return oracle_erf(x);
    case UnaryFunction::kSoftplus: return x > 40 ? x + std::exp(-x) : std::log1p(std::exp(x));
    case UnaryFunction::kFloor: return -std::ceil(-x);
  }
  return 0;
}

}  // namespace octet_test

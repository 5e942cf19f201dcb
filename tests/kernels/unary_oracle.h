// The unary functions of octet as ONNX defines them, in double, written
// independently of unary_function_f64 (other formulas where there is a choice:
// sigmoid through tanh, ELU through expm1, GELU through erfc).
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
    octet::UnaryFunction::kGelu};

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
  }
  return 0;
}

}  // namespace octet_test

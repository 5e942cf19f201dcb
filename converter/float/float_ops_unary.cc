// Element-wise ops of one input: math functions, activations, Clip, Not, IsNaN/IsInf.
#include <cmath>
#include <limits>
#include <type_traits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// y = f(x) over a float32 tensor.
template <typename F>
bool map_float(const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error, F f) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kFloat32) return fail(error, "input must be float32, not " + dname(x.dtype));
  Tensor y(DType::kFloat32, x.shape);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  const int64_t n = x.numel();
  for (int64_t i = 0; i < n; ++i) py[i] = f(px[i]);
  (*outputs)[0] = std::move(y);
  return true;
}

// y = f(x) for float32 and the integer types (f is a generic lambda).
template <typename F>
bool map_numeric(const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error, bool allow_unsigned, F f) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric, not bool");
  if (!allow_unsigned && x.dtype == DType::kUInt8) return fail(error, "input must be signed, not uint8");
  Tensor y(x.dtype, x.shape);
  const int64_t n = x.numel();
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t i = 0; i < n; ++i) py[i] = f(px[i]);
    return true;
  });
  (*outputs)[0] = std::move(y);
  return true;
}

// Two's-complement negation without signed-overflow UB.
template <typename T>
T negate(T v) {
  if constexpr (std::is_floating_point<T>::value) {
    return -v;
  } else {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U{0} - static_cast<U>(v)));
  }
}

#define FLOAT_UNARY(NAME, EXPR)                                                                          \
  bool NAME(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) { \
    return map_float(inputs, outputs, error, [](float x) -> float { return EXPR; });                       \
  }

FLOAT_UNARY(op_sqrt, std::sqrt(x))
FLOAT_UNARY(op_exp, std::exp(x))
FLOAT_UNARY(op_log, std::log(x))
FLOAT_UNARY(op_reciprocal, 1.0f / x)
FLOAT_UNARY(op_floor, std::floor(x))
FLOAT_UNARY(op_ceil, std::ceil(x))
FLOAT_UNARY(op_round, std::nearbyint(x))  // ties to even under the default rounding mode
FLOAT_UNARY(op_sin, std::sin(x))
FLOAT_UNARY(op_cos, std::cos(x))
FLOAT_UNARY(op_tan, std::tan(x))
FLOAT_UNARY(op_asin, std::asin(x))
FLOAT_UNARY(op_acos, std::acos(x))
FLOAT_UNARY(op_atan, std::atan(x))
FLOAT_UNARY(op_sinh, std::sinh(x))
FLOAT_UNARY(op_cosh, std::cosh(x))
FLOAT_UNARY(op_asinh, std::asinh(x))
FLOAT_UNARY(op_acosh, std::acosh(x))
FLOAT_UNARY(op_atanh, std::atanh(x))
FLOAT_UNARY(op_erf, std::erf(x))
FLOAT_UNARY(op_tanh, std::tanh(x))
FLOAT_UNARY(op_sigmoid, x >= 0 ? 1.0f / (1.0f + std::exp(-x)) : std::exp(x) / (1.0f + std::exp(x)))
FLOAT_UNARY(op_softplus, x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)))
FLOAT_UNARY(op_softsign, x / (1.0f + std::fabs(x)))
FLOAT_UNARY(op_hardswish, x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f)))
#undef FLOAT_UNARY

bool op_abs(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return map_numeric(inputs, outputs, error, true, [](auto x) -> decltype(x) {
    using T = decltype(x);
    if constexpr (std::is_unsigned<T>::value) return x;
    else return x < 0 ? negate(x) : x;
  });
}
bool op_neg(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return map_numeric(inputs, outputs, error, false, [](auto x) -> decltype(x) { return negate(x); });
}
bool op_sign(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return map_numeric(inputs, outputs, error, true, [](auto x) -> decltype(x) {
    using T = decltype(x);
    if (x != x) return x;  // NaN stays NaN
    return static_cast<T>(x > 0 ? 1 : (x < 0 ? -1 : 0));
  });
}
bool op_relu(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return map_numeric(inputs, outputs, error, true, [](auto x) -> decltype(x) {
    using T = decltype(x);
    return x > T{0} ? x : (x != x ? x : T{0});
  });
}

bool op_leaky_relu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float a = n.attr_f("alpha", 0.01f);
  return map_float(inputs, outputs, error, [a](float x) { return x >= 0 ? x : a * x; });
}
bool op_elu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float a = n.attr_f("alpha", 1.0f);
  return map_float(inputs, outputs, error, [a](float x) { return x >= 0 ? x : a * std::expm1(x); });
}
bool op_selu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float a = n.attr_f("alpha", 1.67326319217681884765625f);
  const float g = n.attr_f("gamma", 1.05070102214813232421875f);
  return map_float(inputs, outputs, error, [a, g](float x) { return x > 0 ? g * x : g * (a * std::exp(x) - a); });
}
bool op_celu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float a = n.attr_f("alpha", 1.0f);
  if (a == 0) return fail(error, "attribute 'alpha' must not be 0");
  return map_float(inputs, outputs, error,
                   [a](float x) { return std::max(0.0f, x) + std::min(0.0f, a * std::expm1(x / a)); });
}
bool op_hard_sigmoid(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float a = n.attr_f("alpha", 0.2f), b = n.attr_f("beta", 0.5f);
  return map_float(inputs, outputs, error, [a, b](float x) { return std::max(0.0f, std::min(1.0f, a * x + b)); });
}
bool op_thresholded_relu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                         std::string* error) {
  const float a = n.attr_f("alpha", 1.0f);
  return map_float(inputs, outputs, error, [a](float x) { return x > a ? x : 0.0f; });
}
bool op_gelu(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const std::string approx = n.attr_s("approximate", "none");
  if (approx == "none")
    return map_float(inputs, outputs, error, [](float x) {
      return static_cast<float>(0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))));
    });
  if (approx == "tanh")
    return map_float(inputs, outputs, error, [](float x) {
      const double k = std::sqrt(2.0 / 3.14159265358979323846);
      return static_cast<float>(0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * double(x) * x * x))));
    });
  return fail(error, "attribute 'approximate' is '" + approx + "'; expected 'none' or 'tanh'");
}
bool op_shrink(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const float bias = n.attr_f("bias", 0.0f), lambd = n.attr_f("lambd", 0.5f);
  return map_numeric(inputs, outputs, error, true, [bias, lambd](auto x) -> decltype(x) {
    using T = decltype(x);
    const double v = static_cast<double>(x);
    if (v < -lambd) return saturate_cast<T>(v + bias);
    if (v > lambd) return saturate_cast<T>(v - bias);
    return T{0};
  });
}

bool op_clip(const Node& n, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (opset < 11) {
    const float lo = n.attr_f("min", -std::numeric_limits<float>::infinity());
    const float hi = n.attr_f("max", std::numeric_limits<float>::infinity());
    return map_float(inputs, outputs, error, [lo, hi](float v) { return std::min(std::max(v, lo), hi); });
  }
  // Opset 11+: optional scalar inputs of the input's type.
  const Tensor* bound[2] = {in(inputs, 1), in(inputs, 2)};
  for (int k = 0; k < 2; ++k) {
    if (!bound[k]) continue;
    if (bound[k]->dtype != x.dtype)
      return fail(error, std::string(k ? "max" : "min") + " is " + dname(bound[k]->dtype) + ", the input " +
                             dname(x.dtype));
    if (bound[k]->numel() != 1)
      return fail(error, std::string(k ? "max" : "min") + " must be a scalar, not " + shape_str(bound[k]->shape));
  }
  bool ok = true;
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    constexpr bool kFloat = std::is_floating_point<T>::value;
    const T lo = bound[0] ? bound[0]->data<T>()[0]
                          : (kFloat ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest());
    const T hi = bound[1] ? bound[1]->data<T>()[0]
                          : (kFloat ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max());
    ok = map_numeric(inputs, outputs, error, true, [lo, hi](auto v) -> decltype(v) {
      const T c = static_cast<T>(v);
      if (c != c) return c;
      return c < lo ? (lo > hi ? hi : lo) : (c > hi ? hi : c);
    });
    return ok;
  });
  return ok;
}

bool op_not(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kBool) return fail(error, "input must be bool, not " + dname(x.dtype));
  Tensor y(DType::kBool, x.shape);
  for (int64_t i = 0; i < x.numel(); ++i) y.data<uint8_t>()[i] = x.data<uint8_t>()[i] ? 0 : 1;
  (*outputs)[0] = std::move(y);
  return true;
}

template <typename P>
bool float_predicate(const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error, P p) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kFloat32) return fail(error, "input must be float32, not " + dname(x.dtype));
  Tensor y(DType::kBool, x.shape);
  for (int64_t i = 0; i < x.numel(); ++i) y.data<uint8_t>()[i] = p(x.data<float>()[i]) ? 1 : 0;
  (*outputs)[0] = std::move(y);
  return true;
}
bool op_isnan(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return float_predicate(inputs, outputs, error, [](float v) { return std::isnan(v); });
}
bool op_isinf(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  const bool neg = n.attr_i("detect_negative", 1) != 0, pos = n.attr_i("detect_positive", 1) != 0;
  return float_predicate(inputs, outputs, error,
                         [neg, pos](float v) { return std::isinf(v) && ((v > 0 && pos) || (v < 0 && neg)); });
}

}  // namespace

std::vector<OpEntry> unary_ops() {
  return {{"Abs", op_abs},
          {"Acos", op_acos},
          {"Acosh", op_acosh},
          {"Asin", op_asin},
          {"Asinh", op_asinh},
          {"Atan", op_atan},
          {"Atanh", op_atanh},
          {"Ceil", op_ceil},
          {"Celu", op_celu},
          {"Clip", op_clip},
          {"Cos", op_cos},
          {"Cosh", op_cosh},
          {"Elu", op_elu},
          {"Erf", op_erf},
          {"Exp", op_exp},
          {"Floor", op_floor},
          {"Gelu", op_gelu},
          {"HardSigmoid", op_hard_sigmoid},
          {"HardSwish", op_hardswish},
          {"IsInf", op_isinf},
          {"IsNaN", op_isnan},
          {"LeakyRelu", op_leaky_relu},
          {"Log", op_log},
          {"Neg", op_neg},
          {"Not", op_not},
          {"Reciprocal", op_reciprocal},
          {"Relu", op_relu},
          {"Round", op_round},
          {"Selu", op_selu},
          {"Shrink", op_shrink},
          {"Sigmoid", op_sigmoid},
          {"Sign", op_sign},
          {"Sin", op_sin},
          {"Sinh", op_sinh},
          {"Softplus", op_softplus},
          {"Softsign", op_softsign},
          {"Sqrt", op_sqrt},
          {"Tan", op_tan},
          {"Tanh", op_tanh},
          {"ThresholdedRelu", op_thresholded_relu}};
}

}  // namespace octet::cvt::fops

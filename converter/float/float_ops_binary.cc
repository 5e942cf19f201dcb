// Element-wise ops of two or more inputs with numpy broadcasting: arithmetic,
// comparisons, logic, Where, PRelu and the variadic Min/Max/Sum/Mean.
#include <cmath>
#include <type_traits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// Wrapping integer arithmetic (numpy semantics, no signed-overflow UB).
template <typename T, typename F>
T wrap(T a, T b, F f) {
  if constexpr (std::is_floating_point<T>::value) {
    return f(a, b);
  } else {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(f(static_cast<U>(a), static_cast<U>(b))));
  }
}

// y[o] = f(a[...], b[...]) over the broadcast shape; Out is the element type of y
// (void: the same as the inputs). f receives values of the inputs' type.
template <typename Out, typename F>
bool broadcast2(const Tensor& a, const Tensor& b, DType out_type, std::vector<Tensor>* outputs, std::string* error,
                F f) {
  std::vector<int64_t> shape;
  if (!broadcast_shapes(a.shape, b.shape, &shape, error)) return false;
  Tensor y;
  if (!alloc(out_type, shape, &y, error)) return false;
  const std::vector<int64_t> st[2] = {broadcast_strides(a.shape, shape), broadcast_strides(b.shape, shape)};
  bool ok = true;
  visit_dtype(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    using O = std::conditional_t<std::is_void<Out>::value, T, Out>;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    O* py = y.data<O>();
    for_each_strided(shape, st, [&](int64_t o, const int64_t* off) {
      if (ok) ok = f(pa[off[0]], pb[off[1]], &py[o]);
    });
    return true;
  });
  if (!ok) return fail(error, *error);
  (*outputs)[0] = std::move(y);
  return true;
}

bool same_types(const Tensor& a, const Tensor& b, std::string* error) {
  if (a.dtype != b.dtype)
    return fail(error, "inputs have different element types (" + dname(a.dtype) + ", " + dname(b.dtype) + ")");
  return true;
}

bool two_inputs(const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return need_inputs(inputs, 2, error) && need_outputs(outputs, 1, error) && same_types(*inputs[0], *inputs[1], error);
}

// Before opset 7, binary ops broadcast only with broadcast=1, B's shape matching
// a run of A's dimensions starting at `axis` (default: the trailing ones). Returns
// B viewed with A's rank so numpy broadcasting does the rest.
bool legacy_broadcast(const Node& node, int64_t opset, const Tensor& a, const Tensor& b, Tensor* view,
                      const Tensor** out, std::string* error) {
  *out = &b;
  if (opset >= 7 || node.attr_i("broadcast", 0) == 0) {
    if (opset < 7 && a.shape != b.shape && b.numel() != 1)
      return fail(error, "shapes " + shape_str(a.shape) + " and " + shape_str(b.shape) + " differ (broadcast=0)");
    return true;
  }
  const int64_t ra = static_cast<int64_t>(a.rank()), rb = static_cast<int64_t>(b.rank());
  if (rb > ra) return fail(error, "B has a higher rank than A");
  int64_t axis = node.has("axis") ? node.attr_i("axis", 0) : ra - rb;
  if (axis < 0) axis += ra;
  if (axis < 0 || axis + rb > ra) return fail(error, "attribute 'axis' does not place B inside A");
  *view = b;
  view->shape.assign(static_cast<size_t>(axis), 1);
  view->shape.insert(view->shape.end(), b.shape.begin(), b.shape.end());
  view->shape.resize(static_cast<size_t>(ra), 1);
  *out = view;
  return true;
}

bool not_bool(const Tensor& t, std::string* error) {
  if (t.dtype == DType::kBool) return fail(error, "inputs must be numeric, not bool");
  return true;
}

enum class Arith { kAdd, kSub, kMul, kDiv };

template <Arith A>
bool arith(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error) || !not_bool(*inputs[0], error)) return false;
  std::string* err = error;
  Tensor view;
  const Tensor* rhs;
  if (!legacy_broadcast(node, opset, *inputs[0], *inputs[1], &view, &rhs, error)) return false;
  return broadcast2<void>(*inputs[0], *rhs, inputs[0]->dtype, outputs, error, [err](auto a, auto b, auto* y) {
    using T = decltype(a);
    if constexpr (A == Arith::kAdd) {
      *y = wrap(a, b, [](auto p, auto q) { return p + q; });
    } else if constexpr (A == Arith::kSub) {
      *y = wrap(a, b, [](auto p, auto q) { return p - q; });
    } else if constexpr (A == Arith::kMul) {
      *y = wrap(a, b, [](auto p, auto q) { return p * q; });
    } else {
      if constexpr (std::is_floating_point<T>::value) {
        *y = a / b;
      } else {
        if (b == 0) return fail(err, "integer division by zero");
        if (std::is_signed<T>::value && b == T(-1)) {
          *y = wrap(T(0), a, [](auto p, auto q) { return p - q; });
        } else {
          *y = static_cast<T>(a / b);  // truncates toward zero
        }
      }
    }
    return true;
  });
}

bool op_pow(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (!not_bool(x, error) || !not_bool(*inputs[1], error)) return false;
  Tensor view;
  const Tensor* rhs;
  if (!legacy_broadcast(node, opset, x, *inputs[1], &view, &rhs, error)) return false;
  if (x.dtype == DType::kFloat32 && rhs->dtype == DType::kFloat32)
    return broadcast2<void>(x, *rhs, x.dtype, outputs, error, [](auto a, auto b, auto* y) {
      *y = static_cast<decltype(a)>(std::pow(a, b));
      return true;
    });
  // Mixed types (opset 12+): compute in double, store in the base's type.
  const Tensor& e = *rhs;
  std::vector<int64_t> shape;
  if (!broadcast_shapes(x.shape, e.shape, &shape, error)) return false;
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  const std::vector<int64_t> st[2] = {broadcast_strides(x.shape, shape), broadcast_strides(e.shape, shape)};
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    for_each_strided(shape, st, [&](int64_t o, const int64_t* off) {
      const double r = std::pow(x.get_f(off[0]), e.get_f(off[1]));
      if constexpr (std::is_floating_point<T>::value) py[o] = static_cast<T>(r);
      else py[o] = saturate_cast<T>(std::trunc(r));
    });
    return true;
  });
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_mod(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error) || !not_bool(*inputs[0], error)) return false;
  const bool use_fmod = n.attr_i("fmod", 0) != 0;
  std::string* err = error;
  return broadcast2<void>(*inputs[0], *inputs[1], inputs[0]->dtype, outputs, error,
                          [use_fmod, err](auto a, auto b, auto* y) {
                            using T = decltype(a);
                            if constexpr (std::is_floating_point<T>::value) {
                              T r = std::fmod(a, b);
                              if (!use_fmod && r != 0 && ((r < 0) != (b < 0))) r += b;
                              *y = r;
                            } else {
                              if (b == 0) return fail(err, "integer modulo by zero");
                              if (std::is_signed<T>::value && b == T(-1)) {
                                *y = 0;
                                return true;
                              }
                              T r = static_cast<T>(a % b);
                              if (!use_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
                              *y = r;
                            }
                            return true;
                          });
}

bool op_bitshift(const Node& n, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error)) return false;
  if (inputs[0]->dtype != DType::kUInt8) return fail(error, "inputs must be unsigned (uint8), not " + dname(inputs[0]->dtype));
  const std::string dir = n.attr_s("direction", "");
  if (dir != "LEFT" && dir != "RIGHT") return fail(error, "attribute 'direction' must be LEFT or RIGHT");
  const bool left = dir == "LEFT";
  return broadcast2<void>(*inputs[0], *inputs[1], inputs[0]->dtype, outputs, error, [left](auto a, auto b, auto* y) {
    using T = decltype(a);
    const auto s = static_cast<uint64_t>(b);
    if (s >= 8) *y = 0;
    else *y = static_cast<T>(left ? static_cast<uint32_t>(a) << s : static_cast<uint32_t>(a) >> s);
    return true;
  });
}

enum class Cmp { kEq, kGt, kLt, kGe, kLe };

template <Cmp C>
bool compare(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error)) return false;
  Tensor view;
  const Tensor* rhs;
  if (!legacy_broadcast(node, opset, *inputs[0], *inputs[1], &view, &rhs, error)) return false;
  return broadcast2<uint8_t>(*inputs[0], *rhs, DType::kBool, outputs, error, [](auto a, auto b, uint8_t* y) {
    bool r;
    if constexpr (C == Cmp::kEq) r = a == b;
    else if constexpr (C == Cmp::kGt) r = a > b;
    else if constexpr (C == Cmp::kLt) r = a < b;
    else if constexpr (C == Cmp::kGe) r = a >= b;
    else r = a <= b;
    *y = r ? 1 : 0;
    return true;
  });
}

enum class Logic { kAnd, kOr, kXor };

template <Logic L>
bool logic(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error)) return false;
  if (inputs[0]->dtype != DType::kBool) return fail(error, "inputs must be bool, not " + dname(inputs[0]->dtype));
  Tensor view;
  const Tensor* rhs;
  if (!legacy_broadcast(node, opset, *inputs[0], *inputs[1], &view, &rhs, error)) return false;
  return broadcast2<uint8_t>(*inputs[0], *rhs, DType::kBool, outputs, error, [](auto a, auto b, uint8_t* y) {
    const bool p = a != 0, q = b != 0;
    *y = (L == Logic::kAnd ? (p && q) : L == Logic::kOr ? (p || q) : (p != q)) ? 1 : 0;
    return true;
  });
}

bool op_prelu(const Node&, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!two_inputs(inputs, outputs, error) || !not_bool(*inputs[0], error)) return false;
  const Tensor& x = *inputs[0];
  Tensor channel_view;
  const Tensor* sp = inputs[1];
  // Before opset 7 a 1-D slope of C values applies along the channel axis.
  if (opset < 7 && sp->rank() == 1 && x.rank() >= 2 && sp->shape[0] == x.shape[1] && sp->numel() != 1) {
    channel_view = *sp;
    channel_view.shape.resize(x.rank() - 1, 1);
    sp = &channel_view;
  }
  const Tensor& slope = *sp;
  std::vector<int64_t> shape;
  if (!broadcast_shapes(x.shape, slope.shape, &shape, error)) return false;
  if (shape != x.shape)
    return fail(error, "slope " + shape_str(slope.shape) + " does not broadcast to the input " + shape_str(x.shape));
  return broadcast2<void>(x, slope, x.dtype, outputs, error, [](auto a, auto s, auto* y) {
    using T = decltype(a);
    *y = a < T(0) ? wrap(a, s, [](auto p, auto q) { return p * q; }) : a;
    return true;
  });
}

bool op_where(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& c = *inputs[0];
  const Tensor& x = *inputs[1];
  const Tensor& yv = *inputs[2];
  if (c.dtype != DType::kBool) return fail(error, "condition must be bool, not " + dname(c.dtype));
  if (!same_types(x, yv, error)) return false;
  std::vector<int64_t> s1, shape;
  if (!broadcast_shapes(c.shape, x.shape, &s1, error) || !broadcast_shapes(s1, yv.shape, &shape, error)) return false;
  Tensor out;
  if (!alloc(x.dtype, shape, &out, error)) return false;
  const std::vector<int64_t> st[3] = {broadcast_strides(c.shape, shape), broadcast_strides(x.shape, shape),
                                      broadcast_strides(yv.shape, shape)};
  const size_t es = dtype_size(x.dtype);
  const uint8_t* pc = c.data<uint8_t>();
  for_each_strided(shape, st, [&](int64_t o, const int64_t* off) {
    const uint8_t* src = pc[off[0]] ? x.bytes.data() + off[1] * es : yv.bytes.data() + off[2] * es;
    std::memcpy(out.bytes.data() + o * es, src, es);
  });
  (*outputs)[0] = std::move(out);
  return true;
}

enum class Variadic { kMin, kMax, kSum, kMean };

template <Variadic V>
bool variadic(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_outputs(outputs, 1, error)) return false;
  if (inputs.empty()) return fail(error, "needs at least one input");
  if (!need_inputs(inputs, inputs.size(), error)) return false;
  const Tensor& first = *inputs[0];
  if (!not_bool(first, error)) return false;
  if ((V == Variadic::kSum || V == Variadic::kMean) && first.dtype != DType::kFloat32)
    return fail(error, "inputs must be float32, not " + dname(first.dtype));
  std::vector<Tensor> acc(1);
  acc[0] = first;
  for (size_t k = 1; k < inputs.size(); ++k) {
    if (!same_types(first, *inputs[k], error)) return false;
    std::vector<Tensor> next(1);
    if (!broadcast2<void>(acc[0], *inputs[k], first.dtype, &next, error, [](auto a, auto b, auto* y) {
          using T = decltype(a);
          if constexpr (V == Variadic::kMin) *y = (a != a || a < b) ? a : (b != b ? b : (b < a ? b : a));
          else if constexpr (V == Variadic::kMax) *y = (a != a || a > b) ? a : (b != b ? b : (b > a ? b : a));
          else *y = wrap(a, b, [](auto p, auto q) { return p + q; });
          (void)sizeof(T);
          return true;
        }))
      return false;
    acc[0] = std::move(next[0]);
  }
  if (V == Variadic::kMean) {
    float* p = acc[0].data<float>();
    const float k = static_cast<float>(inputs.size());
    for (int64_t i = 0; i < acc[0].numel(); ++i) p[i] /= k;
  }
  (*outputs)[0] = std::move(acc[0]);
  return true;
}

}  // namespace

std::vector<OpEntry> binary_ops() {
  return {{"Add", arith<Arith::kAdd>},
          {"And", logic<Logic::kAnd>},
          {"BitShift", op_bitshift},
          {"Div", arith<Arith::kDiv>},
          {"Equal", compare<Cmp::kEq>},
          {"Greater", compare<Cmp::kGt>},
          {"GreaterOrEqual", compare<Cmp::kGe>},
          {"Less", compare<Cmp::kLt>},
          {"LessOrEqual", compare<Cmp::kLe>},
          {"Max", variadic<Variadic::kMax>},
          {"Mean", variadic<Variadic::kMean>},
          {"Min", variadic<Variadic::kMin>},
          {"Mod", op_mod},
          {"Mul", arith<Arith::kMul>},
          {"Or", logic<Logic::kOr>},
          {"Pow", op_pow},
          {"PRelu", op_prelu},
          {"Sub", arith<Arith::kSub>},
          {"Sum", variadic<Variadic::kSum>},
          {"Where", op_where},
          {"Xor", logic<Logic::kXor>}};
}

}  // namespace octet::cvt::fops

// Reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp and
// ArgMax/ArgMin. Axes are an attribute before opset 13 (ReduceSum) or 18 (the
// others) and an optional input after; noop_with_empty_axes from then on.
// Accumulation is in double.
#include <cmath>
#include <limits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

enum class Red { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

// For every element of `shape`, the index of its slot in the reduced tensor.
std::vector<int64_t> slot_map(const std::vector<int64_t>& shape, const std::vector<int64_t>& kept) {
  std::vector<int64_t> map;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  map.resize(static_cast<size_t>(n));
  const std::vector<int64_t> st[1] = {broadcast_strides(kept, shape)};
  for_each_strided(shape, st, [&](int64_t o, const int64_t* off) { map[o] = off[0]; });
  return map;
}

// Reads axes (attribute or input per opset); *reduce_all when none are given.
bool reduce_axes(const Node& node, int64_t opset, int64_t input_from, const Inputs& inputs, int64_t rank,
                 std::vector<int64_t>* axes, bool* identity, std::string* error) {
  *identity = false;
  if (opset < input_from) {
    *axes = node.attr_ints("axes");
  } else {
    axes->clear();
    if (const Tensor* a = in(inputs, 1))
      if (!int_list(*a, axes, error, "axes")) return false;
    if (axes->empty() && node.attr_i("noop_with_empty_axes", 0) != 0) {
      *identity = true;
      return true;
    }
  }
  if (axes->empty())
    for (int64_t d = 0; d < rank; ++d) axes->push_back(d);
  return normalize_axes(axes, rank, error);
}

template <Red R>
bool reduce(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  const int64_t r = static_cast<int64_t>(x.rank());
  std::vector<int64_t> axes;
  bool identity;
  if (!reduce_axes(node, opset, R == Red::kSum ? 13 : 18, inputs, r, &axes, &identity, error)) return false;
  if (identity) {
    (*outputs)[0] = x;
    return true;
  }
  const bool keepdims = node.attr_i("keepdims", 1) != 0;
  std::vector<int64_t> kept = x.shape, shape;
  for (int64_t a : axes) kept[a] = 1;
  std::vector<bool> reduced(r, false);
  for (int64_t a : axes) reduced[a] = true;
  for (int64_t d = 0; d < r; ++d)
    if (!reduced[d] || keepdims) shape.push_back(kept[d]);
  int64_t slots = 1;
  for (int64_t d : kept) slots *= d;
  const std::vector<int64_t> map = slot_map(x.shape, kept);
  const double init = R == Red::kMax ? -std::numeric_limits<double>::infinity()
                      : R == Red::kMin ? std::numeric_limits<double>::infinity()
                      : R == Red::kProd ? 1.0
                                        : 0.0;
  std::vector<double> acc(static_cast<size_t>(slots), init);
  std::vector<double> mx;  // LogSumExp: the maximum per slot, taken out first
  if (R == Red::kLogSumExp) {
    mx.assign(static_cast<size_t>(slots), -std::numeric_limits<double>::infinity());
    for (int64_t i = 0; i < x.numel(); ++i) mx[map[i]] = std::max(mx[map[i]], x.get_f(i));
    for (double& m : mx)
      if (!std::isfinite(m)) m = 0;
  }
  int64_t count = slots ? x.numel() / slots : 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double v = x.get_f(i);
    double& a = acc[map[i]];
    switch (R) {
      case Red::kSum: case Red::kMean: case Red::kLogSum: a += v; break;
      case Red::kMax: a = (v > a || v != v) ? v : a; break;
      case Red::kMin: a = (v < a || v != v) ? v : a; break;
      case Red::kProd: a *= v; break;
      case Red::kL1: a += std::fabs(v); break;
      case Red::kL2: case Red::kSumSquare: a += v * v; break;
      case Red::kLogSumExp: a += std::exp(v - mx[map[i]]); break;
    }
  }
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t s = 0; s < slots; ++s) {
      double v = acc[s];
      if (R == Red::kMean) v = count ? v / count : std::numeric_limits<double>::quiet_NaN();
      if (R == Red::kL2) v = std::sqrt(v);
      if (R == Red::kLogSum) v = std::log(v);
      if (R == Red::kLogSumExp) v = std::log(v) + mx[s];
      if constexpr (std::is_floating_point<T>::value) y.data<T>()[s] = static_cast<T>(v);
      else y.data<T>()[s] = saturate_cast<T>(R == Red::kMean ? std::trunc(v) : v);
    }
    return true;
  });
  (*outputs)[0] = std::move(y);
  return true;
}

template <bool kMax>
bool arg_reduce(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const bool keepdims = node.attr_i("keepdims", 1) != 0, last = node.attr_i("select_last_index", 0) != 0;
  const int64_t dim = x.shape[axis];
  if (dim == 0) return fail(error, "cannot take the arg-extremum of an empty axis");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
  for (size_t d = axis + 1; d < x.rank(); ++d) inner *= x.shape[d];
  std::vector<int64_t> shape = x.shape;
  if (keepdims) shape[axis] = 1;
  else shape.erase(shape.begin() + axis);
  Tensor y(DType::kInt64, shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      double bv = x.get_f(o * dim * inner + i);
      for (int64_t k = 1; k < dim; ++k) {
        const double v = x.get_f((o * dim + k) * inner + i);
        const bool better = kMax ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
        if (better) {
          bv = v;
          best = k;
        }
      }
      y.data<int64_t>()[o * inner + i] = best;
    }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> reduce_ops() {
  return {{"ArgMax", arg_reduce<true>},
          {"ArgMin", arg_reduce<false>},
          {"ReduceL1", reduce<Red::kL1>},
          {"ReduceL2", reduce<Red::kL2>},
          {"ReduceLogSum", reduce<Red::kLogSum>},
          {"ReduceLogSumExp", reduce<Red::kLogSumExp>},
          {"ReduceMax", reduce<Red::kMax>},
          {"ReduceMean", reduce<Red::kMean>},
          {"ReduceMin", reduce<Red::kMin>},
          {"ReduceProd", reduce<Red::kProd>},
          {"ReduceSum", reduce<Red::kSum>},
          {"ReduceSumSquare", reduce<Red::kSumSquare>}};
}

}  // namespace octet::cvt::fops

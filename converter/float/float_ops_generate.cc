// Ops that create tensors from attributes or a shape: Constant,
// ConstantOfShape, Range, EyeLike.
#include <cmath>
#include <cstring>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

bool op_constant(const Node& node, int64_t, const Inputs&, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_outputs(outputs, 1, error)) return false;
  Tensor& y = (*outputs)[0];
  if (node.has("value")) {
    y = node.attrs.at("value").t;
  } else if (node.has("value_float")) {
    y = Tensor::scalar_f(node.attr_f("value_float", 0));
  } else if (node.has("value_floats")) {
    const std::vector<float> v = node.attr_floats("value_floats");
    y = floats_1d(v);
  } else if (node.has("value_int")) {
    y = Tensor::from_ints({}, {node.attr_i("value_int", 0)});
  } else if (node.has("value_ints")) {
    const std::vector<int64_t> v = node.attr_ints("value_ints");
    y = ints_1d(v);
  } else {
    return fail(error, "needs one of the attributes value, value_float(s), value_int(s) (sparse and string values are not supported)");
  }
  int64_t n;
  if (!checked_numel(y.shape, &n, error)) return false;
  if (y.bytes.size() != static_cast<size_t>(n) * dtype_size(y.dtype))
    return fail(error, "attribute 'value' holds " + std::to_string(y.bytes.size()) + " bytes for shape " + shape_str(y.shape));
  return true;
}

bool op_constant_of_shape(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                          std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  std::vector<int64_t> shape;
  if (inputs[0]->dtype != DType::kInt64) return fail(error, "the shape must be int64");
  if (!int_list(*inputs[0], &shape, error, "shape")) return false;
  Tensor value = Tensor::scalar_f(0);
  if (node.has("value")) {
    value = node.attrs.at("value").t;
    if (value.numel() != 1 || value.bytes.size() != dtype_size(value.dtype))
      return fail(error, "attribute 'value' must hold one element");
  }
  Tensor y;
  if (!alloc(value.dtype, shape, &y, error)) return false;
  const size_t es = dtype_size(value.dtype);
  for (int64_t i = 0; i < y.numel(); ++i) std::memcpy(y.bytes.data() + i * es, value.bytes.data(), es);
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_range(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error)) return false;
  const DType t = inputs[0]->dtype;
  for (int k = 0; k < 3; ++k) {
    if (inputs[k]->dtype != t) return fail(error, "start, limit and delta differ in element type");
    if (inputs[k]->numel() != 1) return fail(error, "start, limit and delta must be scalars");
  }
  if (t == DType::kBool || t == DType::kUInt8 || t == DType::kInt8) return fail(error, "unsupported element type " + dname(t));
  Tensor y;
  if (t == DType::kFloat32) {
    const float start = inputs[0]->data<float>()[0], limit = inputs[1]->data<float>()[0],
                delta = inputs[2]->data<float>()[0];
    if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) || !std::isfinite(delta))
      return fail(error, "delta must be non-zero and all values finite");
    const double count = std::ceil((static_cast<double>(limit) - start) / delta);
    if (count > static_cast<double>(float_limits().max_elements)) return fail(error, "the range is too long");
    const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
    y = Tensor(t, {n});
    for (int64_t i = 0; i < n; ++i) y.data<float>()[i] = start + static_cast<float>(i) * delta;
  } else {
    const int64_t start = inputs[0]->get_i(0), limit = inputs[1]->get_i(0), delta = inputs[2]->get_i(0);
    if (delta == 0) return fail(error, "delta must be non-zero");
    const double count = std::ceil((static_cast<double>(limit) - static_cast<double>(start)) / static_cast<double>(delta));
    if (count > static_cast<double>(float_limits().max_elements)) return fail(error, "the range is too long");
    const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
    y = Tensor(t, {n});
    for (int64_t i = 0; i < n; ++i) {
      // Every value lies between start and limit; wrapping arithmetic keeps the
      // intermediate product defined.
      const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(start) + static_cast<uint64_t>(i) * static_cast<uint64_t>(delta));
      if (t == DType::kInt64) y.data<int64_t>()[i] = v;
      else y.data<int32_t>()[i] = static_cast<int32_t>(v);
    }
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_eye_like(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.rank() != 2) return fail(error, "input must be 2-D");
  DType t = x.dtype;
  if (node.has("dtype") && !dtype_from_onnx(node.attr_i("dtype", 1), &t, error)) return false;
  const int64_t k = node.attr_i("k", 0);
  Tensor y(t, x.shape);
  const int64_t rows = x.shape[0], cols = x.shape[1];
  for (int64_t i = 0; i < rows; ++i) {
    if (k > cols || k < -rows) break;
    const int64_t j = i + k;
    if (j < 0 || j >= cols) continue;
    visit_dtype(t, [&](auto tag) {
      using T = decltype(tag);
      y.data<T>()[i * cols + j] = T(1);
      return true;
    });
  }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> generate_ops() {
  return {{"Constant", op_constant},
          {"ConstantOfShape", op_constant_of_shape},
          {"EyeLike", op_eye_like},
          {"Range", op_range}};
}

}  // namespace octet::cvt::fops

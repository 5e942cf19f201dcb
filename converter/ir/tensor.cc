#include "converter/ir/tensor.h"

#include <cmath>
#include <cstdint>

namespace octet::cvt {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32: return 4;
    case DType::kInt64: return 8;
    case DType::kInt32: return 4;
    case DType::kInt8: return 1;
    case DType::kUInt8: return 1;
    case DType::kBool: return 1;
  }
  return 1;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kInt64: return "int64";
    case DType::kInt32: return "int32";
    case DType::kInt8: return "int8";
    case DType::kUInt8: return "uint8";
    case DType::kBool: return "bool";
  }
  return "?";
}

double Tensor::get_f(int64_t i) const {
  switch (dtype) {
    case DType::kFloat32: return data<float>()[i];
    case DType::kInt64: return static_cast<double>(data<int64_t>()[i]);
    case DType::kInt32: return data<int32_t>()[i];
    case DType::kInt8: return data<int8_t>()[i];
    case DType::kUInt8: return data<uint8_t>()[i];
    case DType::kBool: return data<uint8_t>()[i] != 0;
  }
  return 0;
}

int64_t Tensor::get_i(int64_t i) const {
  switch (dtype) {
    case DType::kFloat32: {
      const float v = data<float>()[i];
      if (!std::isfinite(v)) return 0;
      // Saturate: converting a float beyond int64's range is undefined.
      if (v >= 9.2233720368547758e18f) return INT64_MAX;
      if (v <= -9.2233720368547758e18f) return INT64_MIN;
      return static_cast<int64_t>(v);
    }
    case DType::kInt64: return data<int64_t>()[i];
    case DType::kInt32: return data<int32_t>()[i];
    case DType::kInt8: return data<int8_t>()[i];
    case DType::kUInt8: return data<uint8_t>()[i];
    case DType::kBool: return data<uint8_t>()[i] != 0;
  }
  return 0;
}

Tensor Tensor::cast(DType to) const {
  Tensor r(to, shape);
  const int64_t n = numel();
  for (int64_t i = 0; i < n; ++i) {
    switch (to) {
      case DType::kFloat32: r.data<float>()[i] = static_cast<float>(get_f(i)); break;
      case DType::kInt64: r.data<int64_t>()[i] = get_i(i); break;
      case DType::kInt32: r.data<int32_t>()[i] = static_cast<int32_t>(get_i(i)); break;
      case DType::kInt8: r.data<int8_t>()[i] = static_cast<int8_t>(get_i(i)); break;
      case DType::kUInt8: r.data<uint8_t>()[i] = static_cast<uint8_t>(get_i(i)); break;
      case DType::kBool: r.data<uint8_t>()[i] = get_f(i) != 0; break;
    }
  }
  return r;
}

std::vector<float> Tensor::to_floats() const {
  std::vector<float> v(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) v[i] = static_cast<float>(get_f(i));
  return v;
}

std::vector<int64_t> Tensor::to_ints() const {
  std::vector<int64_t> v(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) v[i] = get_i(i);
  return v;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace octet::cvt

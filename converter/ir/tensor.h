// A host tensor of the converter: an element type, a shape in the source model's
// order (ONNX: NCHW) and row-major bytes. Used for constants, for the float
// reference executor's values and for calibration data.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace octet::cvt {

enum class DType : uint8_t { kFloat32, kInt64, kInt32, kInt8, kUInt8, kBool };

size_t dtype_size(DType t);
const char* dtype_name(DType t);

struct Tensor {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // numel() * dtype_size(dtype)

  Tensor() = default;
  Tensor(DType t, std::vector<int64_t> s) : dtype(t), shape(std::move(s)) { bytes.assign(numel() * dtype_size(t), 0); }

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  size_t rank() const { return shape.size(); }
  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(bytes.data());
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(bytes.data());
  }
  // Element i converted to double / int64 whatever the dtype.
  double get_f(int64_t i) const;
  int64_t get_i(int64_t i) const;

  static Tensor scalar_f(float v) {
    Tensor t(DType::kFloat32, {});
    t.data<float>()[0] = v;
    return t;
  }
  static Tensor from_floats(std::vector<int64_t> shape, const std::vector<float>& v) {
    Tensor t(DType::kFloat32, std::move(shape));
    if (!t.bytes.empty()) std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
    return t;
  }
  static Tensor from_ints(std::vector<int64_t> shape, const std::vector<int64_t>& v) {
    Tensor t(DType::kInt64, std::move(shape));
    if (!t.bytes.empty()) std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
    return t;
  }
  // A copy converted to another dtype (float -> integer rounds toward zero, as ONNX Cast).
  Tensor cast(DType to) const;
  std::vector<float> to_floats() const;
  std::vector<int64_t> to_ints() const;
};

std::string shape_str(const std::vector<int64_t>& shape);

}  // namespace octet::cvt

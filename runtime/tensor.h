// A tensor of a loaded model: type, shape, quantization, and where its data lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace octet::rt {

enum class DType : uint8_t { kFloat32 = 0, kInt8 = 1, kInt32 = 2 };

inline size_t dtype_size(DType t) { return t == DType::kInt8 ? 1 : 4; }
const char* dtype_name(DType t);

struct Tensor {
  std::string name;
  DType type = DType::kFloat32;
  std::vector<int64_t> shape;
  size_t elements = 0;
  size_t bytes = 0;
  // Quantization: one entry (axis -1) or one per index of `axis`.
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int axis = -1;
  // Constants point into the model's mapped file; activations live in a session's arena.
  bool constant = false;
  const uint8_t* data = nullptr;
  size_t arena_offset = 0;

  int rank() const { return static_cast<int>(shape.size()); }
  float scale() const { return scales.empty() ? 0.0f : scales[0]; }
  int32_t zero_point() const { return zero_points.empty() ? 0 : zero_points[0]; }
  bool per_tensor_quantized() const { return scales.size() == 1 && axis == -1; }
};

std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace octet::rt

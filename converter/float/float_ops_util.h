// Helpers shared by the float reference ops (converter/float/float_ops_*.cc):
// checked allocation, axis normalisation, numpy broadcasting, reading integer
// lists from inputs, and a switch from DType to a C++ element type.
// Internal to converter/float; the interface is float_ops.h.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "converter/float/float_ops.h"
#include "converter/ir/graph.h"

namespace octet::cvt::fops {

// The ceiling of FloatLimits::max_elements, also used to bound attributes (pads,
// repeats, scales) before any product is formed.
constexpr int64_t kMaxElements = int64_t{1} << 28;

// Sets *error (when error is not null) and returns false.
bool fail(std::string* error, const std::string& msg);

// numel of `shape`, false when a dimension is negative or the product exceeds
// float_limits().max_elements.
bool checked_numel(const std::vector<int64_t>& shape, int64_t* n, std::string* error);
// *out = a zero-filled tensor of that type and shape, after checked_numel.
bool alloc(DType t, const std::vector<int64_t>& shape, Tensor* out, std::string* error);

// axis in [-rank, rank) -> [0, rank).
bool normalize_axis(int64_t axis, int64_t rank, int64_t* out, std::string* error, const char* what = "axis");
// Every axis normalized; false on duplicates.
bool normalize_axes(std::vector<int64_t>* axes, int64_t rank, std::string* error, const char* what = "axes");

// Numpy (multidirectional) broadcasting of two shapes.
bool broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b, std::vector<int64_t>* out,
                      std::string* error);
// Element strides of a tensor of shape `in` seen in the broadcast shape `out`
// (0 along broadcast dimensions; `in` right-aligned). `in` must broadcast to `out`.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out);
// Whether `in` broadcasts to exactly `out` (unidirectional broadcasting).
bool broadcasts_to(const std::vector<int64_t>& in, const std::vector<int64_t>& out);

// Calls f(o, offsets) for every element o of `shape` in row-major order, with
// offsets[k] = sum over dims of index * strides[k][dim].
template <size_t N, typename F>
void for_each_strided(const std::vector<int64_t>& shape, const std::vector<int64_t> (&strides)[N], F&& f) {
  const size_t r = shape.size();
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  if (total == 0) return;
  std::vector<int64_t> idx(r, 0);
  int64_t off[N] = {};
  if (r == 0) {
    f(int64_t{0}, static_cast<const int64_t*>(off));
    return;
  }
  const int64_t inner = shape[r - 1];
  int64_t inner_stride[N];
  for (size_t k = 0; k < N; ++k) inner_stride[k] = strides[k][r - 1];
  for (int64_t o = 0; o < total;) {
    int64_t cur[N];
    for (size_t k = 0; k < N; ++k) cur[k] = off[k];
    for (int64_t i = 0; i < inner; ++i, ++o) {
      f(o, static_cast<const int64_t*>(cur));
      for (size_t k = 0; k < N; ++k) cur[k] += inner_stride[k];
    }
    // Carry into the outer dimensions.
    for (size_t d = r - 1; d-- > 0;) {
      ++idx[d];
      for (size_t k = 0; k < N; ++k) off[k] += strides[k][d];
      if (idx[d] < shape[d]) break;
      for (size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
}

// Row-major strides of a shape.
std::vector<int64_t> row_strides(const std::vector<int64_t>& shape);

// Integer values of an int32/int64 (or, leniently, any integer) tensor.
bool int_list(const Tensor& t, std::vector<int64_t>* v, std::string* error, const char* what);
// Float values of a float tensor (float scales, Clip bounds).
bool float_list(const Tensor& t, std::vector<float>* v, std::string* error, const char* what);

// 1-D tensors from values (Tensor::from_ints / from_floats also for empty lists,
// which must not reach memcpy with null pointers).
Tensor ints_1d(const std::vector<int64_t>& v);
Tensor floats_1d(const std::vector<float>& v);

// The i-th input, or nullptr when absent.
inline const Tensor* in(const std::vector<const Tensor*>& inputs, size_t i) {
  return i < inputs.size() ? inputs[i] : nullptr;
}
// false unless inputs 0..n-1 are present.
bool need_inputs(const std::vector<const Tensor*>& inputs, size_t n, std::string* error);
// false unless outputs->size() >= 1 (ops write output 0).
bool need_outputs(std::vector<Tensor>* outputs, size_t n, std::string* error);

bool is_integer(DType t);  // int64 int32 int8 uint8 (not bool)
std::string dname(DType t);  // dtype_name as std::string
// ONNX TensorProto.DataType number -> DType; false for types the converter lacks.
bool dtype_from_onnx(int64_t onnx_type, DType* t, std::string* error);

// Element type dispatch: f(T{}) with T the storage type of t (bool: uint8_t).
template <typename F>
decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32: return f(float{});
    case DType::kInt64: return f(int64_t{});
    case DType::kInt32: return f(int32_t{});
    case DType::kInt8: return f(int8_t{});
    case DType::kUInt8: return f(uint8_t{});
    case DType::kBool: break;
  }
  return f(uint8_t{});
}

// Saturating conversion of a double to an integer type (NaN -> 0); for float
// results stored in integer tensors.
template <typename T>
T saturate_cast(double v) {
  if (std::is_floating_point<T>::value) return static_cast<T>(v);
  if (!(v == v)) return T{0};
  if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

// Each op family registers its ops here (float_ops_registry.cc collects them).
struct OpEntry {
  const char* name;
  FloatOpFn fn;
};
std::vector<OpEntry> unary_ops();
std::vector<OpEntry> binary_ops();
std::vector<OpEntry> conv_ops();
std::vector<OpEntry> matmul_ops();
std::vector<OpEntry> norm_ops();
std::vector<OpEntry> softmax_ops();
std::vector<OpEntry> pool_ops();
std::vector<OpEntry> shape_ops();
std::vector<OpEntry> index_ops();
std::vector<OpEntry> pad_ops();
std::vector<OpEntry> resize_ops();
std::vector<OpEntry> reduce_ops();
std::vector<OpEntry> quant_ops();
std::vector<OpEntry> cast_ops();
std::vector<OpEntry> generate_ops();

}  // namespace octet::cvt::fops

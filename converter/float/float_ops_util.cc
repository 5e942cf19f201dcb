#include "converter/float/float_ops_util.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace octet::cvt {

namespace {
std::atomic<int64_t> g_max_elements{int64_t{1} << 28};
std::atomic<int64_t> g_max_held_bytes{0};

int64_t half_physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return int64_t{8} << 30;
  return static_cast<int64_t>(pages) / 2 * page;
}
}  // namespace

FloatLimits float_limits() {
  FloatLimits l;
  l.max_elements = g_max_elements.load();
  l.max_held_bytes = g_max_held_bytes.load();
  if (l.max_held_bytes <= 0) l.max_held_bytes = half_physical_memory();
  return l;
}

void set_float_limits(const FloatLimits& limits) {
  g_max_elements = std::max<int64_t>(1, std::min(limits.max_elements, fops::kMaxElements));
  g_max_held_bytes = std::max<int64_t>(0, limits.max_held_bytes);
}

bool check_held_bytes(int64_t held, const std::string& what, std::string* error) {
  const int64_t limit = float_limits().max_held_bytes;
  if (held <= limit) return true;
  if (error)
    *error = what + " would hold " + std::to_string(held) + " bytes at once, more than the float reference's limit of " +
             std::to_string(limit) + (g_max_held_bytes.load() > 0 ? "" : " (half the physical memory)");
  return false;
}

}  // namespace octet::cvt

namespace octet::cvt::fops {

bool fail(std::string* error, const std::string& msg) {
  if (error) *error = msg;
  return false;
}

bool checked_numel(const std::vector<int64_t>& shape, int64_t* n, std::string* error) {
  for (int64_t d : shape)
    if (d < 0) return fail(error, "negative dimension in shape " + shape_str(shape));
  // The product of the non-zero dimensions is bounded too, so that even an empty
  // tensor's element count never overflows on the way (Tensor::numel).
  const int64_t max = float_limits().max_elements;
  int64_t p = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d == 0) {
      empty = true;
      continue;
    }
    if (p > max / d)
      return fail(error, "shape " + shape_str(shape) + " has more than " + std::to_string(max) + " elements");
    p *= d;
  }
  *n = empty ? 0 : p;
  return true;
}

bool alloc(DType t, const std::vector<int64_t>& shape, Tensor* out, std::string* error) {
  int64_t n;
  if (!checked_numel(shape, &n, error)) return false;
  *out = Tensor(t, shape);
  return true;
}

bool normalize_axis(int64_t axis, int64_t rank, int64_t* out, std::string* error, const char* what) {
  if (axis < -rank || axis >= rank)
    return fail(error, std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

bool normalize_axes(std::vector<int64_t>* axes, int64_t rank, std::string* error, const char* what) {
  std::vector<bool> seen(static_cast<size_t>(std::max<int64_t>(rank, 0)), false);
  for (auto& a : *axes) {
    if (!normalize_axis(a, rank, &a, error, what)) return false;
    if (seen[a]) return fail(error, std::string(what) + " repeats axis " + std::to_string(a));
    seen[a] = true;
  }
  return true;
}

bool broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b, std::vector<int64_t>* out,
                      std::string* error) {
  const size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> s(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == db || db == 1) s[i] = da;
    else if (da == 1) s[i] = db;
    else return fail(error, "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
  }
  *out = std::move(s);
  return true;
}

std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  std::vector<int64_t> st(out.size(), 0);
  int64_t s = 1;
  for (size_t k = in.size(); k-- > 0;) {
    const size_t o = k + (out.size() - in.size());
    st[o] = in[k] == 1 ? 0 : s;
    s *= in[k];
  }
  return st;
}

bool broadcasts_to(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  if (in.size() > out.size()) return false;
  for (size_t k = 0; k < in.size(); ++k) {
    const int64_t d = in[in.size() - 1 - k];
    if (d != 1 && d != out[out.size() - 1 - k]) return false;
  }
  return true;
}

std::vector<int64_t> row_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (size_t k = shape.size(); k-- > 1;) st[k - 1] = st[k] * shape[k];
  return st;
}

bool int_list(const Tensor& t, std::vector<int64_t>* v, std::string* error, const char* what) {
  if (!is_integer(t.dtype)) return fail(error, std::string(what) + " must be an integer tensor, not " + dname(t.dtype));
  if (t.rank() > 1) return fail(error, std::string(what) + " must be a scalar or a 1-D tensor, not " + shape_str(t.shape));
  *v = t.to_ints();
  return true;
}

bool float_list(const Tensor& t, std::vector<float>* v, std::string* error, const char* what) {
  if (t.dtype != DType::kFloat32) return fail(error, std::string(what) + " must be float32, not " + dname(t.dtype));
  if (t.rank() > 1) return fail(error, std::string(what) + " must be a scalar or a 1-D tensor, not " + shape_str(t.shape));
  *v = t.to_floats();
  return true;
}

Tensor ints_1d(const std::vector<int64_t>& v) {
  if (v.empty()) return Tensor(DType::kInt64, {0});
  return Tensor::from_ints({static_cast<int64_t>(v.size())}, v);
}

Tensor floats_1d(const std::vector<float>& v) {
  if (v.empty()) return Tensor(DType::kFloat32, {0});
  return Tensor::from_floats({static_cast<int64_t>(v.size())}, v);
}

bool need_inputs(const std::vector<const Tensor*>& inputs, size_t n, std::string* error) {
  for (size_t i = 0; i < n; ++i)
    if (i >= inputs.size() || !inputs[i]) return fail(error, "input " + std::to_string(i) + " is missing");
  return true;
}

bool need_outputs(std::vector<Tensor>* outputs, size_t n, std::string* error) {
  if (outputs->size() < n) return fail(error, "the node has fewer than " + std::to_string(n) + " outputs");
  return true;
}

bool is_integer(DType t) {
  return t == DType::kInt64 || t == DType::kInt32 || t == DType::kInt8 || t == DType::kUInt8;
}

std::string dname(DType t) { return dtype_name(t); }

bool dtype_from_onnx(int64_t onnx_type, DType* t, std::string* error) {
  switch (onnx_type) {
    case 1: *t = DType::kFloat32; return true;
    case 2: *t = DType::kUInt8; return true;
    case 3: *t = DType::kInt8; return true;
    case 6: *t = DType::kInt32; return true;
    case 7: *t = DType::kInt64; return true;
    case 9: *t = DType::kBool; return true;
    default: break;
  }
  return fail(error, "element type " + std::to_string(onnx_type) +
                         " (ONNX TensorProto.DataType) is not one of float32, int64, int32, int8, uint8, bool");
}

}  // namespace octet::cvt::fops

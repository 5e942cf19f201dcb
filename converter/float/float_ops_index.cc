// Ops driven by index tensors: Gather, GatherElements, GatherND, ScatterElements,
// ScatterND, OneHot, Compress, NonZero, TopK, and the position-dependent CumSum
// and Trilu. Every index is range-checked.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <type_traits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// Index value i of an indices tensor, made non-negative against `dim`.
bool index_at(const Tensor& idx, int64_t i, int64_t dim, int64_t* out, std::string* error) {
  int64_t v = idx.get_i(i);
  if (v < -dim || v >= dim)
    return fail(error, "index " + std::to_string(v) + " is out of range for a dimension of size " + std::to_string(dim));
  *out = v < 0 ? v + dim : v;
  return true;
}

bool int_indices(const Tensor& t, const char* what, std::string* error) {
  if (t.dtype != DType::kInt64 && t.dtype != DType::kInt32)
    return fail(error, std::string(what) + " must be int32 or int64, not " + dname(t.dtype));
  return true;
}

bool op_gather(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& data = *inputs[0];
  const Tensor& idx = *inputs[1];
  if (!int_indices(idx, "indices", error)) return false;
  const int64_t r = static_cast<int64_t>(data.rank());
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), r, &axis, error)) return false;
  std::vector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.insert(shape.end(), idx.shape.begin(), idx.shape.end());
  shape.insert(shape.end(), data.shape.begin() + axis + 1, data.shape.end());
  Tensor y;
  if (!alloc(data.dtype, shape, &y, error)) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.shape[d];
  for (int64_t d = axis + 1; d < r; ++d) inner *= data.shape[d];
  const int64_t dim = data.shape[axis], ni = idx.numel();
  const size_t es = dtype_size(data.dtype), row = static_cast<size_t>(inner) * es;
  std::vector<int64_t> pos(static_cast<size_t>(ni));
  for (int64_t i = 0; i < ni; ++i)
    if (!index_at(idx, i, dim, &pos[i], error)) return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < ni; ++i)
      if (row)
        std::memcpy(y.bytes.data() + (o * ni + i) * row, data.bytes.data() + (o * dim + pos[i]) * row, row);
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_gather_elements(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                        std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& data = *inputs[0];
  const Tensor& idx = *inputs[1];
  if (!int_indices(idx, "indices", error)) return false;
  const int64_t r = static_cast<int64_t>(data.rank());
  if (static_cast<int64_t>(idx.rank()) != r) return fail(error, "data and indices differ in rank");
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), r, &axis, error)) return false;
  for (int64_t d = 0; d < r; ++d)
    if (d != axis && idx.shape[d] > data.shape[d])
      return fail(error, "indices " + shape_str(idx.shape) + " exceed data " + shape_str(data.shape));
  Tensor y(data.dtype, idx.shape);
  const std::vector<int64_t> ds = row_strides(data.shape);
  std::vector<int64_t> st = ds;
  st[axis] = 0;
  const size_t es = dtype_size(data.dtype);
  bool ok = true;
  const std::vector<int64_t> strides[1] = {st};
  for_each_strided(idx.shape, strides, [&](int64_t o, const int64_t* off) {
    int64_t p;
    if (!ok || !(ok = index_at(idx, o, data.shape[axis], &p, error))) return;
    std::memcpy(y.bytes.data() + o * es, data.bytes.data() + (off[0] + p * ds[axis]) * es, es);
  });
  if (!ok) return false;
  (*outputs)[0] = std::move(y);
  return true;
}

// Scatter reductions (opset 16: add, mul; 18: max, min).
bool reduction_of(const Node& node, std::string* red, std::string* error) {
  *red = node.attr_s("reduction", "none");
  if (*red != "none" && *red != "add" && *red != "mul" && *red != "max" && *red != "min")
    return fail(error, "attribute 'reduction' is '" + *red + "'");
  return true;
}

// The type scatter reductions compute in: integers wrap through their unsigned type.
template <typename T, bool = std::is_floating_point<T>::value>
struct WrapType {
  using type = std::make_unsigned_t<T>;
};
template <typename T>
struct WrapType<T, true> {
  using type = T;
};

template <typename T>
void reduce_into(T* dst, T v, const std::string& red) {
  using W = typename WrapType<T>::type;
  if (red == "none") *dst = v;
  else if (red == "add") *dst = static_cast<T>(static_cast<W>(static_cast<W>(*dst) + static_cast<W>(v)));
  else if (red == "mul") *dst = static_cast<T>(static_cast<W>(static_cast<W>(*dst) * static_cast<W>(v)));
  else if (red == "max") *dst = std::max(*dst, v);
  else *dst = std::min(*dst, v);
}

bool op_scatter_elements(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                         std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& data = *inputs[0];
  const Tensor& idx = *inputs[1];
  const Tensor& upd = *inputs[2];
  if (!int_indices(idx, "indices", error)) return false;
  if (upd.dtype != data.dtype) return fail(error, "updates and data differ in element type");
  if (upd.shape != idx.shape) return fail(error, "updates " + shape_str(upd.shape) + " and indices " + shape_str(idx.shape) + " differ");
  const int64_t r = static_cast<int64_t>(data.rank());
  if (static_cast<int64_t>(idx.rank()) != r) return fail(error, "data and indices differ in rank");
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), r, &axis, error)) return false;
  for (int64_t d = 0; d < r; ++d)
    if (d != axis && idx.shape[d] > data.shape[d])
      return fail(error, "indices " + shape_str(idx.shape) + " exceed data " + shape_str(data.shape));
  std::string red;
  if (!reduction_of(node, &red, error)) return false;
  Tensor y = data;
  const std::vector<int64_t> ds = row_strides(data.shape);
  std::vector<int64_t> st = ds;
  st[axis] = 0;
  bool ok = true;
  const std::vector<int64_t> strides[1] = {st};
  visit_dtype(data.dtype, [&](auto tag) {
    using T = decltype(tag);
    for_each_strided(idx.shape, strides, [&](int64_t o, const int64_t* off) {
      int64_t p;
      if (!ok || !(ok = index_at(idx, o, data.shape[axis], &p, error))) return;
      reduce_into(y.data<T>() + off[0] + p * ds[axis], upd.data<T>()[o], red);
    });
    return true;
  });
  if (!ok) return false;
  (*outputs)[0] = std::move(y);
  return true;
}

// Offset (in elements) of the slice of `data` that the index tuple starting at
// element t of `idx` names; k = tuple length, dims from `first`.
bool tuple_offset(const Tensor& idx, int64_t t, int64_t k, const std::vector<int64_t>& shape,
                  const std::vector<int64_t>& strides, size_t first, int64_t* off, std::string* error) {
  *off = 0;
  for (int64_t j = 0; j < k; ++j) {
    int64_t p;
    if (!index_at(idx, t + j, shape[first + j], &p, error)) return false;
    *off += p * strides[first + j];
  }
  return true;
}

bool op_gather_nd(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& data = *inputs[0];
  const Tensor& idx = *inputs[1];
  if (idx.dtype != DType::kInt64) return fail(error, "indices must be int64");
  const int64_t r = static_cast<int64_t>(data.rank()), q = static_cast<int64_t>(idx.rank());
  const int64_t b = node.attr_i("batch_dims", 0);
  if (q < 1 || r < 1) return fail(error, "data and indices must have rank 1 or more");
  if (b < 0 || b >= std::min(q, r)) return fail(error, "attribute 'batch_dims' is out of range");
  const int64_t k = idx.shape[q - 1];
  if (k < 1 || k > r - b) return fail(error, "the last dimension of indices " + shape_str(idx.shape) + " is out of range");
  for (int64_t d = 0; d < b; ++d)
    if (idx.shape[d] != data.shape[d]) return fail(error, "batch dimensions of data and indices differ");
  std::vector<int64_t> shape(idx.shape.begin(), idx.shape.end() - 1);
  shape.insert(shape.end(), data.shape.begin() + b + k, data.shape.end());
  Tensor y;
  if (!alloc(data.dtype, shape, &y, error)) return false;
  int64_t slice = 1, batch = 1, per_batch = 1, data_batch = 1;
  for (int64_t d = b + k; d < r; ++d) slice *= data.shape[d];
  for (int64_t d = 0; d < b; ++d) batch *= data.shape[d];
  for (int64_t d = b; d < q - 1; ++d) per_batch *= idx.shape[d];
  for (int64_t d = b; d < r; ++d) data_batch *= data.shape[d];
  const std::vector<int64_t> ds = row_strides(data.shape);
  const size_t es = dtype_size(data.dtype), row = static_cast<size_t>(slice) * es;
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t t = 0; t < per_batch; ++t) {
      int64_t off;
      if (!tuple_offset(idx, (bi * per_batch + t) * k, k, data.shape, ds, static_cast<size_t>(b), &off, error))
        return false;
      if (row)
        std::memcpy(y.bytes.data() + (bi * per_batch + t) * row, data.bytes.data() + (bi * data_batch + off) * es, row);
    }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_scatter_nd(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& data = *inputs[0];
  const Tensor& idx = *inputs[1];
  const Tensor& upd = *inputs[2];
  if (idx.dtype != DType::kInt64) return fail(error, "indices must be int64");
  if (upd.dtype != data.dtype) return fail(error, "updates and data differ in element type");
  const int64_t r = static_cast<int64_t>(data.rank()), q = static_cast<int64_t>(idx.rank());
  if (q < 1 || r < 1) return fail(error, "data and indices must have rank 1 or more");
  const int64_t k = idx.shape[q - 1];
  if (k < 1 || k > r) return fail(error, "the last dimension of indices " + shape_str(idx.shape) + " is out of range");
  std::vector<int64_t> ushape(idx.shape.begin(), idx.shape.end() - 1);
  ushape.insert(ushape.end(), data.shape.begin() + k, data.shape.end());
  if (upd.shape != ushape) return fail(error, "updates " + shape_str(upd.shape) + " must be " + shape_str(ushape));
  std::string red;
  if (!reduction_of(node, &red, error)) return false;
  int64_t slice = 1;
  for (int64_t d = k; d < r; ++d) slice *= data.shape[d];
  const int64_t tuples = k == 0 ? 0 : idx.numel() / k;
  const std::vector<int64_t> ds = row_strides(data.shape);
  Tensor y = data;
  bool ok = true;
  visit_dtype(data.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t t = 0; t < tuples && ok; ++t) {
      int64_t off;
      if (!(ok = tuple_offset(idx, t * k, k, data.shape, ds, 0, &off, error))) break;
      for (int64_t i = 0; i < slice; ++i) reduce_into(y.data<T>() + off + i, upd.data<T>()[t * slice + i], red);
    }
    return true;
  });
  if (!ok) return false;
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_one_hot(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& idx = *inputs[0];
  const Tensor& depth_t = *inputs[1];
  const Tensor& values = *inputs[2];
  if (idx.dtype == DType::kBool || depth_t.dtype == DType::kBool) return fail(error, "indices and depth must be numeric");
  if (depth_t.numel() != 1) return fail(error, "depth must be a scalar");
  if (values.numel() != 2) return fail(error, "values must hold [off, on]");
  const double dd = depth_t.get_f(0);
  if (!(dd >= 1) || dd > kMaxElements) return fail(error, "depth must be positive");
  const int64_t depth = static_cast<int64_t>(dd);
  const int64_t r = static_cast<int64_t>(idx.rank()) + 1;
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", -1), r, &axis, error)) return false;
  std::vector<int64_t> shape = idx.shape;
  shape.insert(shape.begin() + axis, depth);
  Tensor y;
  if (!alloc(values.dtype, shape, &y, error)) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= idx.shape[d];
  for (size_t d = axis; d < idx.rank(); ++d) inner *= idx.shape[d];
  const size_t es = dtype_size(values.dtype);
  const uint8_t* off_v = values.bytes.data();
  const uint8_t* on_v = values.bytes.data() + es;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < depth; ++j)
      for (int64_t i = 0; i < inner; ++i) {
        double v = idx.get_f(o * inner + i);
        if (v < 0) v += depth;
        const bool hot = static_cast<double>(j) == std::trunc(v);
        std::memcpy(y.bytes.data() + ((o * depth + j) * inner + i) * es, hot ? on_v : off_v, es);
      }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_compress(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& cond = *inputs[1];
  if (cond.dtype != DType::kBool || cond.rank() != 1) return fail(error, "condition must be a 1-D bool tensor");
  Tensor flat = x;
  int64_t axis = 0;
  if (node.has("axis")) {
    if (!normalize_axis(node.attr_i("axis", 0), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  } else {
    flat.shape = {x.numel()};
  }
  const int64_t dim = flat.shape[axis];
  if (cond.shape[0] > dim) return fail(error, "condition is longer than the axis");
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < cond.shape[0]; ++i)
    if (cond.data<uint8_t>()[i]) keep.push_back(i);
  std::vector<int64_t> shape = flat.shape;
  shape[axis] = static_cast<int64_t>(keep.size());
  Tensor y(x.dtype, shape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const size_t es = dtype_size(x.dtype), row = static_cast<size_t>(inner) * es;
  const int64_t nk = static_cast<int64_t>(keep.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < nk; ++i)
      if (row) std::memcpy(y.bytes.data() + (o * nk + i) * row, flat.bytes.data() + (o * dim + keep[i]) * row, row);
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_nonzero(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < x.numel(); ++i)
    if (x.get_f(i) != 0) hits.push_back(i);
  const int64_t r = static_cast<int64_t>(x.rank()), nnz = static_cast<int64_t>(hits.size());
  Tensor y(DType::kInt64, {r, nnz});
  const std::vector<int64_t> st = row_strides(x.shape);
  for (int64_t j = 0; j < nnz; ++j)
    for (int64_t d = 0; d < r; ++d) y.data<int64_t>()[d * nnz + j] = (hits[j] / st[d]) % x.shape[d];
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_topk(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 2, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  int64_t k;
  if (opset < 10) {
    k = node.attr_i("k", -1);
  } else {
    std::vector<int64_t> kv;
    if (!need_inputs(inputs, 2, error) || !int_list(*inputs[1], &kv, error, "K")) return false;
    if (kv.size() != 1) return fail(error, "K must hold one value");
    k = kv[0];
  }
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", -1), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const int64_t dim = x.shape[axis];
  if (k < 0 || k > dim) return fail(error, "K " + std::to_string(k) + " is out of range for axis size " + std::to_string(dim));
  const bool largest = node.attr_i("largest", 1) != 0;
  std::vector<int64_t> shape = x.shape;
  shape[axis] = k;
  Tensor vals(x.dtype, shape), idxs(DType::kInt64, shape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
  for (size_t d = axis + 1; d < x.rank(); ++d) inner *= x.shape[d];
  const size_t es = dtype_size(x.dtype);
  std::vector<int64_t> order(static_cast<size_t>(dim));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * dim * inner + i;
      std::iota(order.begin(), order.end(), 0);
      // Equal values keep the lower index first.
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        const double va = x.get_f(base + a * inner), vb = x.get_f(base + b * inner);
        return largest ? va > vb : va < vb;
      });
      for (int64_t j = 0; j < k; ++j) {
        const int64_t dst = (o * k + j) * inner + i;
        std::memcpy(vals.bytes.data() + dst * es, x.bytes.data() + (base + order[j] * inner) * es, es);
        idxs.data<int64_t>()[dst] = order[j];
      }
    }
  (*outputs)[0] = std::move(vals);
  (*outputs)[1] = std::move(idxs);
  return true;
}

bool op_cumsum(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  std::vector<int64_t> av;
  if (!int_list(*inputs[1], &av, error, "axis")) return false;
  if (av.size() != 1) return fail(error, "axis must be a scalar");
  int64_t axis;
  if (!normalize_axis(av[0], static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const bool exclusive = node.attr_i("exclusive", 0) != 0, reverse = node.attr_i("reverse", 0) != 0;
  const int64_t dim = x.shape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
  for (size_t d = axis + 1; d < x.rank(); ++d) inner *= x.shape[d];
  Tensor y(x.dtype, x.shape);
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        double acc = 0;
        for (int64_t s = 0; s < dim; ++s) {
          const int64_t j = reverse ? dim - 1 - s : s;
          const int64_t p = (o * dim + j) * inner + i;
          const double v = static_cast<double>(x.data<T>()[p]);
          if (!exclusive) acc += v;
          y.data<T>()[p] = static_cast<T>(acc);
          if (exclusive) acc += v;
        }
      }
    return true;
  });
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_trilu(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.rank() < 2) return fail(error, "input must have rank 2 or more");
  int64_t k = 0;
  if (in(inputs, 1)) {
    std::vector<int64_t> kv;
    if (!int_list(*inputs[1], &kv, error, "k")) return false;
    if (kv.size() != 1) return fail(error, "k must be a scalar");
    k = kv[0];
  }
  const bool upper = node.attr_i("upper", 1) != 0;
  const int64_t rows = x.shape[x.rank() - 2], cols = x.shape[x.rank() - 1];
  Tensor y = x;
  const size_t es = dtype_size(x.dtype);
  for (int64_t e = 0; e < x.numel(); ++e) {
    const int64_t j = e % cols, i = (e / cols) % rows;
    const bool keep = upper ? (j - i >= k) : (j - i <= k);
    if (!keep) std::memset(y.bytes.data() + e * es, 0, es);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

// ReverseSequence: reverses the first sequence_lens[b] elements along time_axis
// of every batch entry b.
bool op_reverse_sequence(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                         std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> lens;
  if (inputs[1]->dtype != DType::kInt64 || !int_list(*inputs[1], &lens, error, "sequence_lens"))
    return fail(error, "sequence_lens must be a 1-D int64 tensor");
  if (x.rank() < 2) return fail(error, "input must have rank 2 or more");
  const int64_t ta = node.attr_i("time_axis", 0), ba = node.attr_i("batch_axis", 1);
  if (!((ta == 0 && ba == 1) || (ta == 1 && ba == 0))) return fail(error, "time_axis and batch_axis must be 0 and 1");
  const int64_t steps = x.shape[ta], batch = x.shape[ba];
  if (static_cast<int64_t>(lens.size()) != batch)
    return fail(error, "sequence_lens has " + std::to_string(lens.size()) + " entries for a batch of " + std::to_string(batch));
  for (int64_t l : lens)
    if (l < 0 || l > steps) return fail(error, "sequence_lens has an entry out of range");
  int64_t inner = 1;
  for (size_t d = 2; d < x.rank(); ++d) inner *= x.shape[d];
  Tensor y = x;
  const size_t es = dtype_size(x.dtype), row = static_cast<size_t>(inner) * es;
  const std::vector<int64_t> st = row_strides(x.shape);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < lens[b]; ++t) {
      const int64_t src = (lens[b] - 1 - t) * st[ta] + b * st[ba], dst = t * st[ta] + b * st[ba];
      if (row) std::memcpy(y.bytes.data() + dst * es, x.bytes.data() + src * es, row);
    }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> index_ops() {
  return {{"Compress", op_compress},
          {"CumSum", op_cumsum},
          {"Gather", op_gather},
          {"GatherElements", op_gather_elements},
          {"GatherND", op_gather_nd},
          {"NonZero", op_nonzero},
          {"OneHot", op_one_hot},
          {"ReverseSequence", op_reverse_sequence},
          {"Scatter", op_scatter_elements},  // opsets 9-10: ScatterElements under its old name
          {"ScatterElements", op_scatter_elements},
          {"ScatterND", op_scatter_nd},
          {"TopK", op_topk},
          {"Trilu", op_trilu}};
}

}  // namespace octet::cvt::fops

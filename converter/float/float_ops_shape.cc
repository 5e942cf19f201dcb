// Ops that move or re-view elements without arithmetic: Reshape, Flatten,
// Transpose, Squeeze, Unsqueeze, Concat, Split, Slice, Expand, Tile, Shape, Size,
// Identity, Dropout (inference), DepthToSpace, SpaceToDepth. All element types.
#include <algorithm>
#include <cstring>
#include <limits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

bool one_in_one_out(const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  return need_inputs(inputs, 1, error) && need_outputs(outputs, 1, error);
}

Tensor reshaped(const Tensor& x, std::vector<int64_t> shape) {
  Tensor y;
  y.dtype = x.dtype;
  y.shape = std::move(shape);
  y.bytes = x.bytes;
  return y;
}

// out = x viewed as `view` (same element count), axes permuted by perm.
void permute(const Tensor& x, const std::vector<int64_t>& view, const std::vector<int64_t>& perm, Tensor* out) {
  std::vector<int64_t> oshape(perm.size());
  const std::vector<int64_t> vs = row_strides(view);
  std::vector<int64_t> st(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    oshape[i] = view[perm[i]];
    st[i] = vs[perm[i]];
  }
  *out = Tensor(x.dtype, oshape);
  const size_t es = dtype_size(x.dtype);
  const std::vector<int64_t> strides[1] = {st};
  const uint8_t* src = x.bytes.data();
  uint8_t* dst = out->bytes.data();
  switch (es) {
    case 1: for_each_strided(oshape, strides, [&](int64_t o, const int64_t* off) { dst[o] = src[off[0]]; }); break;
    case 4:
      for_each_strided(oshape, strides, [&](int64_t o, const int64_t* off) { std::memcpy(dst + 4 * o, src + 4 * off[0], 4); });
      break;
    default:
      for_each_strided(oshape, strides,
                       [&](int64_t o, const int64_t* off) { std::memcpy(dst + es * o, src + es * off[0], es); });
  }
}

// The 'shape'-like integer list of an input.
bool ints_input(const Inputs& inputs, size_t i, std::vector<int64_t>* v, const char* what, std::string* error) {
  if (!in(inputs, i)) return fail(error, std::string("input '") + what + "' is missing");
  return int_list(*inputs[i], v, error, what);
}

bool op_reshape(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> shape;
  if (opset < 5) shape = node.attr_ints("shape");
  else if (!ints_input(inputs, 1, &shape, "shape", error)) return false;
  const bool allowzero = node.attr_i("allowzero", 0) != 0;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowzero) {
      if (i >= x.rank()) return fail(error, "shape " + shape_str(shape) + " copies a dimension the input " + shape_str(x.shape) + " lacks");
      shape[i] = x.shape[i];
    }
    if (shape[i] == -1) {
      if (infer >= 0) return fail(error, "shape " + shape_str(shape) + " has more than one -1");
      infer = static_cast<int>(i);
      continue;
    }
    if (shape[i] < 0) return fail(error, "shape has a negative dimension " + std::to_string(shape[i]));
    if (shape[i] != 0 && known > std::numeric_limits<int64_t>::max() / shape[i])
      return fail(error, "shape " + shape_str(shape) + " is too large");
    known *= shape[i];
  }
  const int64_t n = x.numel();
  if (infer >= 0) {
    if (known == 0 || n % known != 0)
      return fail(error, "cannot infer the -1 of shape " + shape_str(shape) + " for input " + shape_str(x.shape));
    shape[infer] = n / known;
  } else if (known != n) {
    return fail(error, "input " + shape_str(x.shape) + " cannot be reshaped to " + shape_str(shape));
  }
  (*outputs)[0] = reshaped(x, shape);
  return true;
}

bool op_flatten(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  const int64_t r = static_cast<int64_t>(x.rank());
  int64_t axis = node.attr_i("axis", 1);
  if (axis < -r || axis > r) return fail(error, "attribute 'axis' " + std::to_string(axis) + " is out of range");
  if (axis < 0) axis += r;
  int64_t a = 1, b = 1;
  for (int64_t d = 0; d < r; ++d) (d < axis ? a : b) *= x.shape[d];
  (*outputs)[0] = reshaped(x, {a, b});
  return true;
}

bool op_transpose(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  const int64_t r = static_cast<int64_t>(x.rank());
  std::vector<int64_t> perm = node.attr_ints("perm");
  if (perm.empty() && !node.has("perm"))
    for (int64_t i = r - 1; i >= 0; --i) perm.push_back(i);
  if (static_cast<int64_t>(perm.size()) != r)
    return fail(error, "attribute 'perm' has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(r));
  if (!normalize_axes(&perm, r, error, "perm")) return false;
  permute(x, x.shape, perm, &(*outputs)[0]);
  return true;
}

// Squeeze / Unsqueeze axes: attribute before opset 13, optional input after.
bool axes_of(const Node& node, int64_t opset, const Inputs& inputs, std::vector<int64_t>* axes, bool* given,
             std::string* error) {
  if (opset < 13) {
    *given = node.has("axes");
    *axes = node.attr_ints("axes");
    return true;
  }
  *given = in(inputs, 1) != nullptr;
  if (!*given) return true;
  return int_list(*inputs[1], axes, error, "axes");
}

bool op_squeeze(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> axes;
  bool given;
  if (!axes_of(node, opset, inputs, &axes, &given, error)) return false;
  const int64_t r = static_cast<int64_t>(x.rank());
  std::vector<bool> drop(r, false);
  if (!given) {
    for (int64_t d = 0; d < r; ++d) drop[d] = x.shape[d] == 1;
  } else {
    if (!normalize_axes(&axes, r, error)) return false;
    for (int64_t a : axes) {
      if (x.shape[a] != 1)
        return fail(error, "axis " + std::to_string(a) + " of " + shape_str(x.shape) + " is not of size 1");
      drop[a] = true;
    }
  }
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < r; ++d)
    if (!drop[d]) shape.push_back(x.shape[d]);
  (*outputs)[0] = reshaped(x, shape);
  return true;
}

bool op_unsqueeze(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                  std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> axes;
  bool given;
  if (!axes_of(node, opset, inputs, &axes, &given, error)) return false;
  if (!given) return fail(error, "axes are missing");
  const int64_t r = static_cast<int64_t>(x.rank() + axes.size());
  if (!normalize_axes(&axes, r, error)) return false;
  std::vector<bool> is_new(r, false);
  for (int64_t a : axes) is_new[a] = true;
  std::vector<int64_t> shape;
  size_t k = 0;
  for (int64_t d = 0; d < r; ++d) shape.push_back(is_new[d] ? 1 : x.shape[k++]);
  (*outputs)[0] = reshaped(x, shape);
  return true;
}

bool op_concat(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_outputs(outputs, 1, error)) return false;
  if (inputs.empty()) return fail(error, "needs at least one input");
  if (!need_inputs(inputs, inputs.size(), error)) return false;
  const Tensor& first = *inputs[0];
  const int64_t r = static_cast<int64_t>(first.rank());
  if (!node.has("axis")) return fail(error, "attribute 'axis' is missing");
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), r, &axis, error)) return false;
  std::vector<int64_t> shape = first.shape;
  shape[axis] = 0;
  for (const Tensor* t : inputs) {
    if (t->dtype != first.dtype) return fail(error, "inputs have different element types");
    if (static_cast<int64_t>(t->rank()) != r) return fail(error, "inputs have different ranks");
    for (int64_t d = 0; d < r; ++d)
      if (d != axis && t->shape[d] != first.shape[d])
        return fail(error, "input shapes " + shape_str(first.shape) + " and " + shape_str(t->shape) +
                               " differ outside axis " + std::to_string(axis));
    shape[axis] += t->shape[axis];
  }
  Tensor y;
  if (!alloc(first.dtype, shape, &y, error)) return false;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (int64_t d = axis + 1; d < r; ++d) inner *= shape[d];
  const size_t es = dtype_size(first.dtype);
  const size_t out_row = static_cast<size_t>(shape[axis] * inner) * es;
  size_t col = 0;
  for (const Tensor* t : inputs) {
    const size_t row = static_cast<size_t>(t->shape[axis] * inner) * es;
    for (int64_t o = 0; o < outer; ++o)
      if (row) std::memcpy(y.bytes.data() + o * out_row + col, t->bytes.data() + o * row, row);
    col += row;
  }
  (*outputs)[0] = std::move(y);
  return true;
}

// Copies x[..., start:start+len, ...] (along axis) into *out.
void slice_axis(const Tensor& x, int64_t axis, int64_t start, int64_t len, Tensor* out) {
  std::vector<int64_t> shape = x.shape;
  shape[axis] = len;
  *out = Tensor(x.dtype, shape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const size_t es = dtype_size(x.dtype);
  const size_t row = static_cast<size_t>(len * inner) * es;
  const size_t in_row = static_cast<size_t>(x.shape[axis] * inner) * es;
  for (int64_t o = 0; o < outer; ++o)
    if (row) std::memcpy(out->bytes.data() + o * row, x.bytes.data() + o * in_row + start * inner * es, row);
}

bool op_split(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
              std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", 0), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const int64_t dim = x.shape[axis];
  const int64_t parts = static_cast<int64_t>(outputs->size());
  std::vector<int64_t> split;
  if (opset < 13) {
    split = node.attr_ints("split");
  } else if (in(inputs, 1)) {
    if (!int_list(*inputs[1], &split, error, "split")) return false;
  }
  if (split.empty()) {
    if (opset >= 18 && node.has("num_outputs")) {
      const int64_t k = node.attr_i("num_outputs", parts);
      if (k != parts) return fail(error, "attribute 'num_outputs' disagrees with the node's outputs");
      const int64_t each = (dim + k - 1) / k;
      for (int64_t i = 0; i < k; ++i) split.push_back(std::max<int64_t>(0, std::min(each, dim - i * each)));
    } else {
      if (parts == 0 || dim % parts != 0)
        return fail(error, "axis " + std::to_string(axis) + " of " + shape_str(x.shape) + " does not split into " +
                               std::to_string(parts) + " equal parts");
      split.assign(parts, dim / parts);
    }
  }
  if (static_cast<int64_t>(split.size()) != parts)
    return fail(error, "'split' has " + std::to_string(split.size()) + " entries for " + std::to_string(parts) + " outputs");
  int64_t sum = 0;
  for (int64_t s : split) {
    if (s < 0) return fail(error, "'split' has a negative entry");
    if (s > dim - sum) return fail(error, "'split' sums to more than the axis size " + std::to_string(dim));
    sum += s;
  }
  if (sum != dim) return fail(error, "'split' sums to " + std::to_string(sum) + ", not to the axis size " + std::to_string(dim));
  int64_t start = 0;
  for (int64_t i = 0; i < parts; ++i) {
    slice_axis(x, axis, start, split[i], &(*outputs)[i]);
    start += split[i];
  }
  return true;
}

bool op_slice(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  const int64_t r = static_cast<int64_t>(x.rank());
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = node.attr_ints("starts");
    ends = node.attr_ints("ends");
    axes = node.attr_ints("axes");
  } else {
    if (!ints_input(inputs, 1, &starts, "starts", error) || !ints_input(inputs, 2, &ends, "ends", error)) return false;
    if (in(inputs, 3) && !int_list(*inputs[3], &axes, error, "axes")) return false;
    if (in(inputs, 4) && !int_list(*inputs[4], &steps, error, "steps")) return false;
  }
  if (ends.size() != starts.size()) return fail(error, "'starts' and 'ends' differ in length");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    return fail(error, "'axes' or 'steps' differ in length from 'starts'");
  if (!normalize_axes(&axes, r, error)) return false;
  std::vector<int64_t> begin(r, 0), step(r, 1), shape = x.shape;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = axes[i], dim = x.shape[a], s = steps[i];
    if (s == 0) return fail(error, "'steps' has a 0");
    int64_t b = starts[i], e = ends[i];
    if (b < 0) b = b < -dim ? -dim - 1 : b + dim;  // saturate very negative values
    if (e < 0) e = e < -dim ? -dim - 1 : e + dim;
    if (s > 0) {
      b = std::min(std::max<int64_t>(b, 0), dim);
      e = std::min(std::max<int64_t>(e, 0), dim);
      shape[a] = e > b ? 1 + (e - b - 1) / s : 0;
    } else {
      b = std::min(std::max<int64_t>(b, -1), dim - 1);
      e = std::min(std::max<int64_t>(e, -1), dim - 1);
      // For a step of INT64_MIN, -s overflows; the slice has at most one element then.
      const int64_t ns = s == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -s;
      shape[a] = b > e ? 1 + (b - e - 1) / ns : 0;
    }
    begin[a] = b;
    step[a] = s;
  }
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  const std::vector<int64_t> xs = row_strides(x.shape);
  int64_t base = 0;
  std::vector<int64_t> st(r);
  for (int64_t d = 0; d < r; ++d) {
    if (shape[d] == 0) break;
    base += begin[d] * xs[d];
    // A step of the axis size or more leaves one element: its stride is unused
    // (and the product could overflow).
    st[d] = shape[d] <= 1 ? 0 : step[d] * xs[d];
  }
  const size_t es = dtype_size(x.dtype);
  const std::vector<int64_t> strides[1] = {st};
  for_each_strided(shape, strides, [&](int64_t o, const int64_t* off) {
    std::memcpy(y.bytes.data() + o * es, x.bytes.data() + (base + off[0]) * es, es);
  });
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_expand(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> target, shape;
  if (!ints_input(inputs, 1, &target, "shape", error)) return false;
  if (!broadcast_shapes(x.shape, target, &shape, error)) return false;
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  const size_t es = dtype_size(x.dtype);
  const std::vector<int64_t> strides[1] = {broadcast_strides(x.shape, shape)};
  for_each_strided(shape, strides, [&](int64_t o, const int64_t* off) {
    std::memcpy(y.bytes.data() + o * es, x.bytes.data() + off[0] * es, es);
  });
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_tile(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> repeats;
  if (!ints_input(inputs, 1, &repeats, "repeats", error)) return false;
  if (repeats.size() != x.rank())
    return fail(error, "'repeats' has " + std::to_string(repeats.size()) + " entries for rank " + std::to_string(x.rank()));
  std::vector<int64_t> shape = x.shape;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (repeats[d] < 0) return fail(error, "'repeats' has a negative entry");
    if (shape[d] != 0 && repeats[d] > kMaxElements) return fail(error, "'repeats' is too large");
    shape[d] *= repeats[d];
  }
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  const size_t es = dtype_size(x.dtype);
  const std::vector<int64_t> xs = row_strides(x.shape);
  const std::vector<int64_t> ys = row_strides(shape);
  const int64_t n = y.numel();
  for (int64_t o = 0; o < n; ++o) {
    int64_t rem = o, src = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t i = rem / ys[d];
      rem %= ys[d];
      src += (i % x.shape[d]) * xs[d];
    }
    std::memcpy(y.bytes.data() + o * es, x.bytes.data() + src * es, es);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_shape(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  const int64_t r = static_cast<int64_t>(x.rank());
  int64_t start = node.attr_i("start", 0), end = node.attr_i("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::min(std::max<int64_t>(start, 0), r);
  end = std::min(std::max<int64_t>(end, 0), r);
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) dims.push_back(x.shape[d]);
  (*outputs)[0] = ints_1d(dims);
  return true;
}

bool op_size(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  (*outputs)[0] = Tensor::from_ints({}, {inputs[0]->numel()});
  return true;
}

bool op_identity(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  (*outputs)[0] = *inputs[0];
  return true;
}

// Dropout in inference: the identity, and a mask of ones.
bool op_dropout(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  float ratio = node.attr_f("ratio", 0.5f);
  bool training = false;
  if (opset >= 12) {
    if (in(inputs, 1)) {
      if (inputs[1]->numel() != 1 || inputs[1]->dtype != DType::kFloat32) return fail(error, "'ratio' must be a float scalar");
      ratio = inputs[1]->data<float>()[0];
    } else {
      ratio = 0.5f;
    }
    if (in(inputs, 2)) {
      if (inputs[2]->numel() != 1 || inputs[2]->dtype != DType::kBool)
        return fail(error, "'training_mode' must be a bool scalar");
      training = inputs[2]->data<uint8_t>()[0] != 0;
    }
  }
  if (training && ratio != 0) return fail(error, "training_mode with a non-zero ratio is random; not supported");
  (*outputs)[0] = x;
  if (outputs->size() > 1) {
    Tensor mask(opset >= 10 ? DType::kBool : x.dtype, x.shape);
    visit_dtype(mask.dtype, [&](auto tag) {
      using T = decltype(tag);
      std::fill(mask.data<T>(), mask.data<T>() + mask.numel(), T(1));
      return true;
    });
    (*outputs)[1] = std::move(mask);
  }
  return true;
}

bool block_size(const Node& node, const Tensor& x, int64_t* bs, std::string* error) {
  if (x.rank() != 4) return fail(error, "input " + shape_str(x.shape) + " must have rank 4");
  *bs = node.attr_i("blocksize", 0);
  if (*bs < 1 || *bs > (1 << 16)) return fail(error, "attribute 'blocksize' must be positive");
  return true;
}

bool op_depth_to_space(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                       std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  int64_t bs;
  if (!block_size(node, x, &bs, error)) return false;
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  if (c % (bs * bs) != 0) return fail(error, "channels " + std::to_string(c) + " do not divide by blocksize^2");
  const int64_t oc = c / (bs * bs);
  const std::string mode = node.attr_s("mode", "DCR");
  Tensor t;
  if (mode == "DCR") permute(x, {n, bs, bs, oc, h, w}, {0, 3, 4, 1, 5, 2}, &t);
  else if (mode == "CRD") permute(x, {n, oc, bs, bs, h, w}, {0, 1, 4, 2, 5, 3}, &t);
  else return fail(error, "attribute 'mode' is '" + mode + "'; expected DCR or CRD");
  t.shape = {n, oc, h * bs, w * bs};
  (*outputs)[0] = std::move(t);
  return true;
}

bool op_space_to_depth(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                       std::string* error) {
  if (!one_in_one_out(inputs, outputs, error)) return false;
  const Tensor& x = *inputs[0];
  int64_t bs;
  if (!block_size(node, x, &bs, error)) return false;
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  if (h % bs != 0 || w % bs != 0) return fail(error, "spatial size " + shape_str(x.shape) + " does not divide by blocksize");
  Tensor t;
  permute(x, {n, c, h / bs, bs, w / bs, bs}, {0, 3, 5, 1, 2, 4}, &t);
  t.shape = {n, c * bs * bs, h / bs, w / bs};
  (*outputs)[0] = std::move(t);
  return true;
}

}  // namespace

std::vector<OpEntry> shape_ops() {
  return {{"Concat", op_concat},
          {"DepthToSpace", op_depth_to_space},
          {"Dropout", op_dropout},
          {"Expand", op_expand},
          {"Flatten", op_flatten},
          {"Identity", op_identity},
          {"Reshape", op_reshape},
          {"Shape", op_shape},
          {"Size", op_size},
          {"Slice", op_slice},
          {"SpaceToDepth", op_space_to_depth},
          {"Split", op_split},
          {"Squeeze", op_squeeze},
          {"Tile", op_tile},
          {"Transpose", op_transpose},
          {"Unsqueeze", op_unsqueeze}};
}

}  // namespace octet::cvt::fops

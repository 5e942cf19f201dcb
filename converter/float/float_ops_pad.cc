// Pad: constant, reflect, edge and wrap modes; negative pads crop. Pads are an
// attribute before opset 11 and an input from 11 (with optional axes from 18).
#include <cstring>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// Source index along one dimension of size `dim` for padded position c, or -1
// for the constant value.
int64_t source_index(int64_t c, int64_t dim, const std::string& mode) {
  if (c >= 0 && c < dim) return c;
  if (mode == "constant" || dim == 0) return -1;
  if (mode == "edge") return c < 0 ? 0 : dim - 1;
  if (mode == "wrap") return ((c % dim) + dim) % dim;
  // reflect (without repeating the edge), folded as often as needed
  if (dim == 1) return 0;
  const int64_t period = 2 * (dim - 1);
  int64_t m = ((c % period) + period) % period;
  return m < dim ? m : period - m;
}

bool op_pad(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const int64_t r = static_cast<int64_t>(x.rank());
  const std::string mode = node.attr_s("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return fail(error, "attribute 'mode' is '" + mode + "'");
  std::vector<int64_t> pads;
  Tensor value(x.dtype, {});
  if (opset < 11) {
    pads = node.attr_ints(opset < 2 ? "paddings" : "pads");
    if (x.dtype != DType::kFloat32) return fail(error, "input must be float32 before opset 11");
    value.data<float>()[0] = node.attr_f("value", 0.0f);
  } else {
    if (!in(inputs, 1)) return fail(error, "input 'pads' is missing");
    if (!int_list(*inputs[1], &pads, error, "pads")) return false;
    if (const Tensor* cv = in(inputs, 2)) {
      if (cv->dtype != x.dtype) return fail(error, "constant_value is " + dname(cv->dtype) + ", the input " + dname(x.dtype));
      if (cv->numel() > 1) return fail(error, "constant_value must be a scalar");
      if (cv->numel() == 1) value.bytes = cv->bytes;
    }
  }
  std::vector<int64_t> axes;
  if (opset >= 18 && in(inputs, 3)) {
    if (!int_list(*inputs[3], &axes, error, "axes")) return false;
    if (!normalize_axes(&axes, r, error)) return false;
  } else {
    for (int64_t d = 0; d < r; ++d) axes.push_back(d);
  }
  const int64_t na = static_cast<int64_t>(axes.size());
  if (static_cast<int64_t>(pads.size()) != 2 * na)
    return fail(error, "'pads' has " + std::to_string(pads.size()) + " entries; expected " + std::to_string(2 * na));
  std::vector<int64_t> pb(r, 0), pe(r, 0);
  for (int64_t i = 0; i < na; ++i) {
    if (pads[i] > kMaxElements || pads[na + i] > kMaxElements || pads[i] < -kMaxElements || pads[na + i] < -kMaxElements)
      return fail(error, "'pads' is too large");
    pb[axes[i]] = pads[i];
    pe[axes[i]] = pads[na + i];
  }
  std::vector<int64_t> shape(r);
  for (int64_t d = 0; d < r; ++d) {
    shape[d] = x.shape[d] + pb[d] + pe[d];
    if (shape[d] < 0) return fail(error, "the pads crop more than the input " + shape_str(x.shape) + " holds");
    if (mode != "constant" && x.shape[d] == 0 && shape[d] > 0)
      return fail(error, "mode '" + mode + "' cannot pad an empty dimension");
  }
  Tensor y;
  if (!alloc(x.dtype, shape, &y, error)) return false;
  // Source index per output position, per dimension (-1: constant).
  std::vector<std::vector<int64_t>> src(r);
  for (int64_t d = 0; d < r; ++d) {
    src[d].resize(static_cast<size_t>(shape[d]));
    for (int64_t o = 0; o < shape[d]; ++o) src[d][o] = source_index(o - pb[d], x.shape[d], mode);
  }
  const std::vector<int64_t> xs = row_strides(x.shape);
  const size_t es = dtype_size(x.dtype);
  const int64_t n = y.numel();
  std::vector<int64_t> idx(r, 0);
  for (int64_t o = 0; o < n; ++o) {
    int64_t off = 0;
    bool constant = false;
    for (int64_t d = 0; d < r; ++d) {
      const int64_t s = src[d][idx[d]];
      if (s < 0) {
        constant = true;
        break;
      }
      off += s * xs[d];
    }
    std::memcpy(y.bytes.data() + o * es, constant ? value.bytes.data() : x.bytes.data() + off * es, es);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> pad_ops() { return {{"Pad", op_pad}}; }

}  // namespace octet::cvt::fops

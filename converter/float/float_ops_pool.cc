// Pooling: MaxPool (with Indices), AveragePool, LpPool and their Global forms,
// over 1 to 3 spatial dimensions. Windows never read padding: MaxPool takes the
// largest element inside the input, AveragePool divides by the elements inside
// the input (count_include_pad=0) or inside input + pads (count_include_pad=1).
#include <algorithm>
#include <cmath>
#include <limits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

struct PoolGeom {
  int nd = 0;
  int64_t n = 0, c = 0;
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, dil[3] = {1, 1, 1}, pad_b[3] = {0, 0, 0}, pad_e[3] = {0, 0, 0};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  std::vector<int64_t> out_shape() const {
    std::vector<int64_t> s = {n, c};
    for (int d = 3 - nd; d < 3; ++d) s.push_back(out[d]);
    return s;
  }
};

bool pool_geometry(const Node& node, const std::vector<int64_t>& xs, PoolGeom* g, std::string* error) {
  if (xs.size() < 3 || xs.size() > 5)
    return fail(error, "input " + shape_str(xs) + " must have 1 to 3 spatial dimensions (rank 3 to 5)");
  const int nd = static_cast<int>(xs.size()) - 2, off = 3 - nd;
  g->nd = nd;
  g->n = xs[0];
  g->c = xs[1];
  const std::vector<int64_t> ks = node.attr_ints("kernel_shape");
  const std::vector<int64_t> strides = node.attr_ints("strides", std::vector<int64_t>(nd, 1));
  const std::vector<int64_t> dil = node.attr_ints("dilations", std::vector<int64_t>(nd, 1));
  const std::vector<int64_t> pads = node.attr_ints("pads", std::vector<int64_t>(2 * nd, 0));
  if (ks.size() != static_cast<size_t>(nd))
    return fail(error, "attribute 'kernel_shape' must have " + std::to_string(nd) + " values");
  if (strides.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'strides' has the wrong length");
  if (dil.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'dilations' has the wrong length");
  if (pads.size() != static_cast<size_t>(2 * nd)) return fail(error, "attribute 'pads' has the wrong length");
  const bool ceil_mode = node.attr_i("ceil_mode", 0) != 0;
  const std::string auto_pad = node.attr_s("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    return fail(error, "attribute 'auto_pad' is '" + auto_pad + "'");
  for (int i = 0; i < nd; ++i) {
    const int d = off + i;
    if (ks[i] < 1 || ks[i] > (1 << 24)) return fail(error, "attribute 'kernel_shape' must be positive");
    if (strides[i] < 1 || strides[i] > (1 << 24)) return fail(error, "attribute 'strides' must be positive");
    if (dil[i] < 1 || dil[i] > (1 << 24)) return fail(error, "attribute 'dilations' must be positive");
    if (pads[i] < 0 || pads[nd + i] < 0 || pads[i] > (1 << 24) || pads[nd + i] > (1 << 24))
      return fail(error, "attribute 'pads' must be non-negative");
    g->in[d] = xs[2 + i];
    g->k[d] = ks[i];
    g->stride[d] = strides[i];
    g->dil[d] = dil[i];
    const int64_t dk = (ks[i] - 1) * dil[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      g->out[d] = (g->in[d] + g->stride[d] - 1) / g->stride[d];
      const int64_t total = std::max<int64_t>(0, (g->out[d] - 1) * g->stride[d] + dk - g->in[d]);
      g->pad_b[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g->pad_e[d] = total - g->pad_b[d];
      continue;
    }
    if (auto_pad == "NOTSET") {
      g->pad_b[d] = pads[i];
      g->pad_e[d] = pads[nd + i];
    }
    const int64_t span = g->in[d] + g->pad_b[d] + g->pad_e[d] - dk;
    if (span < 0) return fail(error, "the window is larger than the padded input " + shape_str(xs));
    g->out[d] = (ceil_mode ? (span + g->stride[d] - 1) : span) / g->stride[d] + 1;
  }
  int64_t total;
  if (!checked_numel(g->out_shape(), &total, error)) return false;
  // Only the taps inside the input are visited (window below).
  double work = static_cast<double>(total);
  for (int d = 0; d < 3; ++d) work *= static_cast<double>(std::min(g->k[d], g->in[d]));
  if (work > 1e10) return fail(error, "the pooling needs more than 1e10 operations");
  return true;
}

enum class Kind { kMax, kAvg, kLp };

// floor(a / b) and ceil(a / b) for b > 0.
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

// The window taps j in [0, k) whose position start + j * dil lies in [lo, hi]:
// [*j0, *j1] (empty when *j0 > *j1). Computed, not searched, so a window far
// larger than the input costs nothing.
void taps_within(int64_t start, int64_t dil, int64_t k, int64_t lo, int64_t hi, int64_t* j0, int64_t* j1) {
  *j0 = std::max<int64_t>(0, ceil_div(lo - start, dil));
  *j1 = std::min<int64_t>(k - 1, floor_div(hi - start, dil));
}

// Calls f(input_offset) for every window position inside the input, for output
// position (od, oh, ow); returns the number of positions inside input + pads.
template <typename F>
int64_t window(const PoolGeom& g, int64_t od, int64_t oh, int64_t ow, F&& f) {
  int64_t padded_count = 1;
  int64_t start[3], j0[3], j1[3];
  const int64_t o[3] = {od, oh, ow};
  for (int d = 0; d < 3; ++d) {
    start[d] = o[d] * g.stride[d] - g.pad_b[d];
    int64_t p0, p1;
    taps_within(start[d], g.dil[d], g.k[d], -g.pad_b[d], g.in[d] + g.pad_e[d] - 1, &p0, &p1);
    padded_count *= std::max<int64_t>(0, p1 - p0 + 1);
    taps_within(start[d], g.dil[d], g.k[d], 0, g.in[d] - 1, &j0[d], &j1[d]);
  }
  for (int64_t ja = j0[0]; ja <= j1[0]; ++ja) {
    const int64_t a = start[0] + ja * g.dil[0];
    for (int64_t jb = j0[1]; jb <= j1[1]; ++jb) {
      const int64_t b = start[1] + jb * g.dil[1];
      for (int64_t jc = j0[2]; jc <= j1[2]; ++jc) {
        const int64_t c = start[2] + jc * g.dil[2];
        f((a * g.in[1] + b) * g.in[2] + c, a, b, c);
      }
    }
  }
  return padded_count;
}

template <Kind K>
bool pool(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (K != Kind::kMax && x.dtype != DType::kFloat32) return fail(error, "input must be float32, not " + dname(x.dtype));
  if (K == Kind::kMax && x.dtype != DType::kFloat32 && x.dtype != DType::kInt8 && x.dtype != DType::kUInt8)
    return fail(error, "input must be float32, int8 or uint8, not " + dname(x.dtype));
  PoolGeom g;
  if (!pool_geometry(node, x.shape, &g, error)) return false;
  const bool include_pad = node.attr_i("count_include_pad", 0) != 0;
  const int64_t storage_order = node.attr_i("storage_order", 0);
  const double p = static_cast<double>(node.attr_i("p", 2));
  const bool want_indices = K == Kind::kMax && outputs->size() > 1 && node.outputs.size() > 1 && !node.outputs[1].empty();
  if (want_indices && x.dtype != DType::kFloat32 && x.dtype != DType::kInt8 && x.dtype != DType::kUInt8)
    return fail(error, "Indices need a numeric input");
  Tensor y(x.dtype, g.out_shape());
  Tensor idx(DType::kInt64, want_indices ? g.out_shape() : std::vector<int64_t>{0});
  const int64_t is = g.in_size(), os = g.out_size();
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t plane = 0; plane < g.n * g.c; ++plane) {
      const T* xp = px + plane * is;
      int64_t o = plane * os;
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow, ++o) {
            if constexpr (K == Kind::kMax) {
              bool any = false;
              T best = std::numeric_limits<T>::lowest();
              int64_t best_i = 0, ba = 0, bb = 0, bc = 0;
              window(g, od, oh, ow, [&](int64_t i, int64_t a, int64_t b, int64_t c) {
                if (!any || xp[i] > best) {
                  best = xp[i];
                  best_i = i;
                  ba = a;
                  bb = b;
                  bc = c;
                  any = true;
                }
              });
              py[o] = any ? best : T{0};
              if (want_indices) {
                const int64_t local = storage_order == 0 ? best_i : (bc * g.in[1] + bb) * g.in[0] + ba;
                idx.data<int64_t>()[o] = plane * is + local;
              }
            } else if constexpr (K == Kind::kAvg) {
              double sum = 0;
              int64_t inside = 0;
              const int64_t padded = window(g, od, oh, ow, [&](int64_t i, int64_t, int64_t, int64_t) {
                sum += xp[i];
                ++inside;
              });
              const int64_t count = include_pad ? padded : inside;
              py[o] = static_cast<T>(count ? sum / count : 0.0);
            } else {
              double sum = 0;
              window(g, od, oh, ow, [&](int64_t i, int64_t, int64_t, int64_t) { sum += std::pow(std::fabs(xp[i]), p); });
              py[o] = static_cast<T>(std::pow(sum, 1.0 / p));
            }
          }
    }
    return true;
  });
  (*outputs)[0] = std::move(y);
  if (want_indices) (*outputs)[1] = std::move(idx);
  return true;
}

template <Kind K>
bool global_pool(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kFloat32) return fail(error, "input must be float32, not " + dname(x.dtype));
  if (x.rank() < 2) return fail(error, "input " + shape_str(x.shape) + " must have rank 2 or more");
  std::vector<int64_t> shape = {x.shape[0], x.shape[1]};
  shape.resize(x.rank(), 1);
  const int64_t planes = x.shape[0] * x.shape[1];
  int64_t inner = 1;
  for (size_t d = 2; d < x.rank(); ++d) inner *= x.shape[d];
  const double p = static_cast<double>(node.attr_i("p", 2));
  Tensor y(DType::kFloat32, shape);
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* px = x.data<float>() + pl * inner;
    double acc = K == Kind::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
    for (int64_t i = 0; i < inner; ++i) {
      if (K == Kind::kMax) acc = std::max(acc, static_cast<double>(px[i]));
      else if (K == Kind::kAvg) acc += px[i];
      else acc += std::pow(std::fabs(px[i]), p);
    }
    if (K == Kind::kAvg) acc = inner ? acc / inner : 0.0;
    if (K == Kind::kLp) acc = std::pow(acc, 1.0 / p);
    y.data<float>()[pl] = static_cast<float>(acc);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> pool_ops() {
  return {{"AveragePool", pool<Kind::kAvg>},
          {"GlobalAveragePool", global_pool<Kind::kAvg>},
          {"GlobalLpPool", global_pool<Kind::kLp>},
          {"GlobalMaxPool", global_pool<Kind::kMax>},
          {"LpPool", pool<Kind::kLp>},
          {"MaxPool", pool<Kind::kMax>}};
}

}  // namespace octet::cvt::fops

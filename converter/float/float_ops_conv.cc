// Convolutions: Conv, ConvTranspose, ConvInteger, QLinearConv over 1 to 3 spatial
// dimensions. Sums accumulate in double in one fixed order (input channel, then
// kernel position), products of two floats being exact in double.
#include <algorithm>
#include <cmath>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// The most multiply-adds one node may ask for (a bad shape fails instead of
// running for days).
constexpr double kMaxMacs = 1e12;

// Spatial geometry, always three dimensions: 1-D and 2-D convolutions get
// leading dimensions of size 1 (kernel 1, stride 1, no padding).
struct Geom {
  int nd = 0;  // spatial dimensions of the model's tensors
  int64_t n = 0, c = 0, m = 0, group = 1;
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, dil[3] = {1, 1, 1}, pad_b[3] = {0, 0, 0}, pad_e[3] = {0, 0, 0};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t k_size() const { return k[0] * k[1] * k[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  std::vector<int64_t> out_shape() const {
    std::vector<int64_t> s = {n, m};
    for (int d = 3 - nd; d < 3; ++d) s.push_back(out[d]);
    return s;
  }
};

// Reads strides, dilations, pads (or auto_pad) and the kernel shape, common to
// Conv and ConvTranspose. x_shape and w_shape have rank nd + 2.
bool read_window(const Node& node, const std::vector<int64_t>& w_shape, Geom* g, std::string* error) {
  const int nd = g->nd;
  const int off = 3 - nd;
  std::vector<int64_t> ks = node.attr_ints("kernel_shape");
  if (!ks.empty()) {
    if (ks.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'kernel_shape' has the wrong length");
    for (int d = 0; d < nd; ++d)
      if (ks[d] != w_shape[2 + d])
        return fail(error, "attribute 'kernel_shape' " + shape_str(ks) + " disagrees with the weights " +
                               shape_str(w_shape));
  }
  for (int d = 0; d < nd; ++d) {
    g->k[off + d] = w_shape[2 + d];
    if (g->k[off + d] <= 0) return fail(error, "the weights " + shape_str(w_shape) + " have an empty kernel");
  }
  const std::vector<int64_t> strides = node.attr_ints("strides", std::vector<int64_t>(nd, 1));
  const std::vector<int64_t> dil = node.attr_ints("dilations", std::vector<int64_t>(nd, 1));
  const std::vector<int64_t> pads = node.attr_ints("pads", std::vector<int64_t>(2 * nd, 0));
  if (strides.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'strides' has the wrong length");
  if (dil.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'dilations' has the wrong length");
  if (pads.size() != static_cast<size_t>(2 * nd)) return fail(error, "attribute 'pads' has the wrong length");
  for (int d = 0; d < nd; ++d) {
    if (strides[d] < 1 || strides[d] > (1 << 20)) return fail(error, "attribute 'strides' must be positive");
    if (dil[d] < 1 || dil[d] > (1 << 20)) return fail(error, "attribute 'dilations' must be positive");
    if (pads[d] < 0 || pads[nd + d] < 0 || pads[d] > (1 << 24) || pads[nd + d] > (1 << 24))
      return fail(error, "attribute 'pads' must be non-negative");
    g->stride[off + d] = strides[d];
    g->dil[off + d] = dil[d];
    g->pad_b[off + d] = pads[d];
    g->pad_e[off + d] = pads[nd + d];
  }
  return true;
}

bool check_macs(const Geom& g, int64_t per_output, std::string* error) {
  const double macs = static_cast<double>(g.n) * g.m * g.out_size() * per_output;
  if (macs > kMaxMacs) return fail(error, "the convolution needs more than 1e12 multiply-adds");
  return true;
}

// Conv geometry from X [N,C,spatial...] and W [M,C/group,kernel...].
bool conv_geometry(const Node& node, const std::vector<int64_t>& xs, const std::vector<int64_t>& ws, Geom* g,
                   std::string* error) {
  if (xs.size() < 3 || xs.size() > 5)
    return fail(error, "input X " + shape_str(xs) + " must have 1 to 3 spatial dimensions (rank 3 to 5)");
  if (ws.size() != xs.size())
    return fail(error, "weights " + shape_str(ws) + " and input " + shape_str(xs) + " differ in rank");
  g->nd = static_cast<int>(xs.size()) - 2;
  g->n = xs[0];
  g->c = xs[1];
  g->m = ws[0];
  g->group = node.attr_i("group", 1);
  if (g->group < 1 || g->c % g->group != 0 || g->m % g->group != 0 || ws[1] * g->group != g->c)
    return fail(error, "group " + std::to_string(g->group) + " does not fit input " + shape_str(xs) + " and weights " +
                           shape_str(ws));
  if (!read_window(node, ws, g, error)) return false;
  const int off = 3 - g->nd;
  const std::string auto_pad = node.attr_s("auto_pad", "NOTSET");
  for (int d = off; d < 3; ++d) {
    g->in[d] = xs[2 + d - off];
    const int64_t dk = (g->k[d] - 1) * g->dil[d] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (g->in[d] + g->stride[d] - 1) / g->stride[d];
      const int64_t total = std::max<int64_t>(0, (o - 1) * g->stride[d] + dk - g->in[d]);
      g->pad_b[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g->pad_e[d] = total - g->pad_b[d];
    } else if (auto_pad == "VALID") {
      g->pad_b[d] = g->pad_e[d] = 0;
    } else if (auto_pad != "NOTSET") {
      return fail(error, "attribute 'auto_pad' is '" + auto_pad + "'");
    }
    const int64_t span = g->in[d] + g->pad_b[d] + g->pad_e[d] - dk;
    if (span < 0)
      return fail(error, "the kernel " + shape_str(ws) + " is larger than the padded input " + shape_str(xs));
    g->out[d] = span / g->stride[d] + 1;
  }
  int64_t n;
  if (!checked_numel(g->out_shape(), &n, error)) return false;
  return check_macs(*g, (g->c / g->group) * g->k_size(), error);
}

// Range [lo, hi) of output positions o with 0 <= o*stride + shift < in.
inline void valid_range(int64_t shift, int64_t stride, int64_t in, int64_t out, int64_t* lo, int64_t* hi) {
  // o*stride + shift >= 0  <=>  o >= ceil(-shift / stride)
  int64_t l = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  // o*stride + shift <= in - 1  <=>  o <= floor((in - 1 - shift) / stride)
  const int64_t top = in - 1 - shift;
  int64_t h = top < 0 ? 0 : top / stride + 1;
  *lo = std::min(l, out);
  *hi = std::max(*lo, std::min(h, out));
}

// y[n][m][out] = sum over (c, kernel) of w * x, in double. x and w already have
// their zero points taken off.
void conv_core(const Geom& g, const float* x, const float* w, std::vector<double>* y) {
  const int64_t cg = g.c / g.group, mg = g.m / g.group;
  const int64_t is = g.in_size(), ks = g.k_size(), os = g.out_size();
  y->assign(static_cast<size_t>(g.n * g.m * os), 0.0);
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t m = 0; m < g.m; ++m) {
      double* acc = y->data() + (n * g.m + m) * os;
      const int64_t gi = m / mg;
      for (int64_t c = 0; c < cg; ++c) {
        const float* xc = x + (n * g.c + gi * cg + c) * is;
        const float* wk = w + (m * cg + c) * ks;
        for (int64_t kd = 0; kd < g.k[0]; ++kd)
          for (int64_t kh = 0; kh < g.k[1]; ++kh)
            for (int64_t kw = 0; kw < g.k[2]; ++kw) {
              const double wv = wk[(kd * g.k[1] + kh) * g.k[2] + kw];
              const int64_t sd = kd * g.dil[0] - g.pad_b[0], sh = kh * g.dil[1] - g.pad_b[1],
                            sw = kw * g.dil[2] - g.pad_b[2];
              int64_t d0, d1, h0, h1, w0, w1;
              valid_range(sd, g.stride[0], g.in[0], g.out[0], &d0, &d1);
              valid_range(sh, g.stride[1], g.in[1], g.out[1], &h0, &h1);
              valid_range(sw, g.stride[2], g.in[2], g.out[2], &w0, &w1);
              for (int64_t od = d0; od < d1; ++od) {
                const int64_t id = od * g.stride[0] + sd;
                for (int64_t oh = h0; oh < h1; ++oh) {
                  const int64_t ih = oh * g.stride[1] + sh;
                  const float* xr = xc + (id * g.in[1] + ih) * g.in[2];
                  double* yr = acc + (od * g.out[1] + oh) * g.out[2];
                  for (int64_t ow = w0; ow < w1; ++ow) yr[ow] += wv * xr[ow * g.stride[2] + sw];
                }
              }
            }
      }
    }
}

bool check_bias(const Tensor* b, int64_t m, std::string* error) {
  if (!b) return true;
  if (b->dtype != DType::kFloat32) return fail(error, "bias must be float32, not " + dname(b->dtype));
  if (b->rank() != 1 || b->shape[0] != m) return fail(error, "bias " + shape_str(b->shape) + " must be [" + std::to_string(m) + "]");
  return true;
}

bool op_conv(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& w = *inputs[1];
  const Tensor* b = in(inputs, 2);
  if (x.dtype != DType::kFloat32 || w.dtype != DType::kFloat32) return fail(error, "X and W must be float32");
  Geom g;
  if (!conv_geometry(node, x.shape, w.shape, &g, error) || !check_bias(b, g.m, error)) return false;
  std::vector<double> acc;
  conv_core(g, x.data<float>(), w.data<float>(), &acc);
  Tensor y(DType::kFloat32, g.out_shape());
  float* py = y.data<float>();
  const int64_t os = g.out_size();
  for (int64_t i = 0; i < y.numel(); ++i) {
    const double bias = b ? b->data<float>()[(i / os) % g.m] : 0.0;
    py[i] = static_cast<float>(acc[i] + bias);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

// Zero points of an integer tensor: a scalar, or one per `channels` (per axis).
bool zero_points(const Tensor* zp, DType expect, int64_t channels, std::vector<int32_t>* out, const char* what,
                 std::string* error) {
  if (!zp) {
    out->assign(1, 0);
    return true;
  }
  if (zp->dtype != expect)
    return fail(error, std::string(what) + " is " + dname(zp->dtype) + "; the data is " + dname(expect));
  if (zp->numel() != 1 && !(zp->rank() == 1 && zp->shape[0] == channels))
    return fail(error, std::string(what) + " " + shape_str(zp->shape) + " must be a scalar or have " +
                           std::to_string(channels) + " elements");
  out->clear();
  for (int64_t i = 0; i < zp->numel(); ++i) out->push_back(static_cast<int32_t>(zp->get_i(i)));
  return true;
}

// (v - zero point) as floats; zp per outer slice of `inner` elements when it has
// more than one element.
std::vector<float> centered(const Tensor& t, const std::vector<int32_t>& zp, int64_t inner) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) {
    const int32_t z = zp.size() == 1 ? zp[0] : zp[static_cast<size_t>((i / inner) % static_cast<int64_t>(zp.size()))];
    v[i] = static_cast<float>(t.get_i(i) - z);
  }
  return v;
}

bool is_8bit(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

bool op_conv_integer(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                     std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& w = *inputs[1];
  if (!is_8bit(x.dtype) || !is_8bit(w.dtype)) return fail(error, "x and w must be int8 or uint8");
  Geom g;
  if (!conv_geometry(node, x.shape, w.shape, &g, error)) return false;
  std::vector<int32_t> xz, wz;
  if (!zero_points(in(inputs, 2), x.dtype, 1, &xz, "x_zero_point", error) ||
      !zero_points(in(inputs, 3), w.dtype, g.m, &wz, "w_zero_point", error))
    return false;
  const std::vector<float> xf = centered(x, xz, 1);
  const std::vector<float> wf = centered(w, wz, w.numel() / std::max<int64_t>(g.m, 1));
  std::vector<double> acc;
  conv_core(g, xf.data(), wf.data(), &acc);
  Tensor y(DType::kInt32, g.out_shape());
  for (int64_t i = 0; i < y.numel(); ++i) y.data<int32_t>()[i] = saturate_cast<int32_t>(acc[i]);
  (*outputs)[0] = std::move(y);
  return true;
}

// Scalar float scale or one per channel.
bool scales(const Tensor* s, int64_t channels, std::vector<float>* out, const char* what, std::string* error) {
  if (!s) return fail(error, std::string(what) + " is missing");
  if (s->dtype != DType::kFloat32) return fail(error, std::string(what) + " must be float32");
  if (s->numel() != 1 && !(s->rank() == 1 && s->shape[0] == channels))
    return fail(error, std::string(what) + " " + shape_str(s->shape) + " must be a scalar or have " +
                           std::to_string(channels) + " elements");
  *out = s->to_floats();
  return true;
}

template <typename T>
T requantize(double acc, double multiplier, int32_t zp) {
  const double v = std::nearbyint(acc * multiplier) + zp;
  return saturate_cast<T>(v);
}

// QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
// y_zero_point, B (int32).
bool op_qlinear_conv(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                     std::string* error) {
  if (!need_inputs(inputs, 8, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& w = *inputs[3];
  if (!is_8bit(x.dtype) || !is_8bit(w.dtype)) return fail(error, "x and w must be int8 or uint8");
  const DType yt = inputs[7]->dtype;
  if (!is_8bit(yt)) return fail(error, "y_zero_point must be int8 or uint8");
  Geom g;
  if (!conv_geometry(node, x.shape, w.shape, &g, error)) return false;
  std::vector<int32_t> xz, wz, yz;
  std::vector<float> xs, ws, ys;
  if (!zero_points(inputs[2], x.dtype, 1, &xz, "x_zero_point", error) ||
      !zero_points(inputs[5], w.dtype, g.m, &wz, "w_zero_point", error) ||
      !zero_points(inputs[7], yt, 1, &yz, "y_zero_point", error) || !scales(inputs[1], 1, &xs, "x_scale", error) ||
      !scales(inputs[4], g.m, &ws, "w_scale", error) || !scales(inputs[6], 1, &ys, "y_scale", error))
    return false;
  const Tensor* b = in(inputs, 8);
  if (b && (b->dtype != DType::kInt32 || b->rank() != 1 || b->shape[0] != g.m))
    return fail(error, "B must be int32 [" + std::to_string(g.m) + "]");
  const std::vector<float> xf = centered(x, xz, 1);
  const std::vector<float> wf = centered(w, wz, w.numel() / std::max<int64_t>(g.m, 1));
  std::vector<double> acc;
  conv_core(g, xf.data(), wf.data(), &acc);
  Tensor y(yt, g.out_shape());
  const int64_t os = g.out_size();
  for (int64_t i = 0; i < y.numel(); ++i) {
    const int64_t m = (i / os) % g.m;
    const double a = acc[i] + (b ? b->data<int32_t>()[m] : 0);
    const double mult = static_cast<double>(xs[0]) * ws[ws.size() == 1 ? 0 : m] / ys[0];
    if (yt == DType::kUInt8) y.data<uint8_t>()[i] = requantize<uint8_t>(a, mult, yz[0]);
    else y.data<int8_t>()[i] = requantize<int8_t>(a, mult, yz[0]);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

// ConvTranspose: X [N,C,in...], W [C, M/group, kernel...].
bool op_conv_transpose(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                       std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& w = *inputs[1];
  const Tensor* b = in(inputs, 2);
  if (x.dtype != DType::kFloat32 || w.dtype != DType::kFloat32) return fail(error, "X and W must be float32");
  const auto& xs = x.shape;
  const auto& ws = w.shape;
  if (xs.size() < 3 || xs.size() > 5)
    return fail(error, "input X " + shape_str(xs) + " must have 1 to 3 spatial dimensions (rank 3 to 5)");
  if (ws.size() != xs.size())
    return fail(error, "weights " + shape_str(ws) + " and input " + shape_str(xs) + " differ in rank");
  Geom g;
  g.nd = static_cast<int>(xs.size()) - 2;
  g.n = xs[0];
  g.c = xs[1];
  g.group = node.attr_i("group", 1);
  if (g.group < 1 || ws[0] != g.c || g.c % g.group != 0 || ws[1] > (int64_t{1} << 30))
    return fail(error, "group " + std::to_string(g.group) + " does not fit input " + shape_str(xs) + " and weights " +
                           shape_str(ws));
  g.m = ws[1] * g.group;
  if (!read_window(node, ws, &g, error) || !check_bias(b, g.m, error)) return false;
  const int nd = g.nd, off = 3 - nd;
  const std::vector<int64_t> out_pad = node.attr_ints("output_padding", std::vector<int64_t>(nd, 0));
  std::vector<int64_t> out_shape = node.attr_ints("output_shape");
  if (out_pad.size() != static_cast<size_t>(nd)) return fail(error, "attribute 'output_padding' has the wrong length");
  if (out_shape.size() == static_cast<size_t>(nd) + 2) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
  if (!out_shape.empty() && out_shape.size() != static_cast<size_t>(nd))
    return fail(error, "attribute 'output_shape' has the wrong length");
  for (int64_t d : out_shape)
    if (d < 1 || d > kMaxElements) return fail(error, "attribute 'output_shape' " + shape_str(out_shape) + " is out of range");
  const std::string auto_pad = node.attr_s("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    return fail(error, "attribute 'auto_pad' is '" + auto_pad + "'");
  for (int d = off; d < 3; ++d) {
    const int i = d - off;
    g.in[d] = xs[2 + i];
    if (out_pad[i] < 0 || out_pad[i] >= std::max(g.stride[d], g.dil[d]))
      return fail(error, "attribute 'output_padding' must be below the stride or the dilation");
    const int64_t dk = (g.k[d] - 1) * g.dil[d] + 1;
    const int64_t full = g.stride[d] * (g.in[d] - 1) + out_pad[i] + dk;
    if (!out_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t target = !out_shape.empty() ? out_shape[i] : g.in[d] * g.stride[d];
      const int64_t total = full - target;
      if (total < 0 && out_shape.empty()) return fail(error, "negative padding");
      // As onnxruntime: the smaller half first except for SAME_LOWER; C++
      // division, so an output larger than the full one grows at the end.
      g.pad_b[d] = auto_pad == "SAME_LOWER" ? (total + 1) / 2 : total / 2;
      g.pad_e[d] = total - g.pad_b[d];
      g.out[d] = target;
    } else {
      if (auto_pad == "VALID") g.pad_b[d] = g.pad_e[d] = 0;
      g.out[d] = full - g.pad_b[d] - g.pad_e[d];
    }
    if (g.out[d] <= 0) return fail(error, "the output would be empty");
  }
  int64_t total;
  if (!checked_numel(g.out_shape(), &total, error)) return false;
  {
    const double macs = static_cast<double>(g.n) * g.c * g.in_size() * (g.m / g.group) * g.k_size();
    if (macs > kMaxMacs) return fail(error, "the convolution needs more than 1e12 multiply-adds");
  }
  const int64_t cg = g.c / g.group, mg = g.m / g.group;
  const int64_t is = g.in_size(), ks = g.k_size(), os = g.out_size();
  const float* px = x.data<float>();
  const float* pw = w.data<float>();
  std::vector<double> acc(static_cast<size_t>(os));
  Tensor y(DType::kFloat32, g.out_shape());
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t m = 0; m < g.m; ++m) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const int64_t gi = m / mg, mm = m % mg;
      for (int64_t c = 0; c < cg; ++c) {
        const int64_t ci = gi * cg + c;
        const float* xc = px + (n * g.c + ci) * is;
        const float* wk = pw + (ci * mg + mm) * ks;
        for (int64_t kd = 0; kd < g.k[0]; ++kd)
          for (int64_t kh = 0; kh < g.k[1]; ++kh)
            for (int64_t kw = 0; kw < g.k[2]; ++kw) {
              const double wv = wk[(kd * g.k[1] + kh) * g.k[2] + kw];
              const int64_t sd = kd * g.dil[0] - g.pad_b[0], sh = kh * g.dil[1] - g.pad_b[1],
                            sw = kw * g.dil[2] - g.pad_b[2];
              for (int64_t id = 0; id < g.in[0]; ++id) {
                const int64_t od = id * g.stride[0] + sd;
                if (od < 0 || od >= g.out[0]) continue;
                for (int64_t ih = 0; ih < g.in[1]; ++ih) {
                  const int64_t oh = ih * g.stride[1] + sh;
                  if (oh < 0 || oh >= g.out[1]) continue;
                  const float* xr = xc + (id * g.in[1] + ih) * g.in[2];
                  double* yr = acc.data() + (od * g.out[1] + oh) * g.out[2];
                  for (int64_t iw = 0; iw < g.in[2]; ++iw) {
                    const int64_t ow = iw * g.stride[2] + sw;
                    if (ow >= 0 && ow < g.out[2]) yr[ow] += wv * xr[iw];
                  }
                }
              }
            }
      }
      float* py = y.data<float>() + (n * g.m + m) * os;
      const double bias = b ? b->data<float>()[m] : 0.0;
      for (int64_t i = 0; i < os; ++i) py[i] = static_cast<float>(acc[i] + bias);
    }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> conv_ops() {
  return {{"Conv", op_conv},
          {"ConvInteger", op_conv_integer},
          {"ConvTranspose", op_conv_transpose},
          {"QLinearConv", op_qlinear_conv}};
}

}  // namespace octet::cvt::fops

// Resize (opsets 10, 11, 13, 18) and Upsample (7, 9): nearest (every
// nearest_mode), linear and cubic interpolation over any axes, with every
// coordinate_transformation_mode. Follows ONNX's reference (interpolate_nd in
// onnx/backend/test/case/node/resize.py): each axis is resampled independently,
// the axis length used by align_corners / tf_crop_and_resize is scale * input
// length, and neighbours beyond the edge repeat the edge element. Nearest copies
// elements; linear and cubic sum in double, one axis after the other.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

struct Tap {
  int64_t index;
  double weight;
};

struct Params {
  std::string mode = "nearest";        // nearest, linear, cubic
  std::string coord = "half_pixel";    // coordinate_transformation_mode
  std::string nearest = "round_prefer_floor";  // nearest_mode, or "simple" (opset < 11)
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
};

// Taps of one output coordinate x along an axis of input length `in`; false when
// tf_crop_and_resize puts it outside the input (the extrapolation value).
bool axis_taps(const Params& p, int64_t x, int64_t in, int64_t out, double scale, double roi_s, double roi_e,
               std::vector<Tap>* taps) {
  taps->clear();
  const double out_len = scale * in;
  double xo;
  const std::string& c = p.coord;
  if (c == "align_corners") {
    xo = out_len == 1 ? 0.0 : x * static_cast<double>(in - 1) / (out_len - 1);
  } else if (c == "asymmetric") {
    xo = x / scale;
  } else if (c == "tf_crop_and_resize") {
    xo = out_len == 1 ? (roi_e - roi_s) * (in - 1) / 2.0 : x * (roi_e - roi_s) * (in - 1) / (out_len - 1);
    xo += roi_s * (in - 1);
    if (xo < 0 || xo > in - 1) return false;
  } else if (c == "pytorch_half_pixel") {
    xo = out_len == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  } else if (c == "tf_half_pixel_for_nn") {
    xo = (x + 0.5) / scale;
  } else {  // half_pixel
    xo = (x + 0.5) / scale - 0.5;
  }
  (void)out;
  if (!std::isfinite(xo)) return false;  // a NaN roi or scale: the extrapolation value
  auto clamp = [in](int64_t i) { return std::min(std::max<int64_t>(i, 0), in - 1); };
  const double fl = std::floor(xo);
  const int64_t i0 = static_cast<int64_t>(fl);
  const double ratio = xo - fl;  // in [0, 1)
  if (p.mode == "nearest") {
    int64_t i;
    if (ratio == 0) i = i0;
    else if (p.nearest == "round_prefer_floor") i = ratio <= 0.5 ? i0 : i0 + 1;
    else if (p.nearest == "round_prefer_ceil") i = ratio < 0.5 ? i0 : i0 + 1;
    else if (p.nearest == "floor") i = i0;
    else if (p.nearest == "ceil") i = i0 + 1;
    else i = scale < 1 ? i0 + 1 : i0;  // "simple": opset 10 (ceil when downsampling, else floor)
    taps->push_back({clamp(i), 1.0});
    return true;
  }
  if (p.mode == "linear") {
    if (ratio == 0) {
      taps->push_back({clamp(i0), 1.0});
    } else {
      taps->push_back({clamp(i0), 1.0 - ratio});
      taps->push_back({clamp(i0 + 1), ratio});
    }
    return true;
  }
  // cubic: neighbours i0-1 .. i0+2 with Keys' kernel of parameter A.
  const double a = p.cubic_a;
  auto kernel = [a](double t) {
    t = std::fabs(t);
    if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    return 0.0;
  };
  double w[4];
  int64_t idx[4];
  double sum = 0;
  for (int k = 0; k < 4; ++k) {
    idx[k] = i0 - 1 + k;
    w[k] = kernel(ratio - (k - 1));
    if (p.exclude_outside && (idx[k] < 0 || idx[k] >= in)) w[k] = 0;
    sum += w[k];
  }
  for (int k = 0; k < 4; ++k) {
    double wk = w[k];
    if (p.exclude_outside) wk = sum != 0 ? wk / sum : 0;
    if (wk != 0) taps->push_back({clamp(idx[k]), wk});
  }
  if (taps->empty()) taps->push_back({clamp(i0), 0.0});
  return true;
}

// True when the taps along an axis copy it unchanged.
bool identity_axis(const std::vector<std::vector<Tap>>& taps, const std::vector<bool>& inside, int64_t in) {
  if (static_cast<int64_t>(taps.size()) != in) return false;
  for (int64_t o = 0; o < in; ++o)
    if (!inside[o] || taps[o].size() != 1 || taps[o][0].index != o || taps[o][0].weight != 1.0) return false;
  return true;
}

// Nearest: a gather of whole elements (any type, NaN kept), or the
// extrapolation value where tf_crop_and_resize leaves the input.
void gather_nearest(const Params& p, const Tensor& x, const std::vector<std::vector<std::vector<Tap>>>& taps,
                    const std::vector<std::vector<bool>>& inside, Tensor* y) {
  const size_t r = x.rank();
  const std::vector<int64_t> xs = row_strides(x.shape);
  std::vector<std::vector<int64_t>> off(r);  // element offset per axis and output coordinate, -1 outside
  for (size_t d = 0; d < r; ++d)
    for (size_t o = 0; o < taps[d].size(); ++o) off[d].push_back(inside[d][o] ? taps[d][o][0].index * xs[d] : -1);
  const size_t es = dtype_size(x.dtype);
  Tensor ext(x.dtype, {});
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point<T>::value) ext.data<T>()[0] = static_cast<T>(p.extrapolation);
    else ext.data<T>()[0] = saturate_cast<T>(std::nearbyint(p.extrapolation));
    return true;
  });
  const int64_t n = y->numel();
  std::vector<int64_t> o(r, 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t src = 0;
    for (size_t d = 0; d < r && src >= 0; ++d) src = off[d][o[d]] < 0 ? -1 : src + off[d][o[d]];
    std::memcpy(y->bytes.data() + e * es, src < 0 ? ext.bytes.data() : x.bytes.data() + src * es, es);
    for (size_t d = r; d-- > 0;) {
      if (++o[d] < y->shape[d]) break;
      o[d] = 0;
    }
  }
}

// Resamples x to `out_shape` with per-axis scales (and roi for tf_crop_and_resize).
// Linear and cubic run one axis at a time in double (the reference recursion is
// separable the same way); axes that shrink go first to keep the intermediates small.
bool interpolate(const Params& p, const Tensor& x, const std::vector<int64_t>& out_shape,
                 const std::vector<double>& scales, const std::vector<double>& roi, std::vector<Tensor>* outputs,
                 std::string* error) {
  const size_t r = x.rank();
  for (size_t d = 0; d < r; ++d)
    if (x.shape[d] == 0 && out_shape[d] != 0) return fail(error, "cannot resize an empty dimension");
  Tensor y;
  if (!alloc(x.dtype, out_shape, &y, error)) return false;
  // Per axis, per output coordinate: taps, and whether it lies inside the input.
  std::vector<std::vector<std::vector<Tap>>> taps(r);
  std::vector<std::vector<bool>> inside(r);
  for (size_t d = 0; d < r; ++d) {
    taps[d].resize(static_cast<size_t>(out_shape[d]));
    inside[d].resize(static_cast<size_t>(out_shape[d]));
    const double rs = roi.empty() ? 0.0 : roi[d], re = roi.empty() ? 1.0 : roi[r + d];
    for (int64_t o = 0; o < out_shape[d]; ++o)
      inside[d][o] = axis_taps(p, o, x.shape[d], out_shape[d], scales[d], rs, re, &taps[d][o]);
  }
  if (p.mode == "nearest") {
    gather_nearest(p, x, taps, inside, &y);
    (*outputs)[0] = std::move(y);
    return true;
  }
  std::vector<size_t> order;
  for (size_t d = r; d-- > 0;)
    if (!identity_axis(taps[d], inside[d], x.shape[d])) order.push_back(d);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return static_cast<double>(out_shape[a]) / std::max<int64_t>(x.shape[a], 1) <
           static_cast<double>(out_shape[b]) / std::max<int64_t>(x.shape[b], 1);
  });
  std::vector<double> cur(static_cast<size_t>(x.numel()));
  for (int64_t i = 0; i < x.numel(); ++i) cur[i] = x.get_f(i);
  std::vector<int64_t> shape = x.shape;
  for (size_t d : order) {
    std::vector<int64_t> next_shape = shape;
    next_shape[d] = out_shape[d];
    int64_t total;
    if (!checked_numel(next_shape, &total, error)) return false;
    int64_t outer = 1, inner = 1;
    for (size_t k = 0; k < d; ++k) outer *= shape[k];
    for (size_t k = d + 1; k < r; ++k) inner *= shape[k];
    const int64_t in_len = shape[d], out_len = out_shape[d];
    std::vector<double> next(static_cast<size_t>(total), 0.0);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < out_len; ++j) {
        double* dst = next.data() + (o * out_len + j) * inner;
        if (!inside[d][j]) {
          std::fill(dst, dst + inner, p.extrapolation);
          continue;
        }
        for (const Tap& t : taps[d][j]) {
          const double* src = cur.data() + (o * in_len + t.index) * inner;
          for (int64_t i = 0; i < inner; ++i) dst[i] += t.weight * src[i];
        }
      }
    cur = std::move(next);
    shape = std::move(next_shape);
  }
  visit_dtype(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    for (int64_t e = 0; e < y.numel(); ++e) {
      if constexpr (std::is_floating_point<T>::value) py[e] = static_cast<T>(cur[e]);
      else py[e] = saturate_cast<T>(std::nearbyint(cur[e]));
    }
    return true;
  });
  (*outputs)[0] = std::move(y);
  return true;
}

bool read_params(const Node& node, int64_t opset, Params* p, std::string* error) {
  p->mode = node.attr_s("mode", "nearest");
  if (p->mode == "bilinear" || p->mode == "trilinear") p->mode = "linear";
  if (p->mode != "nearest" && p->mode != "linear" && p->mode != "cubic")
    return fail(error, "attribute 'mode' is '" + p->mode + "'");
  if (opset < 11) {
    p->coord = "asymmetric";
    p->nearest = "simple";
    if (p->mode == "cubic") return fail(error, "mode 'cubic' needs opset 11");
    return true;
  }
  p->coord = node.attr_s("coordinate_transformation_mode", "half_pixel");
  static const char* const kCoords[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                        "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (std::none_of(std::begin(kCoords), std::end(kCoords), [&](const char* s) { return p->coord == s; }))
    return fail(error, "attribute 'coordinate_transformation_mode' is '" + p->coord + "'");
  p->nearest = node.attr_s("nearest_mode", "round_prefer_floor");
  if (p->nearest != "round_prefer_floor" && p->nearest != "round_prefer_ceil" && p->nearest != "floor" &&
      p->nearest != "ceil")
    return fail(error, "attribute 'nearest_mode' is '" + p->nearest + "'");
  p->cubic_a = node.attr_f("cubic_coeff_a", -0.75f);
  p->exclude_outside = node.attr_i("exclude_outside", 0) != 0;
  p->extrapolation = node.attr_f("extrapolation_value", 0.0f);
  if (node.attr_i("antialias", 0) != 0) return fail(error, "antialias=1 is not supported");
  return true;
}

// Output shape and per-axis scales from scales (floor(in * scale)) or sizes.
bool resolve(const Node& node, const Tensor& x, const Tensor* scales_t, const Tensor* sizes_t,
             const std::vector<double>& roi, bool crop, std::vector<int64_t>* out_shape, std::vector<double>* scales,
             std::string* error) {
  const int64_t r = static_cast<int64_t>(x.rank());
  std::vector<int64_t> axes = node.attr_ints("axes");
  if (axes.empty())
    for (int64_t d = 0; d < r; ++d) axes.push_back(d);
  else if (!normalize_axes(&axes, r, error))
    return false;
  const size_t na = axes.size();
  *out_shape = x.shape;
  scales->assign(static_cast<size_t>(r), 1.0);
  if (sizes_t && sizes_t->numel() > 0) {
    std::vector<int64_t> sizes;
    if (!int_list(*sizes_t, &sizes, error, "sizes")) return false;
    if (sizes.size() != na) return fail(error, "'sizes' has " + std::to_string(sizes.size()) + " entries; expected " + std::to_string(na));
    const std::string policy = node.attr_s("keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
      return fail(error, "attribute 'keep_aspect_ratio_policy' is '" + policy + "'");
    double keep = policy == "not_larger" ? 1e300 : 0;
    for (size_t i = 0; i < na; ++i) {
      if (sizes[i] < 0 || sizes[i] > kMaxElements) return fail(error, "'sizes' has an entry out of range");
      const double s = x.shape[axes[i]] ? static_cast<double>(sizes[i]) / x.shape[axes[i]] : 1.0;
      keep = policy == "not_larger" ? std::min(keep, s) : std::max(keep, s);
    }
    for (size_t i = 0; i < na; ++i) {
      const int64_t a = axes[i];
      if (policy == "stretch") {
        (*out_shape)[a] = sizes[i];
        (*scales)[a] = x.shape[a] ? static_cast<double>(sizes[i]) / x.shape[a] : 1.0;
      } else {
        (*out_shape)[a] = static_cast<int64_t>(std::floor(keep * x.shape[a] + 0.5));
        (*scales)[a] = keep;
      }
    }
    return true;
  }
  if (!scales_t || scales_t->numel() == 0) return fail(error, "neither 'scales' nor 'sizes' is given");
  std::vector<float> sc;
  if (!float_list(*scales_t, &sc, error, "scales")) return false;
  if (sc.size() != na) return fail(error, "'scales' has " + std::to_string(sc.size()) + " entries; expected " + std::to_string(na));
  for (size_t i = 0; i < na; ++i) {
    const int64_t a = axes[i];
    if (!(sc[i] > 0) || sc[i] > kMaxElements) return fail(error, "'scales' must be positive");
    double len = static_cast<double>(sc[i]) * x.shape[a];
    if (crop && !roi.empty()) len *= roi[r + a] - roi[a];
    if (!(len < static_cast<double>(kMaxElements))) return fail(error, "'scales' give an output too large");
    (*out_shape)[a] = static_cast<int64_t>(std::floor(len));
    (*scales)[a] = sc[i];
  }
  return true;
}

bool op_resize(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
               std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  Params p;
  if (!read_params(node, opset, &p, error)) return false;
  const Tensor* scales_t = nullptr;
  const Tensor* sizes_t = nullptr;
  std::vector<double> roi;
  if (opset < 11) {
    scales_t = in(inputs, 1);
  } else {
    scales_t = in(inputs, 2);
    sizes_t = in(inputs, 3);
    if (p.coord == "tf_crop_and_resize") {
      const Tensor* roi_t = in(inputs, 1);
      if (!roi_t) return fail(error, "tf_crop_and_resize needs 'roi'");
      if (roi_t->dtype != DType::kFloat32) return fail(error, "'roi' must be float32");
      const std::vector<float> rv = roi_t->to_floats();
      std::vector<int64_t> axes = node.attr_ints("axes");
      const size_t r = x.rank();
      if (axes.empty()) {
        if (rv.size() != 2 * r) return fail(error, "'roi' must have 2 * rank entries");
        roi.assign(rv.begin(), rv.end());
      } else {
        if (!normalize_axes(&axes, static_cast<int64_t>(r), error)) return false;
        if (rv.size() != 2 * axes.size()) return fail(error, "'roi' must have 2 * len(axes) entries");
        roi.assign(2 * r, 0.0);
        for (size_t d = 0; d < r; ++d) roi[r + d] = 1.0;
        for (size_t i = 0; i < axes.size(); ++i) {
          roi[axes[i]] = rv[i];
          roi[r + axes[i]] = rv[axes.size() + i];
        }
      }
    }
  }
  std::vector<int64_t> out_shape;
  std::vector<double> scales;
  if (!resolve(node, x, scales_t, sizes_t, roi, p.coord == "tf_crop_and_resize", &out_shape, &scales, error))
    return false;
  return interpolate(p, x, out_shape, scales, roi, outputs, error);
}

bool op_upsample(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                 std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype == DType::kBool) return fail(error, "input must be numeric");
  Params p;
  p.mode = node.attr_s("mode", "nearest");
  if (p.mode == "bilinear") p.mode = "linear";
  if (p.mode != "nearest" && p.mode != "linear") return fail(error, "attribute 'mode' is '" + p.mode + "'");
  p.coord = "asymmetric";
  p.nearest = "floor";
  std::vector<float> sc;
  if (opset < 9) {
    sc = node.attr_floats("scales");
  } else {
    if (!need_inputs(inputs, 2, error) || !float_list(*inputs[1], &sc, error, "scales")) return false;
  }
  if (sc.size() != x.rank()) return fail(error, "'scales' must have one entry per dimension");
  std::vector<int64_t> out_shape = x.shape;
  std::vector<double> scales(x.rank());
  for (size_t d = 0; d < x.rank(); ++d) {
    if (!(sc[d] >= 1) || sc[d] > kMaxElements) return fail(error, "'scales' must be >= 1");
    out_shape[d] = static_cast<int64_t>(std::floor(static_cast<double>(sc[d]) * x.shape[d]));
    scales[d] = sc[d];
  }
  return interpolate(p, x, out_shape, scales, {}, outputs, error);
}

}  // namespace

std::vector<OpEntry> resize_ops() { return {{"Resize", op_resize}, {"Upsample", op_upsample}}; }

}  // namespace octet::cvt::fops

// Normalizations: BatchNormalization (inference), InstanceNormalization,
// LayerNormalization, LpNormalization, MeanVarianceNormalization, LRN.
// Statistics are computed in double.
#include <algorithm>
#include <cmath>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

bool all_float(const Inputs& inputs, std::string* error) {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i] && inputs[i]->dtype != DType::kFloat32)
      return fail(error, "input " + std::to_string(i) + " must be float32, not " + dname(inputs[i]->dtype));
  return true;
}

bool per_channel(const Tensor& t, int64_t c, const char* what, std::string* error) {
  if (t.numel() != c || t.rank() != 1)
    return fail(error, std::string(what) + " " + shape_str(t.shape) + " must be [" + std::to_string(c) + "]");
  return true;
}

bool op_batch_norm(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                   std::string* error) {
  if (!need_inputs(inputs, 5, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  if (node.attr_i("training_mode", 0) != 0) return fail(error, "training_mode=1 is not supported (inference only)");
  for (size_t i = 1; i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty())
      return fail(error, "output " + std::to_string(i) + " (training statistics) is not supported (inference only)");
  if (opset < 9 && node.attr_i("spatial", 1) == 0) return fail(error, "spatial=0 is not supported");
  const Tensor& x = *inputs[0];
  if (x.rank() < 2) return fail(error, "input " + shape_str(x.shape) + " must have rank 2 or more");
  const int64_t c = x.shape[1];
  for (int k = 1; k < 5; ++k)
    if (!per_channel(*inputs[k], c, k == 1 ? "scale" : k == 2 ? "B" : k == 3 ? "mean" : "var", error)) return false;
  const double eps = node.attr_f("epsilon", 1e-5f);
  int64_t inner = 1;
  for (size_t d = 2; d < x.rank(); ++d) inner *= x.shape[d];
  const float *scale = inputs[1]->data<float>(), *bias = inputs[2]->data<float>(), *mean = inputs[3]->data<float>(),
              *var = inputs[4]->data<float>();
  Tensor y(DType::kFloat32, x.shape);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t ch = inner == 0 ? 0 : (i / inner) % c;
    py[i] = static_cast<float>((px[i] - static_cast<double>(mean[ch])) / std::sqrt(var[ch] + eps) * scale[ch] +
                               bias[ch]);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_instance_norm(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs,
                      std::string* error) {
  if (!need_inputs(inputs, 3, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.rank() < 3) return fail(error, "input " + shape_str(x.shape) + " must have rank 3 or more");
  const int64_t c = x.shape[1];
  if (!per_channel(*inputs[1], c, "scale", error) || !per_channel(*inputs[2], c, "B", error)) return false;
  const double eps = node.attr_f("epsilon", 1e-5f);
  const int64_t planes = x.shape[0] * c;
  const int64_t inner = planes == 0 ? 0 : x.numel() / planes;
  Tensor y(DType::kFloat32, x.shape);
  for (int64_t p = 0; p < planes; ++p) {
    const float* px = x.data<float>() + p * inner;
    float* py = y.data<float>() + p * inner;
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < inner; ++i) sum += px[i];
    const double mean = inner ? sum / inner : 0;
    for (int64_t i = 0; i < inner; ++i) sq += (px[i] - mean) * (px[i] - mean);
    const double inv = 1.0 / std::sqrt((inner ? sq / inner : 0) + eps);
    const double s = inputs[1]->data<float>()[p % c], b = inputs[2]->data<float>()[p % c];
    for (int64_t i = 0; i < inner; ++i) py[i] = static_cast<float>((px[i] - mean) * inv * s + b);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_layer_norm(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& scale = *inputs[1];
  const Tensor* bias = in(inputs, 2);
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", -1), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const std::vector<int64_t> norm_shape(x.shape.begin() + axis, x.shape.end());
  if (!broadcasts_to(scale.shape, norm_shape) || (bias && !broadcasts_to(bias->shape, norm_shape)))
    return fail(error, "Scale " + shape_str(scale.shape) + " or B does not broadcast to the normalized shape " +
                           shape_str(norm_shape));
  const double eps = node.attr_f("epsilon", 1e-5f);
  int64_t cols = 1;
  for (int64_t d : norm_shape) cols *= d;
  const int64_t rows = cols == 0 ? 0 : x.numel() / cols;
  const std::vector<int64_t> ss = broadcast_strides(scale.shape, norm_shape);
  const std::vector<int64_t> bs = bias ? broadcast_strides(bias->shape, norm_shape) : ss;
  // Offsets of Scale and B for each column of the normalized block.
  std::vector<int64_t> so(static_cast<size_t>(cols)), bo(static_cast<size_t>(cols));
  {
    const std::vector<int64_t> st[2] = {ss, bs};
    for_each_strided(norm_shape, st, [&](int64_t o, const int64_t* off) {
      so[o] = off[0];
      bo[o] = off[1];
    });
  }
  std::vector<int64_t> stat_shape(x.shape.begin(), x.shape.begin() + axis);
  stat_shape.resize(x.rank(), 1);
  Tensor y(DType::kFloat32, x.shape), mean_t(DType::kFloat32, stat_shape), inv_t(DType::kFloat32, stat_shape);
  for (int64_t r = 0; r < rows; ++r) {
    const float* px = x.data<float>() + r * cols;
    float* py = y.data<float>() + r * cols;
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < cols; ++i) sum += px[i];
    const double mean = sum / cols;
    for (int64_t i = 0; i < cols; ++i) sq += (px[i] - mean) * (px[i] - mean);
    const double inv = 1.0 / std::sqrt(sq / cols + eps);
    for (int64_t i = 0; i < cols; ++i) {
      double v = (px[i] - mean) * inv * scale.data<float>()[so[i]];
      if (bias) v += bias->data<float>()[bo[i]];
      py[i] = static_cast<float>(v);
    }
    mean_t.data<float>()[r] = static_cast<float>(mean);
    inv_t.data<float>()[r] = static_cast<float>(inv);
  }
  (*outputs)[0] = std::move(y);
  if (outputs->size() > 1) (*outputs)[1] = std::move(mean_t);
  if (outputs->size() > 2) (*outputs)[2] = std::move(inv_t);
  return true;
}

bool op_lp_norm(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  const Tensor& x = *inputs[0];
  int64_t axis;
  if (!normalize_axis(node.attr_i("axis", -1), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  const int64_t p = node.attr_i("p", 2);
  if (p != 1 && p != 2) return fail(error, "attribute 'p' must be 1 or 2");
  const int64_t len = x.shape[axis];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < x.rank(); ++d) inner *= x.shape[d];
  const int64_t outer = len * inner == 0 ? 0 : x.numel() / (len * inner);
  Tensor y(DType::kFloat32, x.shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float* px = x.data<float>() + o * len * inner + i;
      float* py = y.data<float>() + o * len * inner + i;
      double norm = 0;
      for (int64_t k = 0; k < len; ++k) norm += p == 1 ? std::fabs(px[k * inner]) : double(px[k * inner]) * px[k * inner];
      if (p == 2) norm = std::sqrt(norm);
      for (int64_t k = 0; k < len; ++k) py[k * inner] = static_cast<float>(px[k * inner] / norm);
    }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_mvn(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  const Tensor& x = *inputs[0];
  std::vector<int64_t> axes = node.attr_ints("axes", {0, 2, 3});
  if (!normalize_axes(&axes, static_cast<int64_t>(x.rank()), error)) return false;
  std::vector<int64_t> rshape = x.shape;
  for (int64_t a : axes) rshape[a] = 1;
  int64_t rn = 1;
  for (int64_t d : rshape) rn *= d;
  const int64_t count = rn == 0 ? 0 : x.numel() / rn;
  std::vector<int64_t> map(static_cast<size_t>(x.numel()));
  const std::vector<int64_t> st[1] = {broadcast_strides(rshape, x.shape)};
  for_each_strided(x.shape, st, [&](int64_t o, const int64_t* off) { map[o] = off[0]; });
  std::vector<double> sum(static_cast<size_t>(rn), 0.0), sq(static_cast<size_t>(rn), 0.0);
  const float* px = x.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    sum[map[i]] += px[i];
    sq[map[i]] += double(px[i]) * px[i];
  }
  Tensor y(DType::kFloat32, x.shape);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double mean = sum[map[i]] / count;
    const double sd = std::sqrt(std::max(0.0, sq[map[i]] / count - mean * mean));
    y.data<float>()[i] = static_cast<float>((px[i] - mean) / (sd + 1e-9));
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_lrn(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error) || !all_float(inputs, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.rank() < 3) return fail(error, "input " + shape_str(x.shape) + " must have rank 3 or more");
  const int64_t size = node.attr_i("size", 0);
  if (size < 1) return fail(error, "attribute 'size' must be positive");
  const double alpha = node.attr_f("alpha", 1e-4f), beta = node.attr_f("beta", 0.75f), bias = node.attr_f("bias", 1.0f);
  const int64_t c = x.shape[1];
  const int64_t inner = x.shape[0] * c == 0 ? 0 : x.numel() / (x.shape[0] * c);
  const int64_t lo = (size - 1) / 2, hi = (size - 1) - lo;  // floor and ceil of (size-1)/2
  Tensor y(DType::kFloat32, x.shape);
  const float* px = x.data<float>();
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        double s = 0;
        for (int64_t k = std::max<int64_t>(0, ch - lo); k <= std::min(c - 1, ch + hi); ++k) {
          const double v = px[(n * c + k) * inner + i];
          s += v * v;
        }
        const int64_t idx = (n * c + ch) * inner + i;
        y.data<float>()[idx] = static_cast<float>(px[idx] / std::pow(bias + alpha / size * s, beta));
      }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> norm_ops() {
  return {{"BatchNormalization", op_batch_norm},
          {"InstanceNormalization", op_instance_norm},
          {"LayerNormalization", op_layer_norm},
          {"LpNormalization", op_lp_norm},
          {"LRN", op_lrn},
          {"MeanVarianceNormalization", op_mvn}};
}

}  // namespace octet::cvt::fops

// QuantizeLinear, DequantizeLinear (per tensor or per axis; int8 / uint8, and
// int32 for dequantization) and DynamicQuantizeLinear. Quantization is
// saturate(round_half_to_even(x / scale) + zero_point), the division in float as
// ONNX's reference does it.
#include <algorithm>
#include <cmath>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

// Per-tensor (one value) or per-axis (one per slice of `axis`) parameters; for
// element i, the parameter index is (i / inner) % count.
struct AxisParams {
  int64_t inner = 1, count = 1;
  int64_t at(int64_t i) const { return count == 1 ? 0 : (i / inner) % count; }
};

bool axis_params(const Node& node, int64_t opset, const Tensor& x, const Tensor& scale, const Tensor* zp,
                 AxisParams* ap, std::string* error) {
  if (scale.dtype != DType::kFloat32) return fail(error, "the scale must be float32, not " + dname(scale.dtype));
  if (zp && zp->shape != scale.shape && !(zp->numel() == 1 && scale.numel() == 1))
    return fail(error, "the zero point " + shape_str(zp->shape) + " and the scale " + shape_str(scale.shape) + " differ in shape");
  if (scale.numel() == 1 && scale.rank() <= 1) return true;
  if (scale.rank() != 1) return fail(error, "the scale must be a scalar or 1-D, not " + shape_str(scale.shape));
  int64_t axis;
  if (!normalize_axis(opset < 13 ? 1 : node.attr_i("axis", 1), static_cast<int64_t>(x.rank()), &axis, error)) return false;
  if (scale.shape[0] != x.shape[axis])
    return fail(error, "the scale has " + std::to_string(scale.shape[0]) + " values for axis " + std::to_string(axis) +
                           " of size " + std::to_string(x.shape[axis]));
  ap->count = scale.shape[0];
  ap->inner = 1;
  for (size_t d = axis + 1; d < x.rank(); ++d) ap->inner *= x.shape[d];
  return true;
}

template <typename T>
T quantize(float x, float scale, int32_t zp) {
  const float q = std::nearbyint(x / scale);  // ties to even in the default rounding mode
  return saturate_cast<T>(static_cast<double>(q) + zp);
}

bool op_quantize(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                 std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& scale = *inputs[1];
  const Tensor* zp = in(inputs, 2);
  if (x.dtype != DType::kFloat32 && x.dtype != DType::kInt32)
    return fail(error, "input must be float32 or int32, not " + dname(x.dtype));
  const DType yt = zp ? zp->dtype : DType::kUInt8;
  if (yt != DType::kUInt8 && yt != DType::kInt8) return fail(error, "the zero point must be uint8 or int8");
  if (node.attr_i("saturate", 1) == 0) return fail(error, "saturate=0 only applies to float8 outputs");
  AxisParams ap;
  if (!axis_params(node, opset, x, scale, zp, &ap, error)) return false;
  Tensor y(yt, x.shape);
  const float* ps = scale.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t k = ap.at(i);
    const int32_t z = zp ? static_cast<int32_t>(zp->get_i(k)) : 0;
    const float v = static_cast<float>(x.get_f(i));
    if (yt == DType::kUInt8) y.data<uint8_t>()[i] = quantize<uint8_t>(v, ps[k], z);
    else y.data<int8_t>()[i] = quantize<int8_t>(v, ps[k], z);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_dequantize(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs,
                   std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  const Tensor& scale = *inputs[1];
  const Tensor* zp = in(inputs, 2);
  if (x.dtype != DType::kUInt8 && x.dtype != DType::kInt8 && x.dtype != DType::kInt32)
    return fail(error, "input must be uint8, int8 or int32, not " + dname(x.dtype));
  if (zp && zp->dtype != x.dtype) return fail(error, "the zero point is " + dname(zp->dtype) + ", the input " + dname(x.dtype));
  AxisParams ap;
  if (!axis_params(node, opset, x, scale, zp, &ap, error)) return false;
  if (x.dtype == DType::kInt32 && zp)
    for (int64_t k = 0; k < zp->numel(); ++k)
      if (zp->get_i(k) != 0) return fail(error, "an int32 input needs a zero point of 0");
  Tensor y(DType::kFloat32, x.shape);
  const float* ps = scale.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t k = ap.at(i);
    const int64_t z = zp ? zp->get_i(k) : 0;
    y.data<float>()[i] = static_cast<float>(x.get_i(i) - z) * ps[k];
  }
  (*outputs)[0] = std::move(y);
  return true;
}

// DynamicQuantizeLinear: uint8, the range widened to include 0.
bool op_dynamic_quantize(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 3, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kFloat32) return fail(error, "input must be float32");
  float lo = 0, hi = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float v = x.data<float>()[i];
    if (!std::isfinite(v)) return fail(error, "the input holds a non-finite value");
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const float scale = (hi - lo) / 255.0f;
  uint8_t zp = 0;
  if (scale != 0) zp = saturate_cast<uint8_t>(std::nearbyint(0.0f - lo / scale));
  Tensor y(DType::kUInt8, x.shape);
  for (int64_t i = 0; i < x.numel(); ++i)
    y.data<uint8_t>()[i] = scale == 0 ? zp : quantize<uint8_t>(x.data<float>()[i], scale, zp);
  (*outputs)[0] = std::move(y);
  (*outputs)[1] = Tensor::scalar_f(scale);
  Tensor z(DType::kUInt8, {});
  z.data<uint8_t>()[0] = zp;
  (*outputs)[2] = std::move(z);
  return true;
}

}  // namespace

std::vector<OpEntry> quant_ops() {
  return {{"DequantizeLinear", op_dequantize},
          {"DynamicQuantizeLinear", op_dynamic_quantize},
          {"QuantizeLinear", op_quantize}};
}

}  // namespace octet::cvt::fops

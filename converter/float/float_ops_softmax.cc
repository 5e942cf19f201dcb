// Softmax, LogSoftmax, Hardmax. Before opset 13 the input is coerced to 2-D at
// `axis` (default 1) and normalized over the whole trailing block; from 13 over
// the single axis (default -1).
#include <cmath>
#include <limits>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

enum class Kind { kSoftmax, kLogSoftmax, kHardmax };

template <Kind K>
bool softmax(const Node& node, int64_t opset, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& x = *inputs[0];
  if (x.dtype != DType::kFloat32) return fail(error, "input must be float32, not " + dname(x.dtype));
  const int64_t rank = static_cast<int64_t>(x.rank());
  const bool coerce = opset < 13;
  int64_t axis;
  // A scalar has nothing to normalize over; treat it as one element.
  if (rank == 0) {
    axis = 0;
  } else if (!normalize_axis(node.attr_i("axis", coerce ? 1 : -1), rank, &axis, error)) {
    return false;
  }
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) outer *= x.shape[d];
    else if (d == axis || coerce) len *= x.shape[d];
    else inner *= x.shape[d];
  }
  Tensor y(DType::kFloat32, x.shape);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * len * inner + i;
      double mx = -std::numeric_limits<double>::infinity();
      int64_t arg = 0;
      for (int64_t k = 0; k < len; ++k) {
        const double v = px[base + k * inner];
        if (v > mx) {
          mx = v;
          arg = k;
        }
      }
      if (K == Kind::kHardmax) {
        for (int64_t k = 0; k < len; ++k) py[base + k * inner] = k == arg ? 1.0f : 0.0f;
        continue;
      }
      double sum = 0;
      for (int64_t k = 0; k < len; ++k) sum += std::exp(px[base + k * inner] - mx);
      for (int64_t k = 0; k < len; ++k) {
        const double t = px[base + k * inner] - mx;
        py[base + k * inner] = static_cast<float>(K == Kind::kSoftmax ? std::exp(t) / sum : t - std::log(sum));
      }
    }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> softmax_ops() {
  return {{"Hardmax", softmax<Kind::kHardmax>},
          {"LogSoftmax", softmax<Kind::kLogSoftmax>},
          {"Softmax", softmax<Kind::kSoftmax>}};
}

}  // namespace octet::cvt::fops

// Cast and CastLike between float32, int64, int32, int8, uint8 and bool. Float to
// integer truncates toward zero and saturates (ONNX leaves overflow undefined;
// saturation keeps it defined); integer to integer wraps like C and numpy.
#include <cmath>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

bool cast_to(const Tensor& x, DType to, Tensor* y) {
  *y = Tensor(to, x.shape);
  const int64_t n = x.numel();
  visit_dtype(to, [&](auto tag) {
    using T = decltype(tag);
    T* py = y->data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if (to == DType::kBool) {
        py[i] = x.get_f(i) != 0 ? 1 : 0;
      } else if constexpr (std::is_floating_point<T>::value) {
        py[i] = static_cast<T>(x.dtype == DType::kInt64 ? static_cast<double>(x.get_i(i)) : x.get_f(i));
      } else if (x.dtype == DType::kFloat32) {
        py[i] = saturate_cast<T>(std::trunc(x.get_f(i)));
      } else {
        py[i] = static_cast<T>(x.get_i(i));
      }
    }
    return true;
  });
  return true;
}

bool op_cast(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 1, error) || !need_outputs(outputs, 1, error)) return false;
  if (!node.has("to")) return fail(error, "attribute 'to' is missing");
  DType to;
  if (!dtype_from_onnx(node.attr_i("to", 0), &to, error)) return false;
  return cast_to(*inputs[0], to, &(*outputs)[0]);
}

bool op_cast_like(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  return cast_to(*inputs[0], inputs[1]->dtype, &(*outputs)[0]);
}

}  // namespace

std::vector<OpEntry> cast_ops() { return {{"Cast", op_cast}, {"CastLike", op_cast_like}}; }

}  // namespace octet::cvt::fops

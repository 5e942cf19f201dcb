#include "runtime/ops/registry.h"

#include "octet/schema/octet_generated.h"

namespace octet::rt {

Status create_operator(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  using T = fb::OperatorOptions;
  switch (c.op->options_type()) {
    case T::Conv2DOptions: return create_conv2d(c, out);
    case T::FullyConnectedOptions: return create_fully_connected(c, out);
    case T::BinaryOptions: return create_binary(c, out);
    case T::ConcatOptions: return create_concat(c, out);
    case T::Pool2DOptions: return create_pool2d(c, out);
    case T::GlobalAveragePoolOptions: return create_global_average_pool(c, out);
    case T::UnaryOptions: return create_unary(c, out);
    case T::ReshapeOptions: return create_reshape(c, out);
    case T::TransposeOptions: return create_transpose(c, out);
    case T::ResizeOptions: return create_resize(c, out);
    case T::PadOptions: return create_pad(c, out);
    case T::SoftmaxOptions: return create_softmax(c, out);
    case T::QuantizeOptions: return create_quantize(c, out);
    case T::DequantizeOptions: return create_dequantize(c, out);
    case T::RequantizeOptions: return create_requantize(c, out);
    case T::SliceOptions: return create_slice(c, out);
    case T::BatchMatMulOptions: return create_batch_matmul(c, out);
    case T::LayerNormOptions: return create_layer_norm(c, out);
    case T::ReduceOptions: return create_reduce(c, out);
    default: break;
  }
  return c.error(OCTET_UNSUPPORTED) << "unknown operator kind " << static_cast<int>(c.op->options_type());
}

}  // namespace octet::rt

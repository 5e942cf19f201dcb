// One create function per operator kind; create_operator() dispatches on the
// options union's type.
#pragma once

#include <memory>

#include "runtime/operator.h"

namespace octet::rt {

Status create_conv2d(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_fully_connected(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_binary(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_concat(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_pool2d(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_global_average_pool(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_unary(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_reshape(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_transpose(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_resize(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_pad(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_softmax(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_quantize(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_dequantize(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_requantize(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_slice(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_batch_matmul(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_layer_norm(const OpBuildContext& c, std::unique_ptr<Operator>* out);
Status create_reduce(const OpBuildContext& c, std::unique_ptr<Operator>* out);

}  // namespace octet::rt

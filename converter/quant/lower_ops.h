// Internal to the lowering: one function per family of ONNX operators.
#pragma once

#include "converter/quant/lower_context.h"

namespace octet::cvt {

bool lower_conv(LowerContext& ctx, size_t k, bool int8);
bool lower_fully_connected(LowerContext& ctx, size_t k, bool int8);
bool lower_binary(LowerContext& ctx, size_t k, bool int8);
bool lower_concat(LowerContext& ctx, size_t k, bool int8);
bool lower_pool(LowerContext& ctx, size_t k, bool int8);
bool lower_unary(LowerContext& ctx, size_t k, bool int8);
bool lower_layout(LowerContext& ctx, size_t k, bool int8);  // Reshape family, Transpose, DepthToSpace, Pad
bool lower_resize(LowerContext& ctx, size_t k, bool int8);
bool lower_softmax(LowerContext& ctx, size_t k, bool int8);

// Whether the op type has an int8 lowering, and whether it has any; the reason
// when it doesn't.
bool has_int8_kernel(const Graph& g, const Node& n, std::string* why);
bool has_lowering(const Node& n);

}  // namespace octet::cvt

namespace octet::cvt {
bool lower_layer_norm(LowerContext& ctx, size_t k);
bool lower_reduce(LowerContext& ctx, size_t k, bool int8);
bool lower_batch_matmul(LowerContext& ctx, size_t k, bool int8);
bool is_unary_op(const Graph& g, const Node& n);
// Lowers node k and the element-wise steps after it as one int8 table when they
// form a chain (see lower_elementwise.cc); *handled false when they don't.
bool lower_unary_chain(LowerContext& ctx, size_t k, bool* handled);
}  // namespace octet::cvt

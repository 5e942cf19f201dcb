// The converter's float reference executor, one function per ONNX operator type,
// with ONNX semantics (NCHW, numpy broadcasting, the opset's attribute rules).
// Used for constant folding, calibration and as the float baseline of the
// per-layer quality report; checked against ONNX's own backend node tests.
#pragma once

#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace octet::cvt {

// Computes node's outputs from its inputs (nullptr for an absent optional input).
// `outputs` arrives with node.outputs.size() empty tensors. Returns false with a
// message naming the attribute or shape at fault when the node can't be run.
using FloatOpFn = bool (*)(const Node& node, int64_t opset, const std::vector<const Tensor*>& inputs,
                           std::vector<Tensor>* outputs, std::string* error);

// nullptr when the op type (default ONNX domain) has no float implementation.
FloatOpFn find_float_op(const std::string& op_type);
// Every op type find_float_op knows, sorted.
std::vector<std::string> float_op_types();

}  // namespace octet::cvt

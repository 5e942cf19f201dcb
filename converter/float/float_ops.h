// The converter's float reference executor, one function per ONNX operator type,
// with ONNX semantics (NCHW, numpy broadcasting, the opset's attribute rules).
// Used for constant folding, calibration and as the float baseline of the
// per-layer quality report; checked against ONNX's own backend node tests.
#pragma once

#include <cstdint>
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

// What the float reference may allocate: elements in one tensor, and bytes held at
// once by one executor run or one constant-folding pass. A shape that asks for more
// (a hostile or broken model: ConstantOfShape of 2^28, Expand in a loop) fails with
// a message instead of exhausting memory. The defaults sit far above any CNN; the
// fuzz targets lower them.
struct FloatLimits {
  int64_t max_elements = int64_t{1} << 28;
  int64_t max_held_bytes = 0;  // 0: half the machine's physical memory
};
FloatLimits float_limits();  // max_held_bytes resolved
void set_float_limits(const FloatLimits& limits);
// false with a message when `held` bytes exceed the limit; `what` names the holder.
bool check_held_bytes(int64_t held, const std::string& what, std::string* error);

}  // namespace octet::cvt

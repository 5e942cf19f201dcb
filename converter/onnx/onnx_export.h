// --emit-qdq: the converter's graph written back as ONNX (opset 17) with the
// quantization octet chose as QuantizeLinear / DequantizeLinear nodes: int8
// weights per output channel, int32 biases, a Q/DQ pair on every value octet
// holds in int8. ONNX Runtime (or any QDQ consumer) then runs the same quantized
// model, for cross-checks and speed comparisons.
#pragma once

#include <string>

#include "converter/ir/graph.h"
#include "converter/quant/lower.h"

namespace octet::cvt {

bool export_qdq_onnx(const Graph& g, const LowerResult& lowered, const std::string& path, std::string* error);

}  // namespace octet::cvt

// Lowering: the converter's float graph (ONNX semantics, NCHW) -> an .octet model.
// Decides per node whether it runs in INT8 or float (with Quantize / Dequantize at
// region borders), stores 4-D image tensors as NHWC (inserting Transpose where an
// ONNX op needs NCHW element order), fuses activations into their producers,
// quantizes weights (int8 symmetric per output channel), biases (int32) and writes
// each layer's requantization.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/ir/graph.h"
#include "converter/writer/model_writer.h"

namespace octet::cvt {

struct LowerOptions {
  bool int8 = true;                         // false: every op in float
  std::map<std::string, Range> ranges;      // activation ranges (int8)
  std::set<std::string> keep_float;         // node names forced into float
  bool probe = false;                       // also output every mapped value (quality report)
};

struct DispatchEntry {
  std::string node, op_type;
  bool int8 = false;
  std::string reason;  // why float, or what it was fused with
};

// Where an IR value lives in the written model.
struct ValueMapping {
  int tensor = -1;
  bool nhwc = false;  // the octet tensor is the NHWC transpose of the 4-D ONNX value
  bool int8 = false;
  std::string output_name;  // graph output name in probe mode
  bool quantized = false;   // int8, or a float value quantized for int8 consumers
  float scale = 0;          // then: the quantization
  int32_t zero_point = 0;
};

// How a layer's constants were quantized, in the source model's (ONNX) layout,
// so the same quantization can be written back as QDQ ONNX.
struct WeightQuant {
  std::string weights, bias;  // constant names in the graph ("" for no bias)
  std::vector<float> scales;  // per output channel
  int axis = 0;               // output-channel axis of the ONNX weight tensor
  float input_scale = 0;      // bias scale = input_scale * scales[c]
};

struct LowerResult {
  std::vector<DispatchEntry> dispatch;
  std::map<std::string, ValueMapping> values;
  std::vector<WeightQuant> weights;
  size_t int8_ops = 0, float_ops = 0;
};

// Whether octet can run the node at all (int8 or float).
bool has_lowering(const Node& n);
// One line per node octet can't run ("" when none).
std::string unsupported_nodes(const Graph& g);

// Every value lowering needs a range for (int8), so calibration observes them.
std::set<std::string> values_needing_ranges(const Graph& g);

// The element-wise function (a chain of unary steps, as the lowering fuses them into
// one int8 table) that is the only reader of v, or nullptr.
std::function<double(double)> elementwise_reader(const Graph& g, const std::string& v);

bool lower_graph(const Graph& g, const LowerOptions& options, ModelWriter* writer, LowerResult* result,
                 std::string* error);

}  // namespace octet::cvt

// Empirical bias correction (Nagel et al. 2019, Section 4.2; AIMET's
// "empirical" variant): for every Conv, Gemm and MatMul with constant weights that
// the lowering runs in INT8, the mean error that layer's own quantization adds to
// each output channel on the calibration samples,
//   delta_c = mean over samples and output positions of [op(Wq, FQ(x)) - op(W, x)]_c,
// is subtracted from its bias. x is the layer's float input (float executor),
// FQ(x) its quantize-dequantize under the activation quantization the lowering
// gives that input, Wq the weights as the lowering quantizes them
// (converter/quant/weight_quant.h). op is the float executor's own Conv / Gemm /
// MatMul, so padding is exact. Activation ranges are not touched.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/ir/graph.h"
#include "converter/quant/lower.h"

namespace octet::cvt {

// float_graph: the reference the errors are measured on. lowered_graph: a copy of
// it (same nodes and value names) whose biases are corrected; it is what gets
// lowered with `options` afterwards. A layer without a bias gets one (a MatMul an
// Add the lowering fuses as its bias). Does nothing to pre-quantized models
// (Graph::quant not empty) or float lowerings. `log` gets one summary line.
bool correct_biases(const Graph& float_graph, Graph* lowered_graph, const LowerOptions& options, size_t samples,
                    const SampleLoader& load, std::vector<std::string>* log, std::string* error);

// The corrected graph with the layers in `float_nodes` given back their original
// constants (the bias an Add inserted for a MatMul becomes zero): a layer that runs
// in float makes no rounding error to correct.
Graph with_float_biases(const Graph& corrected, const Graph& original, const std::set<std::string>& float_nodes);

}  // namespace octet::cvt

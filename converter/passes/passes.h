// Graph passes on the converter's IR. Each keeps ONNX semantics (the float
// reference executor can run the graph after any of them) and returns false
// with a message naming the node at fault.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace octet::cvt {

// Pre-quantized models (QDQ and QOperator): records the scales and zero points
// the model fixed in Graph::quant and leaves the float graph (converter/passes/qdq.cc).
bool import_quantization(Graph* g, std::vector<std::string>* log, std::string* error);

// Fixes every value's shape by running the graph once on zeros, replaces Shape
// (and Size) of known shapes by constants, evaluates every node whose inputs are
// all constant, and drops what nobody reads. Repeats until nothing changes.
bool fold_constants(Graph* g, std::string* error);

// Removes Identity and inference-mode Dropout.
void remove_identities(Graph* g);

// Conv/ConvTranspose/Gemm followed by BatchNormalization: BN folded into the
// weights and bias. A BatchNormalization left alone becomes a 1x1 depthwise Conv.
bool fold_batchnorm(Graph* g, std::string* error);

// Mul / Add / Sub by a per-channel (or scalar) constant right after a Conv,
// ConvTranspose or Gemm that nothing else reads: folded into its weights and bias,
// as a BatchNormalization is (the "learnable affine" blocks of PP-LCNet). Returns
// how many were folded.
size_t fold_affine_into_producer(Graph* g);

// Pad (constant 0, spatial axes only) before a Conv is folded into its pads.
void fold_pad_into_conv(Graph* g);

// ConvTranspose with kernel == stride and no padding: a 1x1 Conv to
// C_out*k*k channels then DepthToSpace (CRD), which is exact.
void decompose_conv_transpose(Graph* g);

// Div by a constant becomes Mul by its reciprocal; Sub of a constant becomes Add
// of its negation (so both map onto the int8 kernels).
void canonicalize_arithmetic(Graph* g);

// x * Clip(x + 3, 0, 6) / 6 (and x * HardSigmoid(x) with alpha 1/6, beta 1/2)
// become HardSwish; the ReduceMean/Sub/Pow/Sqrt/Div chain of a layer norm over the
// last axis becomes LayerNormalization.
void recognize_patterns(Graph* g);

// Cross-layer equalization (converter/passes/equalize.cc): Conv -> [Relu, LeakyRelu,
// PRelu or nothing] -> Conv, each value with that one reader, gets per-channel
// scales s_c moved from A's output channels to B's input channels, swept until they
// settle. Float results are unchanged up to rounding. Opt-in
// (ConvertOptions::equalize), not part of run_graph_passes; nothing is done to
// pre-quantized models.
enum class EqualizeRule {
  kWeights,     // data-free DFQ: s_c = sqrt(max|W_A[c]| / max|W_B[:, c]|)
  kBalance,     // s_c ~ sqrt(r_c / max|W_B[:, c]|), r_c activation channel c's span
  kActivation,  // s_c ~ r_c: every activation channel gets the same span
};
const char* equalize_rule_name(EqualizeRule r);

struct ChannelRanges;  // converter/calib/channel_ranges.h
struct EqualizeOptions {
  EqualizeRule rule = EqualizeRule::kWeights;
  // Per-channel ranges of equalization_values(g), for the activation rules.
  const std::map<std::string, ChannelRanges>* channel_ranges = nullptr;
};

// The values between equalizable pairs that the lowering quantizes per tensor (the
// activation output, and A's output when the activation is not a Relu fused into
// A): what the activation rules need per-channel ranges of.
std::set<std::string> equalization_values(const Graph& g);

// With the data-free rule (kWeights).
bool equalize_cross_layer(Graph* g, std::vector<std::string>* log, std::string* error);
bool equalize_cross_layer(Graph* g, const EqualizeOptions& options, std::vector<std::string>* log,
                          std::string* error);

// Everything above but equalize_cross_layer, in order; `log` collects one line per
// change worth reporting.
bool run_graph_passes(Graph* g, std::vector<std::string>* log, std::string* error);

}  // namespace octet::cvt

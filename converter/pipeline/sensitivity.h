// Sensitivity-driven precision: how much each INT8 layer adds to the error of the
// model's outputs, measured on the runtime itself (PPQ's layer-wise analysis: one
// layer in INT8 at a time, everything else float), and which layers to keep in
// float under a budget (a count, or an output error with a cap on float MACs).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/quant/lower.h"

namespace octet::cvt {

// Runs lowerings of one graph on the runtime and compares their outputs with the
// float executor's on fixed samples.
class ModelProbe {
 public:
  // reference: the float graph the errors are measured against (same inputs and
  // outputs as the graphs lowered later).
  ModelProbe(const Graph& reference, std::vector<std::map<std::string, Tensor>> samples);
  bool init(std::string* error);  // runs the float executor once per sample
  // The graphs lowered later are bias corrected (converter/calib/bias_correction.h):
  // the layers each lowering keeps in float get `original`'s biases back.
  void restore_float_biases_from(const Graph* original) { original_ = original; }
  // Relative output error of `lowered` under `options`: squared error over squared
  // signal, per output and sample, averaged. 1e-2 is an SQNR of 20 dB.
  bool error_of(const Graph& lowered, const LowerOptions& options, double* relative_error, std::string* error) const;
  // Median latency (ms, one thread) of `runs` invokes after one warm-up.
  bool latency_of(const Graph& lowered, const LowerOptions& options, int runs, double* ms, std::string* error) const;

 private:
  const Graph& g_;
  const Graph* original_ = nullptr;
  std::vector<std::map<std::string, Tensor>> samples_;
  std::vector<std::map<std::string, std::vector<float>>> reference_;
};

// Multiply-accumulates of a node (Conv, ConvTranspose, Gemm, MatMul; 0 for others).
double node_macs(const Graph& g, const Node& n);

struct LayerSensitivity {
  std::string node, op_type;
  double relative_error = 0;  // of the outputs with only this layer in INT8
  double macs = 0;
  std::vector<std::string> fused;  // nodes the lowering fuses into it (kept with it)
  // The ranked layers next to it (through layout ops): they share its 8-bit
  // inputs or output, whose rounding stays while any of them is INT8.
  std::vector<std::string> producers, readers;
};

// The INT8 layers of a full INT8 lowering (what `dispatch` says ran in INT8,
// less the layout ops, which round nothing), each measured alone; most harmful
// first. `options` is the full INT8 lowering's (its keep_float stays float).
bool measure_sensitivity(const ModelProbe& probe, const Graph& lowered, const LowerOptions& options,
                         const LowerResult& full_int8, std::vector<LayerSensitivity>* ranking, bool progress,
                         std::string* error);

// Which layers go to float: down the ranking, each layer that lowers the whole
// model's output error (measured) is kept in float, alone or with the layers
// reading its output or producing its inputs (whichever lowers it most), until
// `keep_float` layers are, or the error is at most `max_error` (within
// `max_float_macs` of the MACs).
struct PrecisionBudget {
  size_t keep_float = 0;
  double max_error = 0;          // relative output error (0: off)
  double max_float_macs = 0.05;  // share of the model's MACs kept in float, at most (with max_error)
};

struct PrecisionChoice {
  std::set<std::string> float_nodes;  // layers (and their fused nodes) kept in float
  size_t layers = 0;
  double float_macs = 0, total_macs = 0;
  double relative_error = 0;  // of the outputs with that choice
  bool met = true;            // max_error reached within the MAC cap
};

bool choose_float_layers(const ModelProbe& probe, const Graph& lowered, const LowerOptions& options,
                         const std::vector<LayerSensitivity>& ranking, const PrecisionBudget& budget,
                         PrecisionChoice* choice, std::string* error);

}  // namespace octet::cvt

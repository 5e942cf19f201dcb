// octet-convert's pipeline: import, graph passes, calibration, lowering, writing,
// and the per-layer quality report (INT8 against float on calibration inputs).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/io/image.h"
#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/quant/lower.h"

namespace octet::cvt {

struct ConvertOptions {
  std::string input_path, output_path;
  ImportOptions import;
  bool quantize = true;              // false: a float model (no calibration)
  std::string calib_path;            // folder of images / .npy / .bin samples
  size_t calib_limit = 0;            // use at most this many samples (0: all)
  CalibOptions calib;
  std::string calib_cache;           // JSON reused when it matches model and method
  ImagePreprocess preprocess;        // for image samples (size defaults to the input's)
  std::set<std::string> keep_float;  // node names kept in float
  // Sensitivity-driven precision (converter/pipeline/sensitivity.h).
  bool sensitivity = false;          // measure and print the ranking
  size_t keep_float_count = 0;       // keep the N most sensitive layers in float
  double max_error = 0;              // or the fewest that bring the output error to this
  double max_float_macs = 0.05;      // cap on the share of MACs kept in float (with max_error)
  size_t sensitivity_samples = 4;    // calibration samples the analysis runs
  size_t report_samples = 4;         // samples the per-layer report runs (0: none)
  bool report_steps = false;         // the per-layer report after each quality step
  std::string report_json;           // per-layer report as JSON
  std::string emit_qdq;              // also write the quantization as a QDQ ONNX model
  size_t report_rows = 10;           // worst layers printed
  bool verbose = true;
  bool equalize = false;             // cross-layer equalization before calibration
  EqualizeRule equalize_rule = EqualizeRule::kBalance;
  size_t equalize_samples = 16;      // calibration samples its channel ranges use (0: all)
  bool bias_correction = false;      // per-channel bias correction of INT8 layers
};

struct LayerQuality {
  std::string value, node, op_type;
  double sqnr_db = 0, cosine = 0;
  bool int8 = false;
};

struct ConvertResult {
  std::vector<std::string> pass_log;
  LowerResult lowered;
  std::vector<LayerQuality> layers;  // worst first
  std::map<std::string, LayerQuality> outputs;  // graph outputs
  size_t calib_samples = 0;
  double float_mac_fraction = 0;     // share of the model's MACs lowered in float
  struct Sensitivity {
    std::string node, op_type;
    double sqnr_db = 0, mac_fraction = 0;
    bool kept_float = false;
  };
  std::vector<Sensitivity> sensitivity;  // most harmful first (when measured)
  size_t float_layers = 0;               // chosen by the budget
  double sqnr_all_int8_db = 0, sqnr_chosen_db = 0;  // outputs, on the sensitivity samples
  double ms_all_int8 = 0, ms_chosen = 0;            // one thread, this machine
  // With report_steps: per step (min-max, the calibration method, equalization,
  // bias correction, float layers) the SQNR of every value and of the outputs.
  struct Step {
    std::string name;
    double output_sqnr_db = 0;
    std::map<std::string, double> sqnr_db;
  };
  std::vector<Step> steps;
};

bool convert_model(const ConvertOptions& options, ConvertResult* result, std::string* error);

// Prints the dispatch summary (how many ops INT8 / float, which and why).
void print_dispatch_summary(const LowerResult& r, FILE* out);

}  // namespace octet::cvt

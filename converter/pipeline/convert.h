// octet-convert's pipeline: import, graph passes, calibration, lowering, writing,
// and the per-layer quality report (INT8 against float on calibration inputs).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/io/image.h"
#include "converter/onnx/onnx_import.h"
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
  size_t report_samples = 4;         // samples the per-layer report runs (0: none)
  std::string report_json;           // per-layer report as JSON
  std::string emit_qdq;              // also write the quantization as a QDQ ONNX model
  size_t report_rows = 10;           // worst layers printed
  bool verbose = true;
  bool equalize = false;             // cross-layer equalization before calibration
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
};

bool convert_model(const ConvertOptions& options, ConvertResult* result, std::string* error);

// Prints the dispatch summary (how many ops INT8 / float, which and why).
void print_dispatch_summary(const LowerResult& r, FILE* out);

}  // namespace octet::cvt

// Activation ranges from real inputs: the float reference executor runs the graph
// on every calibration sample while the calibrator watches chosen values.
// Methods: min-max; percentile; KL-divergence entropy over 2048-bin histograms
// (as TensorRT describes it). Percentile and entropy take a second pass, with
// each histogram spanning the value's min-max range from the first.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace octet::cvt {

enum class CalibMethod { kMinMax, kPercentile, kEntropy };
const char* calib_method_name(CalibMethod m);
bool parse_calib_method(const std::string& s, CalibMethod* m);

struct Range {
  float lo = 0, hi = 0;
};

struct CalibOptions {
  CalibMethod method = CalibMethod::kMinMax;
  double percentile = 99.99;
  int bins = 2048;
  bool progress = true;  // a progress bar on stderr
};

// Loads calibration sample i (graph input name -> tensor).
using SampleLoader = std::function<bool(size_t i, std::map<std::string, Tensor>* inputs, std::string* error)>;

// Observes `values` (float values of g) over `count` samples; ranges out.
bool calibrate(const Graph& g, const std::set<std::string>& values, size_t count, const SampleLoader& load,
               const CalibOptions& options, std::map<std::string, Range>* ranges, std::string* error);

// KL-divergence threshold: the number of leading bins (>= levels) of `hist`
// whose quantization into `levels` levels loses the least information.
size_t entropy_threshold_bins(const std::vector<double>& hist, size_t levels);

// Cache file (JSON): {"source_sha256": "...", "method": "...", "config": "...",
// "ranges": {"v": [lo, hi], ...}}. `config` is a digest of everything else the
// ranges depend on (method parameters, samples, preprocessing).
bool write_calib_cache(const std::string& path, const std::string& sha, CalibMethod m, const std::string& config,
                       const std::map<std::string, Range>& ranges, std::string* error);
// false when the file is absent or unreadable (error says why); `usable` false when
// it belongs to another model, method or configuration.
bool read_calib_cache(const std::string& path, const std::string& sha, CalibMethod m, const std::string& config,
                      std::map<std::string, Range>* ranges, bool* usable, std::string* error);

}  // namespace octet::cvt

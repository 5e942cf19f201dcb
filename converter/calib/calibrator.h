// Activation ranges from real inputs: the float reference executor runs the graph
// on every calibration sample while the calibrator watches chosen values.
// Methods: min-max; percentile; KL-divergence entropy over 2048-bin histograms
// (as TensorRT describes it); MSE: the clipping range whose 8-bit quantization (the
// scale and zero point the lowering derives from it) gives the least squared error
// over the value's histogram. Percentile, entropy and MSE take a second pass, with
// each histogram spanning the value's min-max range from the first.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace octet::cvt {

enum class CalibMethod { kMinMax, kPercentile, kEntropy, kMse };
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
  // MSE: for a value whose only reader is an element-wise function f (an int8
  // table: HardSwish, Sigmoid, a scalar affine...), the error that counts is
  // f(dequantized) - f(value): a side f flattens can be clipped at no cost.
  std::map<std::string, std::function<double(double)>> reader_function;
};

// Loads calibration sample i (graph input name -> tensor).
using SampleLoader = std::function<bool(size_t i, std::map<std::string, Tensor>* inputs, std::string* error)>;

// Observes `values` (float values of g) over `count` samples; ranges out, and the
// plain min-max ranges in *observed when given (so callers can report what a method
// clipped).
bool calibrate(const Graph& g, const std::set<std::string>& values, size_t count, const SampleLoader& load,
               const CalibOptions& options, std::map<std::string, Range>* ranges, std::string* error,
               std::map<std::string, Range>* observed = nullptr);

// Runs the float executor on `count` samples and shows `visit` every float value in
// `values` (graph inputs included) as it is computed; a progress bar with a label.
bool observe_values(const Graph& g, const std::set<std::string>& values, size_t count, const SampleLoader& load,
                    const char* progress_label, const std::function<void(const std::string&, const Tensor&)>& visit,
                    std::string* error);

// The int8 scale and zero point of a range, as the lowering derives them: the range
// widened to hold 0, scale (hi - lo) / 255, zero point round(-128 - lo / scale).
void range_qparams(float lo, float hi, double* scale, int32_t* zero_point);

// MSE search over a histogram of `hist.size()` equal bins spanning [hmin, hmax] (the
// observed range): each side of the range is cut independently to one of 40 steps
// of its distance from 0, and the pair whose quantization (range_qparams) gives the
// least sum of count * (bin centre - dequantized value)^2 wins; ties keep the wider.
// With f, the error is measured as f(bin centre) - f(dequantized value).
Range mse_range(const std::vector<double>& hist, double hmin, double hmax,
                const std::function<double(double)>& f = nullptr);

// The histogram squared error of quantizing with range r (for reports and tests).
double histogram_mse(const std::vector<double>& hist, double hmin, double hmax, const Range& r,
                     const std::function<double(double)>& f = nullptr);

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

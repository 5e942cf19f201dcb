// Per-channel ranges of chosen float values over calibration samples, for the
// activation-aware cross-layer equalization (converter/passes/equalize.cc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "converter/calib/calibrator.h"
#include "converter/ir/graph.h"

namespace octet::cvt {

// Channel c of a value (axis 1, ONNX layout): min and max over every sample and
// position.
struct ChannelRanges {
  std::vector<float> lo, hi;
};

// Runs the float executor on samples 0 .. count-1 and keeps, for each of `values`
// (float values of rank >= 2), its per-channel min and max; nothing else is kept.
bool measure_channel_ranges(const Graph& g, const std::set<std::string>& values, size_t count,
                            const SampleLoader& load, std::map<std::string, ChannelRanges>* ranges,
                            std::string* error);

}  // namespace octet::cvt

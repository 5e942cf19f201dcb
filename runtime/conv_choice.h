// How a model chooses between the im2col+GEMM and the Winograd form of its 3x3
// stride-1 int8 convolutions: by timing both at load (the default), or forced.
// Both forms give the same bytes, so the choice is about speed alone.
#pragma once

#include <string>
#include <vector>

#include "kernels/reference/conv-shape.h"
#include "runtime/status.h"

namespace octet::rt {

enum class WinogradMode {
  kMeasure,  // time both forms of each layer at load, keep the faster
  kOff,      // GEMM always
  kOn,       // Winograd wherever it is exact (for tests and benchmarks)
};

// octet_load_options.winograd (OCTET_WINOGRAD_*): 0 is the default, which is the
// environment variable OCTET_WINOGRAD ("measure", "off", "on") when set, else
// measure. Anything else is OCTET_INVALID_ARGUMENT.
Status resolve_winograd_mode(int requested, WinogradMode* out);
const char* winograd_mode_name(WinogradMode mode);

// Choices already measured during one load, by layer geometry (the timing does not
// depend on weights or quantization), so repeated shapes are timed once.
struct ConvChoiceCache {
  struct Entry {
    ConvShape shape;
    bool winograd = false;
    std::string choice;
  };
  std::vector<Entry> entries;
};

}  // namespace octet::rt

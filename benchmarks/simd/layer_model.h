// One-layer int8 models for the kernel benchmarks: a Conv2D with random weights
// and per-channel scales, loaded through the C API on a chosen kernel path, so a
// benchmark times exactly what a model's layer costs (packing excluded, im2col and
// requantization included).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "octet/octet.h"

namespace octet_bench {

struct ConvLayer {
  const char* net;  // "resnet50", "mobilenet_v2"
  int in_h, in_w, in_c, out_c, kernel, stride, pad, groups;
  int out_h() const { return (in_h + 2 * pad - kernel) / stride + 1; }
  int out_w() const { return (in_w + 2 * pad - kernel) / stride + 1; }
  double macs() const {
    return static_cast<double>(out_h()) * out_w() * out_c * kernel * kernel * (in_c / groups);
  }
  std::string label() const;
};

std::vector<uint8_t> conv_layer_model(const ConvLayer& l);

// A loaded layer with one session and its input set; null members on failure
// (error holds the message).
struct LoadedLayer {
  octet_model* model = nullptr;
  octet_session* session = nullptr;
  std::string error;
  std::string kernel;  // operator 0's kernel
  // winograd: OCTET_WINOGRAD_* (off unless a benchmark compares the forms).
  LoadedLayer(const std::vector<uint8_t>& file, const char* path, int threads, int winograd = OCTET_WINOGRAD_OFF);
  ~LoadedLayer();
  LoadedLayer(const LoadedLayer&) = delete;
  LoadedLayer& operator=(const LoadedLayer&) = delete;
};

}  // namespace octet_bench

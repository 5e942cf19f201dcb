// An oracle for the demo network (converter/writer/demo_model.h): the int8
// reference kernels called one after another on the DemoModel's weights and
// parameters, with plain vectors for activations. It shares nothing with the
// runtime's loader, operators or arena, so a runtime that loads, wires or plans
// the graph wrongly cannot agree with it by accident.
#pragma once

#include <cstdint>
#include <vector>

#include "converter/writer/demo_model.h"

namespace octet_test {

// The int8 activations of the demo network in graph order (tensor names as
// write_demo_model gives them); kDemoLayerTensor[i] is the tensor index of layer i
// in the file write_demo_model writes.
constexpr int kDemoLayers = 14;
extern const char* const kDemoLayerNames[kDemoLayers];
extern const int kDemoLayerTensor[kDemoLayers];

struct DemoTrace {
  std::vector<std::vector<int8_t>> layers;  // kDemoLayers entries, NHWC
  std::vector<float> probabilities;         // dequantized softmax, m.classes entries
};

// image_nchw holds 1 x channels x height x width floats.
DemoTrace demo_reference(const octet::DemoModel& m, const float* image_nchw);

}  // namespace octet_test

// The small default model the repo builds (until octet-convert provides a real
// one): a MobileNet-style int8 network that exercises most operators — Quantize,
// Conv2D (3x3 stride 2, depthwise, 1x1), Add, HardSwish (table), MaxPool,
// AveragePool, Concat with requantization, GlobalAveragePool, Reshape,
// FullyConnected, Softmax, Dequantize. Weights are pseudo-random from a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "converter/writer/model_writer.h"

namespace octet {

struct DemoConv {
  int in_c = 0, out_c = 0, kernel = 1, stride = 1, pad = 0, groups = 1;
  std::vector<int8_t> weights;  // OHWI
  std::vector<int32_t> bias;
  std::vector<float> weight_scales;
  RequantizationValues requant;
  int32_t out_zero_point = 0;
  int32_t qmin = -128, qmax = 127;
};

struct DemoQuant {
  float scale;
  int32_t zero_point;
};

struct DemoModel {
  int height = 32, width = 32, channels = 3, classes = 10;
  // Activation quantization, in graph order (see demo_model.cc).
  DemoQuant q_input, q_conv1, q_dw, q_pw, q_pw2, q_add, q_hswish, q_avg, q_concat, q_gap, q_fc, q_softmax;
  DemoConv conv1, dw, pw, pw2;
  std::vector<int8_t> fc_weights;  // (classes, 32)
  std::vector<int32_t> fc_bias;
  std::vector<float> fc_weight_scales;
  RequantizationValues fc_requant;
  int8_t hswish_table[256];
  int32_t softmax_table[256];
};

DemoModel make_demo_model(uint32_t seed);
ModelWriter write_demo_model(const DemoModel& m);

}  // namespace octet

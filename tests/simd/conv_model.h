// One-operator int8 Conv2D / FullyConnected models for the path tests: random
// weights, bias and per-channel scales from a seed, with every geometry and
// quantization knob the kernels must honour.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace octet_test {

struct ConvCase {
  int batch = 1, in_h = 8, in_w = 8, in_c = 8, out_c = 8;
  int kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_top = 1, pad_left = 1, pad_bottom = 1, pad_right = 1;
  int groups = 1;
  int32_t input_zero_point = 3, output_zero_point = -5;
  int32_t qmin = -128, qmax = 127;
  bool bias = true;
  bool per_channel = true;
  float output_scale = 0;  // 0: chosen so outputs spread over the int8 range
  int fill_weights = 0;    // nonzero: every weight is this value (bound tests)
  uint32_t seed = 1;
  std::string describe() const;
};

// The .octet bytes of the case's model (empty and a gtest failure when the case
// has no valid output shape).
std::vector<uint8_t> conv_model(const ConvCase& c);

struct FcCase {
  int rows = 1, k = 16, n = 16;
  int32_t input_zero_point = -7, output_zero_point = 2;
  int32_t qmin = -128, qmax = 127;
  bool bias = true;
  uint32_t seed = 1;
  std::string describe() const;
};

std::vector<uint8_t> fc_model(const FcCase& c);

}  // namespace octet_test

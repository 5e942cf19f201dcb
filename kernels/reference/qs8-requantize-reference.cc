#include "kernels/reference/qs8-requantize-reference.h"

#include <cmath>
#include <cstring>

namespace octet {

bool compute_qs8_requantize_params(float in_scale, int32_t in_zero_point, float out_scale,
                                   int32_t out_zero_point, QRequantizeParams* p) {
  if (!std::isfinite(in_scale) || !(in_scale > 0) || !std::isfinite(out_scale) || !(out_scale > 0)) {
    return false;
  }
  QuantizedMultiplier m;
  if (!quantize_multiplier(static_cast<double>(in_scale) / out_scale, &m)) return false;
  p->input_zero_point = in_zero_point;
  p->multiplier = m;
  p->output_zero_point = out_zero_point;
  return true;
}

void qs8_requantize__reference(size_t n, const int8_t* x, const QRequantizeParams& p, int8_t* y) {
  for (size_t i = 0; i < n; ++i) {
    y[i] = requantize_s8(int32_t{x[i]} - p.input_zero_point, p.multiplier.m0, p.multiplier.shift,
                         p.output_zero_point, -128, 127);
  }
}

void x_concat__reference(size_t outer, size_t num_inputs, const void* const* inputs,
                         const size_t* inner_bytes, void* output) {
  auto* out = static_cast<uint8_t*>(output);
  for (size_t r = 0; r < outer; ++r) {
    for (size_t i = 0; i < num_inputs; ++i) {
      if (inner_bytes[i] == 0) continue;
      std::memcpy(out, static_cast<const uint8_t*>(inputs[i]) + r * inner_bytes[i], inner_bytes[i]);
      out += inner_bytes[i];
    }
  }
}

}  // namespace octet

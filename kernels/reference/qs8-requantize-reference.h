#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace octet {

// Change of quantization of an int8 tensor (Requantize, and each input of Concat):
// y = clamp(zo + round((x - zi) * si / so)), M = si / so as M0 * 2^-shift.
struct QRequantizeParams {
  int32_t input_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t output_zero_point = 0;
};

// false when the scales are not finite and positive or si / so >= 2^30.
bool compute_qs8_requantize_params(float in_scale, int32_t in_zero_point, float out_scale,
                                   int32_t out_zero_point, QRequantizeParams* p);

void qs8_requantize__reference(size_t n, const int8_t* x, const QRequantizeParams& p, int8_t* y);

// Concatenation of rows: `outer` rows, each made of every input's `inner[i]` bytes in
// turn. Elements are copied as raw bytes (elem_size bytes each).
void x_concat__reference(size_t outer, size_t num_inputs, const void* const* inputs,
                         const size_t* inner_bytes, void* output);

}  // namespace octet

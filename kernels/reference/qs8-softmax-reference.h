#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace octet {

// Softmax over rows of `channels` int8 values, in integers:
//   d = max(row) - x                      (0..255)
//   e = exp_table[d]                      (exp_table[d] ~ 2^23 * exp(-beta * si * d))
//   y = clamp(zo + ((floor(e * M0 / sum(e)) + 2^(shift-1)) >> shift))
// where M0 * 2^-shift = 1 / so. That is exactly round_half_up(e / (sum * so)) for
// the quantized 1 / so (docs/QUANTIZATION.md has the proof).
struct QSoftmaxParams {
  const int32_t* exp_table = nullptr;  // 256 entries, each in [0, 2^23], entry 0 > 0
  QuantizedMultiplier inv_output_scale;
  int32_t output_zero_point = 0;
};

constexpr int32_t kSoftmaxTableOne = int32_t{1} << 23;

// exp_table[d] = round(2^23 * exp(-beta * in_scale * d)), in double. The converter
// stores this table in the model.
void build_qs8_softmax_table(float beta, float in_scale, int32_t exp_table[256]);

void qs8_softmax__reference(size_t rows, size_t channels, const int8_t* x,
                            const QSoftmaxParams& p, int8_t* y);

// Float softmax over rows: exp(beta * (x - max)) / sum, summed in order.
void f32_softmax__reference(size_t rows, size_t channels, float beta, const float* x, float* y);

}  // namespace octet

#include "kernels/reference/qs8-softmax-reference.h"

#include <algorithm>
#include <cmath>

namespace octet {

void build_qs8_softmax_table(float beta, float in_scale, int32_t exp_table[256]) {
  for (int d = 0; d < 256; ++d) {
    const double e = std::exp(-static_cast<double>(beta) * in_scale * d);
    exp_table[d] = static_cast<int32_t>(std::llround(std::ldexp(e, 23)));
  }
}

void qs8_softmax__reference(size_t rows, size_t channels, const int8_t* x,
                            const QSoftmaxParams& p, int8_t* y) {
  const int64_t m0 = p.inv_output_scale.m0;
  const int shift = p.inv_output_scale.shift;
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* in = x + r * channels;
    int8_t* out = y + r * channels;
    int32_t mx = -128;
    for (size_t c = 0; c < channels; ++c) mx = std::max<int32_t>(mx, in[c]);
    int64_t sum = 0;
    for (size_t c = 0; c < channels; ++c) sum += p.exp_table[mx - in[c]];
    for (size_t c = 0; c < channels; ++c) {
      const int64_t e = p.exp_table[mx - in[c]];
      const int64_t q = (e * m0) / sum;  // both non-negative: floor
      out[c] = static_cast<int8_t>(clamp_i64(rounding_rshift(q, shift) + p.output_zero_point, -128, 127));
    }
  }
}

void f32_softmax__reference(size_t rows, size_t channels, float beta, const float* x, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
    float mx = -INFINITY;
    for (size_t c = 0; c < channels; ++c) mx = std::max(mx, in[c]);
    float sum = 0;
    for (size_t c = 0; c < channels; ++c) {
      out[c] = std::exp(beta * (in[c] - mx));
      sum += out[c];
    }
    for (size_t c = 0; c < channels; ++c) out[c] /= sum;
  }
}

}  // namespace octet

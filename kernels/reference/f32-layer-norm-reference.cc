#include "kernels/reference/f32-layer-norm-reference.h"

#include <cmath>

#include "kernels/reference/f64-to-f32.h"

namespace octet {

void f32_layer_norm__reference(size_t channels, const float* x, const float* gamma,
                               const float* beta, float epsilon, float* y, size_t row_begin,
                               size_t row_end) {
  const double c = static_cast<double>(channels);
  for (size_t r = row_begin; r < row_end; ++r) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
    double sum = 0.0;
    for (size_t i = 0; i < channels; ++i) sum += in[i];
    const double mean = sum / c;
    double sq = 0.0;
    for (size_t i = 0; i < channels; ++i) {
      const double d = in[i] - mean;
      sq += d * d;
    }
    const double inv_std = 1.0 / std::sqrt(sq / c + static_cast<double>(epsilon));
    for (size_t i = 0; i < channels; ++i) {
      const double v = (in[i] - mean) * inv_std * gamma[i] + (beta != nullptr ? static_cast<double>(beta[i]) : 0.0);
      out[i] = f64_to_f32(v);
    }
  }
}

}  // namespace octet

#include "kernels/reference/qs8-quantize-reference.h"

#include <cmath>

namespace octet {

int8_t quantize_value_s8(float x, float scale, int32_t zero_point) {
  if (std::isnan(x)) return static_cast<int8_t>(zero_point < -128 ? -128 : zero_point > 127 ? 127 : zero_point);
  const float q = std::nearbyint(x / scale);  // default rounding mode: ties to even
  // Compare in float before converting so huge values and infinities saturate.
  const float v = q + static_cast<float>(zero_point);
  if (!(v > -128.0f)) return -128;
  if (!(v < 127.0f)) return 127;
  return static_cast<int8_t>(static_cast<int32_t>(v));
}

void qs8_quantize__reference(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = quantize_value_s8(x[i], scale, zero_point);
}

void qs8_dequantize__reference(size_t n, const int8_t* x, float scale, int32_t zero_point,
                               float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = scale * static_cast<float>(int32_t{x[i]} - zero_point);
}

}  // namespace octet

#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

// float -> int8, as ONNX QuantizeLinear: q = saturate(round_half_even(x / scale) + zp).
// NaN maps to zp (the real value 0); +inf to 127 and -inf to -128.
int8_t quantize_value_s8(float x, float scale, int32_t zero_point);
void qs8_quantize__reference(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);

// int8 -> float: x = scale * (q - zp), in float.
void qs8_dequantize__reference(size_t n, const int8_t* x, float scale, int32_t zero_point,
                               float* y);

}  // namespace octet

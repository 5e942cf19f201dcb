// Quantize (float -> int8) and Dequantize (int8 -> float) kernels of a kernel path:
// the same float operations as kernels/reference/qs8-quantize-reference.cc in
// vector form (IEEE division, round to nearest even, float add, saturate; NaN -> Z),
// so every path gives the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"

namespace octet {

using qs8_quantize_fn = void (*)(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
using qs8_dequantize_fn = void (*)(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y);

struct QS8QuantizeConfig {
  const char* quantize_name = nullptr;  // null: the reference kernels
  qs8_quantize_fn quantize = nullptr;
  const char* dequantize_name = nullptr;
  qs8_dequantize_fn dequantize = nullptr;
};

QS8QuantizeConfig qs8_quantize_config(KernelPath path);

// The x86 kernels (one ISA per file).
void qs8_quantize_16__avx512(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_dequantize_16__avx512(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y);
void qs8_quantize_8__avx2(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_dequantize_8__avx2(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y);

}  // namespace octet

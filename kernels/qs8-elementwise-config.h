// The element-wise, pooling and resize kernels of a kernel path: plain functions over
// pointers (no threads, no allocation). A null pointer means the path has no SIMD
// kernel for that job and the operator runs the reference kernel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/common/x-transpose-rows.h"
#include "kernels/kernel-path.h"
#include "kernels/reference/qs8-binary-reference.h"
#include "kernels/reference/requantize.h"

namespace octet {

// y[i] = table[x[i] + 128] for i < n (a 256-entry byte table; x and y may alias).
using x8_lut_fn = void (*)(size_t n, const int8_t* x, const int8_t* table, int8_t* y);

// Add / Sub (QAddParams, qs8-binary-reference.h) of n elements: vadd with two vectors,
// vaddc with b one value repeated.
using qs8_vadd_fn = void (*)(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y);
using qs8_vaddc_fn = void (*)(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y);
// Mul (QMulParams) likewise.
using qs8_vmul_fn = void (*)(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y);
using qs8_vmulc_fn = void (*)(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y);

// A pooling window clipped to the image: rows x cols pixels of `channels` bytes, pixel
// (r, c) at x + r * row_stride + c * col_stride (bytes).
struct QS8PoolWindow {
  const int8_t* x = nullptr;
  size_t rows = 0, cols = 0;
  size_t row_stride = 0, col_stride = 0;
};

// MaxPool of one output pixel: y[c] = clamp(max over the window of x[c], qmin, qmax),
// -128 for an empty window.
using qs8_maxpool_fn = void (*)(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y);

// AveragePool / GlobalAveragePool of one output pixel:
// y[c] = requantize(sum over the window of (x[c] - input_zero_point)) with m, so the
// caller picks the multiplier of its divisor (count or the full window).
struct QS8AvgPoolPixel {
  int32_t input_zero_point = 0;
  QuantizedMultiplier m;
  int32_t output_zero_point = 0;
  int32_t qmin = -128, qmax = 127;
};
using qs8_avgpool_fn = void (*)(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y);

// Resize bilinear of one output pixel: with d = x - input_zero_point,
// acc = (2048 - wy) * ((2048 - wx) * d00 + wx * d01) + wy * ((2048 - wx) * d10 + wx * d11),
// y = clamp(output_zero_point + round(acc * m)), exactly qs8_resize_bilinear__reference.
struct QS8BilinearPixel {
  const int8_t *p00 = nullptr, *p01 = nullptr, *p10 = nullptr, *p11 = nullptr;
  int32_t wx = 0, wy = 0;  // weights of p01 / p11 and of the bottom row, in 1/2048ths
};
struct QS8BilinearParams {
  int32_t input_zero_point = 0;
  QuantizedMultiplier m;
  int32_t output_zero_point = 0;
};
using qs8_ibilinear_fn = void (*)(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y);

// Transpose rows of a plan (kernels/common/x-transpose-rows.h), any element type.
using x_transpose_rows_fn = void (*)(const TransposePlan& plan, const void* x, void* y, size_t row_begin, size_t row_end);

struct QS8ElementwiseConfig {
  const char* name = nullptr;  // the path's name; null: no SIMD element-wise kernels
  x8_lut_fn lut = nullptr;
  const char* lut_name = nullptr;
  // A faster table lookup needing AVX-512 VBMI, which no kernel path implies: the
  // operator uses it only when runtime/cpu.h reports the feature.
  x8_lut_fn lut_vbmi = nullptr;
  const char* lut_vbmi_name = nullptr;
  qs8_vadd_fn vadd = nullptr;
  qs8_vaddc_fn vaddc = nullptr;
  const char* vadd_name = nullptr;
  qs8_vmul_fn vmul = nullptr;
  qs8_vmulc_fn vmulc = nullptr;
  const char* vmul_name = nullptr;
  qs8_maxpool_fn maxpool = nullptr;
  const char* maxpool_name = nullptr;
  qs8_avgpool_fn avgpool = nullptr;
  const char* avgpool_name = nullptr;
  qs8_ibilinear_fn ibilinear = nullptr;
  const char* ibilinear_name = nullptr;
  x_transpose_rows_fn transpose = nullptr;  // plain C++, on the SIMD paths
  const char* transpose_name = nullptr;
};

QS8ElementwiseConfig qs8_elementwise_config(KernelPath path);

}  // namespace octet

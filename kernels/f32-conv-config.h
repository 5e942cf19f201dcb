// Float Conv2D / FullyConnected kernels of a kernel path (the layers the converter
// keeps in float). Every kernel gives the bytes of f32_conv2d__reference /
// f32_fully_connected__reference: one accumulator per output, bias (or +0) first,
// then the taps in (ky, kx) order skipping those outside the image, then input
// channels in order, each term a rounded multiply followed by a rounded add (no
// FMA), then max with out_min and min with out_max as std::max / std::min do.
//
// Packed layouts: kernels/pack/f32-conv-layout.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"
#include "kernels/pack/f32-conv-layout.h"

namespace octet {

struct F32ConvParams {
  size_t ic = 0;           // input channels read per tap (k for fully connected)
  size_t kernel_taps = 1;  // kh * kw of the packed weights
  size_t a_stride = 0;     // floats from one output pixel's input to the next one's
  size_t y_stride = 0;     // floats from one output pixel to the next
  float out_min = 0, out_max = 0;
};

// Up to `mr` output pixels (the kernel's tile or fewer) x `nc` output channels
// (all blocks from `packed`, the last may be partial). Pixel i's input for tap t is
// a[t] + i * a_stride (ic floats); tap[t] is that tap's index ky * kw + kx in the
// packed weights. Taps are summed in the order given (ascending; outside-image taps
// left out by the caller). y: pixel i's nc outputs at y + i * y_stride.
using f32_conv2d_fn = void (*)(size_t mr, size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap,
                               const float* packed, float* y, const F32ConvParams& p);

// One output row of a depthwise convolution (groups == in_c == out_c).
struct F32DwConvRow {
  size_t channels = 0;
  int in_w = 0, out_w = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_w = 1, dilation_w = 1, pad_left = 0;
  float out_min = 0, out_max = 0;
};

// rows[ky]: the input row read by kernel row ky (in_w * channels floats), or null
// when it lies in the vertical padding (the tap is skipped). y: out_w * channels.
using f32_dwconv_fn = void (*)(const float* const* rows, float* y, const float* packed, const F32DwConvRow& r);

struct F32ConvConfig {
  const char* gemm_name = nullptr;  // null: the reference kernels
  f32_conv2d_fn gemm = nullptr;
  F32GemmLayout gemm_layout;
  int mr = 1;
  const char* dw_name = nullptr;
  f32_dwconv_fn dw = nullptr;
  F32DwConvLayout dw_layout;
};

F32ConvConfig f32_conv_config(KernelPath path);

void f32_conv2d_6x16__avx2(size_t mr, size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap,
                           const float* packed, float* y, const F32ConvParams& p);
void f32_conv2d_8x32__avx512f(size_t mr, size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap,
                              const float* packed, float* y, const F32ConvParams& p);
void f32_dwconv_16c__avx2(const float* const* rows, float* y, const float* packed, const F32DwConvRow& r);
void f32_dwconv_32c__avx512f(const float* const* rows, float* y, const float* packed, const F32DwConvRow& r);

}  // namespace octet

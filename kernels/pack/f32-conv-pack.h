// Packs float convolution / fully connected weights into the layouts of
// kernels/pack/f32-conv-layout.h (once, at load).
#pragma once

#include <cstddef>

#include "kernels/pack/f32-conv-layout.h"

namespace octet {

// weights (n, kernel_taps, ic) (OHWI with taps = kh * kw; fully connected: taps 1,
// ic = k); bias n floats or null. packed: layout.packed_floats(n, kernel_taps, ic).
void f32_gemm_pack(const F32GemmLayout& layout, size_t n, size_t kernel_taps, size_t ic, const float* weights,
                   const float* bias, float* packed);

// weights (channels, kernel_taps) (OHWI with one input channel per group); bias
// channels floats or null. packed: layout.packed_floats(channels, kernel_taps).
void f32_dwconv_pack(const F32DwConvLayout& layout, size_t channels, size_t kernel_taps, const float* weights,
                     const float* bias, float* packed);

}  // namespace octet

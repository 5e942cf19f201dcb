// 1x1 depthwise convolution (a per-channel multiply-add, as a standalone
// BatchNorm becomes in the converter) on a kernel path.
//   y[p][c] = requantize_c(bias[c] + (x[p][c] - Z) * w[c])
// Packed at load (qs8_dwconv1x1_pack): four int32 arrays of round_up(C, 16)
// entries: bias[c] - Z * w[c], w[c], m0[c], shift[c] (padding: 0, 0, 0, 1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"
#include "kernels/qs8-gemm-config.h"

namespace octet {

// pixels rows of `channels` bytes in x and y.
using qs8_dwconv1x1_fn = void (*)(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                                  const QS8GemmOutput& out);

struct QS8DwConv1x1Config {
  const char* name = nullptr;  // null: the reference convolution
  qs8_dwconv1x1_fn fn = nullptr;
};

QS8DwConv1x1Config qs8_dwconv1x1_config(KernelPath path);

constexpr size_t kDwConv1x1ChannelPad = 16;
inline size_t qs8_dwconv1x1_packed_ints(size_t channels) {
  return 4 * ((channels + kDwConv1x1ChannelPad - 1) / kDwConv1x1ChannelPad * kDwConv1x1ChannelPad);
}
// weights: one int8 per channel; bias may be null; m0/shift per channel or one.
void qs8_dwconv1x1_pack(size_t channels, const int8_t* weights, const int32_t* bias, int32_t input_zero_point,
                        const int32_t* m0, const int32_t* shift, bool per_channel, int32_t* packed);

void qs8_dwconv_1x1_16c__avx512(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                                const QS8GemmOutput& out);
void qs8_dwconv_1x1_8c__avx2(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                             const QS8GemmOutput& out);

}  // namespace octet

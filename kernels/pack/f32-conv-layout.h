// The packed weight layouts of the float Conv2D / FullyConnected kernels, shared by
// the packer (f32-conv-pack.cc) and every kernel that reads them
// (kernels/x86/f32-conv2d-*.cc, f32-dwconv-*.cc). docs/KERNELS.md draws them.
//
// GEMM-like convolution (groups == 1) and fully connected: output channels are
// cut into blocks of `nr` lanes (the last block padded with zero channels). A
// block is, in floats:
//
//   bias[nr]                          (0 where there is no bias, and in padding lanes)
//   w[kernel_taps][ic][nr]            w[t][c][j] = weights[oc0 + j][t][c] (OHWI, t = ky*kw + kx)
//
// A fully connected layer is the case kernel_taps = 1, ic = k. The kernels keep
// one accumulator per lane and add the products in the reference's order (bias,
// then taps in order, then ic in order, one rounded multiply and one rounded add
// each), so every lane is the reference's sum bit for bit.
//
// Depthwise (groups == in_c == out_c): channels cut into blocks of `tile` lanes
// (zero padding lanes). A block is bias[tile] then w[kernel_h * kernel_w][tile].
#pragma once

#include <cstddef>

namespace octet {

struct F32GemmLayout {
  int nr = 16;  // output channels per block

  constexpr size_t blocks(size_t n) const { return (n + nr - 1) / nr; }
  constexpr size_t block_floats(size_t kernel_taps, size_t ic) const {
    return static_cast<size_t>(nr) * (1 + kernel_taps * ic);
  }
  // Offset within a block of the nr weights of (tap, c).
  constexpr size_t weight_offset(size_t tap, size_t ic, size_t c) const {
    return static_cast<size_t>(nr) * (1 + tap * ic + c);
  }
  constexpr size_t packed_floats(size_t n, size_t kernel_taps, size_t ic) const {
    return blocks(n) * block_floats(kernel_taps, ic);
  }
};

struct F32DwConvLayout {
  int tile = 16;  // channels per block

  constexpr size_t blocks(size_t channels) const { return (channels + tile - 1) / tile; }
  constexpr size_t block_floats(size_t kernel_taps) const { return static_cast<size_t>(tile) * (1 + kernel_taps); }
  constexpr size_t weight_offset(size_t tap) const { return static_cast<size_t>(tile) * (1 + tap); }
  constexpr size_t packed_floats(size_t channels, size_t kernel_taps) const {
    return blocks(channels) * block_floats(kernel_taps);
  }
};

}  // namespace octet

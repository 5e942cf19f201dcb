// The packed weights of the SIMD depthwise kernels, shared by the packer
// (qs8-dwconv-pack.cc) and the kernels (kernels/x86/qs8-dwconv-*.cc).
//
// Channels are cut into blocks of `tile` (16 on AVX2, 32 on AVX-512); the last
// block is padded with zero weights. One block is, in bytes:
//
//   int32 bias'[tile]   bias[c] - Z_in * sum over all kh*kw taps of w[c] (mod 2^32)
//   int32 m0[tile]      requantization multiplier of each channel (copied when per-tensor)
//   int32 shift[tile]   its right shift
//   int16 w[(kh + 1) / 2][kw][tile][2]
//
// The weights go in pairs of kernel rows (2j, 2j + 1) at the same column kx, one
// int32 lane (two int16) per channel: lane = (w[c][2j][kx], w[c][2j + 1][kx]), the
// second 0 for the last row of an odd kh. The kernel interleaves the bytes of
// input rows 2j and 2j + 1 the same way, sign-extends them to int16, and one
// vpmaddwd (or vpdpwssd) gives x0 * w0 + x1 * w1 per channel: two taps per lane.
// The kernel multiplies raw input bytes: padded taps read a row or column of input
// zero-point bytes, so every tap adds x * w and bias' removes Z_in * sum(w) again,
// which is exactly bias + sum over valid taps of (x - Z_in) * w (int32 wraps
// modulo 2^32 and the runtime has checked that the true sum fits).
//
// Lane order (`split_halves`): 256-bit byte unpacks stay inside 128-bit halves, so
// on AVX-512 (32-channel tile, two zmm of 16 lanes) the first zmm holds channels
// 0-7 and 16-23 and the second 8-15 and 24-31; channel_of() gives the channel of
// each lane, and the same order holds for bias', m0 and shift. AVX2 (16-channel
// tile, two ymm of 8 lanes) uses plain order: 0-7, then 8-15.
#pragma once

#include <cstddef>

namespace octet {

struct QS8DwConvLayout {
  int tile = 16;
  bool split_halves = false;
  int kernel_h = 3, kernel_w = 3;

  constexpr int row_pairs() const { return (kernel_h + 1) / 2; }
  constexpr size_t header_bytes() const { return static_cast<size_t>(tile) * 3 * 4; }
  constexpr size_t weight_bytes() const { return static_cast<size_t>(row_pairs()) * kernel_w * tile * 4; }
  constexpr size_t block_bytes() const { return header_bytes() + weight_bytes(); }
  constexpr size_t blocks(size_t channels) const { return (channels + tile - 1) / tile; }
  constexpr size_t packed_bytes(size_t channels) const { return blocks(channels) * block_bytes(); }
  // The channel (within its block) of lane `p` in [0, tile).
  constexpr int channel_of(int p) const {
    if (!split_halves) return p;
    const int half = p / 16, q = p % 16;
    return (q / 8) * 16 + half * 8 + q % 8;
  }
};

}  // namespace octet

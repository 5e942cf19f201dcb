// The packed weights of the SIMD depthwise kernels, shared by the packer
// (qs8-dwconv-pack.cc) and the kernels (kernels/x86/qs8-dwconv-*.cc,
// kernels/arm/qs8-dwconv-*.cc).
//
// Channels are cut into blocks of `tile` (16 on AVX2 and NEON, 32 on AVX-512, 64 on
// AVX-512 VNNI); lanes past the last channel repeat channel c mod C (the kernels
// mask them off, or, 64-channel tile with C = 32, use them for the next pixel).
// One block is:
//
//   int32 bias'[tile]   bias[c] - (Z_in + u) * sum over all kh*kw taps of w[c] (mod 2^32)
//   int32 m0[tile]      requantization multiplier of each channel (copied when per-tensor)
//   int32 shift[tile]   its right shift
//   weights             ceil(kh / taps) row groups x kw columns x tile lanes
//                       (int32 lanes; int16 lanes when taps is 1)
//
// One lane holds `taps` weights of one channel from consecutive kernel rows at the
// same column kx (0 past the last row):
//   taps 1: one int16 w[c][ky][kx] (NEON: the kernel sign-extends each input row to
//           int16 once and smlal adds x * w into int32 lanes). u = 0.
//   taps 2: int16 (w[c][2j][kx], w[c][2j+1][kx]). The kernel interleaves the bytes
//           of input rows 2j and 2j+1 the same way, sign-extends them to int16, and
//           one vpmaddwd (or vpdpwssd) adds x0 * w0 + x1 * w1 per channel. u = 0.
//   taps 4: int8 (w[c][4j][kx], .., w[c][4j+3][kx]). The kernel interleaves four
//           input rows bytewise, flips their sign bits (x ^ 0x80 = x + 128 as
//           uint8) and one vpdpbusd adds four products per channel. u = 128.
//           With signed_dot (AArch64 sdot, signed x signed), the input bytes stay
//           as they are: u = 0.
// The kernels multiply raw input bytes: padded taps read a row or column of input
// zero-point bytes, so every tap adds (x + u) * w and bias' removes (Z_in + u) *
// sum(w) again, which is exactly bias + sum over valid taps of (x - Z_in) * w
// (int32 wraps modulo 2^32; the runtime has checked that the true sum fits).
//
// Lane order (channel_of(), the same for bias', m0, shift and weights), chosen
// so that the kernel's in-lane unpacks and saturating packs leave channels in order:
//   taps 2, tile 16 (AVX2, two ymm of 8 lanes): plain, 0-7 then 8-15.
//   taps 2, tile 32 (AVX-512, split_halves, two zmm of 16): 256-bit byte unpacks
//           stay inside 128-bit halves, so the first zmm holds channels 0-7 and
//           16-23, the second 8-15 and 24-31.
//   taps 1, and taps 4 with signed_dot (NEON, tile 16): plain; the two zip steps
//           of the sdot kernel (bytes, then int16 pairs) leave channels in order.
//   taps 4, tile 64 (four zmm of 16 lanes): lane q of 128-bit lane L of zmm i is
//           channel 16L + 4i + q; vpackssdw(y0, y1), vpackssdw(y2, y3), then
//           vpacksswb of the two gives the 64 output bytes in channel order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

struct QS8DwConvLayout {
  int tile = 16;
  bool split_halves = false;
  int kernel_h = 3, kernel_w = 3;
  int taps = 2;             // weights per lane: 1 (int16 lane), 2 (int16 pair) or 4 (int8)
  bool signed_dot = false;  // taps 4: signed input bytes (u = 0), lanes in channel order

  constexpr int row_groups() const { return (kernel_h + taps - 1) / taps; }
  constexpr size_t lane_bytes() const { return taps == 1 ? 2 : 4; }
  constexpr size_t header_bytes() const { return static_cast<size_t>(tile) * 3 * 4; }
  constexpr size_t weight_bytes() const {
    return static_cast<size_t>(row_groups()) * kernel_w * tile * lane_bytes();
  }
  constexpr size_t block_bytes() const { return header_bytes() + weight_bytes(); }
  constexpr size_t blocks(size_t channels) const { return (channels + tile - 1) / tile; }
  constexpr size_t packed_bytes(size_t channels) const { return blocks(channels) * block_bytes(); }
  // The channel (within its block) of lane `p` in [0, tile).
  constexpr int channel_of(int p) const {
    if (taps == 4 && !signed_dot) {
      const int i = p / 16, l = p % 16;
      return 16 * (l / 4) + 4 * i + l % 4;
    }
    if (taps != 2 || !split_halves) return p;
    const int half = p / 16, q = p % 16;
    return (q / 8) * 16 + half * 8 + q % 8;
  }
  // The input offset the kernel adds before multiplying (u above).
  constexpr int32_t input_offset() const { return taps == 4 && !signed_dot ? 128 : 0; }
};

}  // namespace octet

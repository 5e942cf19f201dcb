// The packed weight layout of the int8 GEMM kernels, shared by the packer
// (qs8-gemm-pack.cc) and every kernel that reads it. docs/KERNELS.md draws it with
// a worked example.
//
// Weights (n, k) are cut into blocks of `nr` output channels (the last block
// padded with zero channels). One block is
//
//   int32 bias[nr]   bias - correction * sum_k w  (the zero-point terms, folded)
//   int32 m0[nr]     requantization multiplier per channel (padding channels: 0)
//   int32 shift[nr]  right shift per channel                (padding channels: 1)
//   weights          ceil(k / kr) groups of kr consecutive k, zero beyond k:
//                      int8 layout:  [nr][kr] int8  (kr = 4: 4 bytes per channel for
//                                    vpdpbusd and sdot; kr = 8: 8 bytes per channel,
//                                    so two channels are one smmla operand, and
//                                    one smull operand on ARMv8.0)
//                      int16 layout: [2][nr][2] int16, kr = 4 (k pair 0, then k
//                                    pair 1, 2 values per channel: vpmaddwd;
//                                    NEON ld2 splits a pair's [nr][2] into k
//                                    and k + 1 of nr = 8 channels)
//
// The correction makes the kernels' plain sums exact:
//   int8 (u8 input):  the kernel feeds x ^ 0x80 = x + 128 (as uint8) to vpdpbusd, so
//                     sum (x + 128) w - (128 + Z) sum w = sum (x - Z) w;
//   int8 (signed) and int16: the kernel multiplies x itself: sum x w - Z sum w.
// Both identities hold in int32 modular arithmetic, and the true sum fits in int32
// (checked at load), so the wrapped intermediate sums give the exact result.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

struct QS8GemmLayout {
  int nr = 1;          // output channels per block
  bool int16 = false;  // weights widened to int16 pairs (false: int8 runs of kr)
  bool u8_input = false;  // activations enter the kernel as x ^ 0x80
  int kr = 4;          // k values per channel in a group: 4, or 8 (int8 layout only)

  size_t groups(size_t k) const { return (k + static_cast<size_t>(kr) - 1) / static_cast<size_t>(kr); }
  size_t header_bytes() const { return 3 * sizeof(int32_t) * static_cast<size_t>(nr); }
  size_t group_bytes() const { return static_cast<size_t>(nr) * static_cast<size_t>(kr) * (int16 ? 2 : 1); }
  size_t block_bytes(size_t k) const { return header_bytes() + groups(k) * group_bytes(); }
  size_t blocks(size_t n) const { return (n + nr - 1) / nr; }
  size_t packed_bytes(size_t n, size_t k) const { return blocks(n) * block_bytes(k); }
};

}  // namespace octet

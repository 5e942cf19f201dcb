// Exact integer Winograd F(2x2, 3x3): the transforms, the bounds that make it exact,
// and the packed layout of the transformed weights, shared by the packer
// (qs8-winograd-pack.cc), the kernels and the operator. docs/KERNELS.md derives the
// bounds and works an example.
//
// One 2x2 output tile from a 4x4 input patch d (zero-point corrected: d = x - Z):
//   4 Y = A^T [ sum_c U'_c (.) V_c ] A      V = B^T d B      U' = G' g G'^T
// with G' = 2 G, so U' = 4 U is an integer matrix, and the division by 4 at the end
// is exact (the true Y is an integer):
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   G'  = [2 0 0; 1 1 1; 1 -1 1; 0 0 2]
//   A^T = [1 1 1 0; 0 1 -1 -1]
// Bounds (int8 x and Z give |d| <= 255; int8 weights |g| <= 128):
//   |V| <= 4 * 255 = 1020           int16
//   |U'| <= 9 * 128 = 1152          int16
//   one vpmaddwd pair: 2 * 1020 * 1152 < 2^22, no saturation (NEON smlal adds each
//   product, < 2^21, to int32 alone)
// The sums over channels and the output transform run in int32 with wrap-around
// (ring arithmetic mod 2^32). The wrapped result equals the true 4 Y whenever
// |4 Y| < 2^31; |Y| <= max|d| * sum |w| over the output channel's 9 C weights, so a
// layer is exact when 4 * max|d| * sum|w| <= 2^31 - 1 for every output channel
// (qs8_winograd_f23_exact). Worst case (all |w| = 128, max|d| = 255): C <= 1827.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

constexpr int kWinogradF23Positions = 16;  // 4x4 transformed values per tile

// Transformed weights: for each of the 16 positions p (row-major in the 4x4 tile),
// the output channels cut into blocks of nr (the last padded with zero channels);
// one block holds cp / 2 channel pairs of [nr][2] int16 (vpmaddwd pairs; NEON's ld2
// splits them into the even-k and odd-k values of nr = 8 channels), cp being the
// input channels rounded up to c_align (zero weights beyond C).
struct QS8WinogradLayout {
  int nr = 16;       // output channels per block (the GEMM tile's width): 16 / 32 x86, 8 ARM
  int c_align = 16;  // input channel padding: the input transform's vector width (8 on ARM)

  size_t channels(size_t c) const { return (c + c_align - 1) / c_align * c_align; }
  size_t blocks(size_t k) const { return (k + nr - 1) / nr; }
  size_t block_elements(size_t cp) const { return cp * static_cast<size_t>(nr); }
  size_t position_elements(size_t cp, size_t k) const { return blocks(k) * block_elements(cp); }
  size_t packed_elements(size_t cp, size_t k) const { return kWinogradF23Positions * position_elements(cp, k); }
  // First int16 of block j (output channels j * nr ...) of position p.
  size_t offset(size_t p, size_t j, size_t cp, size_t k) const {
    return p * position_elements(cp, k) + j * block_elements(cp);
  }
};

}  // namespace octet

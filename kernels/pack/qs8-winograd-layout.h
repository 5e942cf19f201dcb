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
//
// Stride 2 (the "f23s2" form: 2x2 output tiles of a 3x3 stride-2 layer, each from the
// 5x5 input patch at (2 oy - pad_top, 2 ox - pad_left)). Along each axis the even
// taps g0, g2 meet inputs d0, d2, d4 and run as Winograd F(2,2); the odd tap g1 meets
// d1 and d3 alone (a polyphase split):
//   V (5 per axis) = (d0 - d2, d2, d4 - d2, d1, d3)
//   U (4 per axis) = (g0, g0 + g2, g2, g1)       V positions 3 and 4 share U's 3
//   y0 = M0 + M1 + M3      y1 = M1 + M2 + M4
// so Y = A2^T M A2 over 25 positions with 16 distinct U (the layout below), and 25
// multiplies per tile where direct convolution has 36. Every matrix is integer: no
// scaling, no division.
// Bounds: |V| <= 4 * 255 = 1020, |U| <= 4 * 128 = 512 (int16); one vpmaddwd pair
// < 2^21. The wrapped int32 result is the true Y whenever |Y| <= 2^31 - 1, i.e.
// max|d| * sum|w| <= 2^31 - 1 (qs8_winograd_f23s2_exact): the direct convolution's
// own int32 bound (C <= 7310 at worst), so every layer the runtime loads qualifies.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

constexpr int kWinogradF23Positions = 16;  // 4x4 transformed values per tile
constexpr int kWinogradF23S2Positions = 25;  // stride 2: 5x5 transformed input values per tile

// Stride 2: the V positions (a, b) (a, b < 5) in the order the GEMM reads them, each
// U position's together: U position u = 4 ua + ub multiplies slots
// kWinogradF23S2First[u] ... + kWinogradF23S2Count[u] - 1, consecutive, so one GEMM
// call covers them. (a, b) uses U position (min(a, 3), min(b, 3)).
constexpr int kWinogradF23S2Slot[5][5] = {
    {0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}, {10, 11, 12, 13, 14}, {15, 17, 19, 21, 22}, {16, 18, 20, 23, 24}};
constexpr int kWinogradF23S2First[16] = {0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 17, 19, 21};
constexpr int kWinogradF23S2Count[16] = {1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 2, 4};

// Transformed weights (both forms): for each of the 16 positions p (row-major in the 4x4 tile),
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

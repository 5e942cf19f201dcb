#include "kernels/pack/qs8-winograd-pack.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace octet {

int64_t qs8_winograd_f23_bound(size_t k, size_t c, const int8_t* w, int32_t input_zero_point) {
  const int64_t max_d = std::max<int64_t>(127 - int64_t{input_zero_point}, int64_t{input_zero_point} + 128);
  int64_t worst = 0;
  for (size_t o = 0; o < k; ++o) {
    int64_t sum = 0;
    for (size_t i = 0; i < 9 * c; ++i) sum += std::abs(int64_t{w[o * 9 * c + i]});
    worst = std::max(worst, sum);
  }
  return 4 * max_d * worst;
}

namespace {

// Row y of G (4 x 3) applied to a 3-vector.
using GRow = int32_t (*)(int y, const int32_t* g3, size_t stride);

// G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2] (F(2,3) scaled by 2).
int32_t g_f23(int y, const int32_t* g, size_t st) {
  switch (y) {
    case 0: return 2 * g[0];
    case 1: return g[0] + g[st] + g[2 * st];
    case 2: return g[0] - g[st] + g[2 * st];
    default: return 2 * g[2 * st];
  }
}

// G2 = [1 0 0; 1 0 1; 0 0 1; 0 1 0] (stride 2: F(2,2) on the even taps, the odd tap).
int32_t g_f23s2(int y, const int32_t* g, size_t st) {
  switch (y) {
    case 0: return g[0];
    case 1: return g[0] + g[2 * st];
    case 2: return g[2 * st];
    default: return g[st];
  }
}

// U = G g G^T of every (output, input) channel pair, in `layout`.
void pack(GRow grow, const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out) {
  const size_t cp = layout.channels(c);
  const size_t nr = static_cast<size_t>(layout.nr);
  const size_t position = layout.position_elements(cp, k);
  // One (block, channel pair) is nr * 2 int16 at each of the 16 positions, which lie
  // a position (often a power of two of bytes) apart: gathered in a small buffer and
  // copied out line by line, not scattered element by element over 16 aliasing
  // streams (4x slower).
  std::vector<int16_t> tmp(kWinogradF23Positions * nr * 2);
  for (size_t j = 0; j < layout.blocks(k); ++j) {
    for (size_t ip = 0; ip < cp / 2; ++ip) {
      std::fill(tmp.begin(), tmp.end(), int16_t{0});
      for (size_t ol = 0; ol < nr && j * nr + ol < k; ++ol) {
        const int8_t* wo = w + (j * nr + ol) * 9 * c;
        for (size_t ii = 0; ii < 2 && 2 * ip + ii < c; ++ii) {
          const size_t i = 2 * ip + ii;
          int32_t g[3][3];
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) g[ky][kx] = wo[(ky * 3 + kx) * c + i];
          // t = G g (4 x 3), then u = t G^T (4 x 4).
          int32_t t[4][3];
          for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 3; ++x) t[y][x] = grow(y, &g[0][x], 3);
          int16_t* dst = tmp.data() + ol * 2 + ii;
          const size_t step = nr * 2;
          for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x)  // |u| <= 9 * 128 (F(2,3)), 4 * 128 (stride 2): int16
              dst[(4 * y + x) * step] = static_cast<int16_t>(grow(x, t[y], 1));
        }
      }
      for (size_t p = 0; p < kWinogradF23Positions; ++p) {
        std::memcpy(out + p * position + j * layout.block_elements(cp) + ip * nr * 2, tmp.data() + p * nr * 2,
                    nr * 2 * sizeof(int16_t));
      }
    }
  }
}

}  // namespace

void qs8_winograd_f23_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out) {
  pack(g_f23, layout, k, c, w, out);
}

void qs8_winograd_f23s2_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out) {
  pack(g_f23s2, layout, k, c, w, out);
}

}  // namespace octet

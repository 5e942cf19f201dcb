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

void qs8_winograd_f23_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out) {
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
          // t = G' g (4 x 3), then u = t G'^T (4 x 4); G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2].
          int32_t t[4][3];
          for (int x = 0; x < 3; ++x) {
            t[0][x] = 2 * g[0][x];
            t[1][x] = g[0][x] + g[1][x] + g[2][x];
            t[2][x] = g[0][x] - g[1][x] + g[2][x];
            t[3][x] = 2 * g[2][x];
          }
          int16_t* dst = tmp.data() + ol * 2 + ii;
          const size_t step = nr * 2;
          for (int y = 0; y < 4; ++y, dst += 4 * step) {
            // |u| <= 9 * 128 = 1152: int16.
            dst[0] = static_cast<int16_t>(2 * t[y][0]);
            dst[step] = static_cast<int16_t>(t[y][0] + t[y][1] + t[y][2]);
            dst[2 * step] = static_cast<int16_t>(t[y][0] - t[y][1] + t[y][2]);
            dst[3 * step] = static_cast<int16_t>(2 * t[y][2]);
          }
        }
      }
      for (size_t p = 0; p < kWinogradF23Positions; ++p) {
        std::memcpy(out + p * position + j * layout.block_elements(cp) + ip * nr * 2, tmp.data() + p * nr * 2,
                    nr * 2 * sizeof(int16_t));
      }
    }
  }
}

}  // namespace octet

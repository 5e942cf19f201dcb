#include "kernels/pack/qs8-winograd-pack.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

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
  std::memset(out, 0, layout.packed_elements(cp, k) * sizeof(int16_t));
  for (size_t o = 0; o < k; ++o) {
    for (size_t i = 0; i < c; ++i) {
      int32_t g[3][3];
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx) g[ky][kx] = w[((o * 3 + ky) * 3 + kx) * c + i];
      // t = G' g (4 x 3), then u = t G'^T (4 x 4); G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2].
      int32_t t[4][3], u[4][4];
      for (int x = 0; x < 3; ++x) {
        t[0][x] = 2 * g[0][x];
        t[1][x] = g[0][x] + g[1][x] + g[2][x];
        t[2][x] = g[0][x] - g[1][x] + g[2][x];
        t[3][x] = 2 * g[2][x];
      }
      for (int y = 0; y < 4; ++y) {
        u[y][0] = 2 * t[y][0];
        u[y][1] = t[y][0] + t[y][1] + t[y][2];
        u[y][2] = t[y][0] - t[y][1] + t[y][2];
        u[y][3] = 2 * t[y][2];
      }
      for (size_t p = 0; p < kWinogradF23Positions; ++p) {
        int16_t* block = out + layout.offset(p, o / nr, cp, k);
        block[((i / 2) * nr + o % nr) * 2 + i % 2] = static_cast<int16_t>(u[p / 4][p % 4]);  // |u| <= 1152
      }
    }
  }
}

}  // namespace octet

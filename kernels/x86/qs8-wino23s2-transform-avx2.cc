// Input and output transforms of the stride-2 Winograd form (f23s2: 2x2 output tiles
// of a 3x3 stride-2 layer from 5x5 input patches), AVX2, vectorised over channels (16
// int16 input channels, 8 int32 output channels per vector). The arithmetic is that
// of kernels/pack/qs8-winograd-layout.h: V = (d0 - d2, d2, d4 - d2, d1, d3) along
// each axis in int16 (|V| <= 1020, no wrap); Y = A2^T M A2 in int32 with wrap-around
// (no division), then the requantization of kernels/reference/requantize.h.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/common/qs8-wino23-tile-walk.h"
#include "kernels/x86/qs8-wino23-avx2.h"
#include "kernels/x86/qs8-wino23-x86.h"

namespace octet {

namespace {

// One patch row (5 values) along the row: (d0 - d2, d2, d4 - d2, d1, d3).
struct Row5 {
  __m256i t[5];
};

inline Row5 row_s2(__m256i d0, __m256i d1, __m256i d2, __m256i d3, __m256i d4) {
  return {{_mm256_sub_epi16(d0, d2), d2, _mm256_sub_epi16(d4, d2), d1, d3}};
}

// V position (a, b) of the tile's 16 channels from c0: its slot's row.
inline void store_v(int16_t* out, size_t v_stride, int a, int b, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + kWinogradF23S2Slot[a][b] * v_stride), v);
}

}  // namespace

void qs8_wino23s2_input_16c__avx2(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                                  size_t cp, int16_t* v, size_t v_stride) {
  const __m256i z = _mm256_set1_epi16(static_cast<int16_t>(zero_point));
  const auto zp8 = static_cast<int8_t>(zero_point);
  const size_t c = static_cast<size_t>(s.in_c);
  const size_t pixel_row = static_cast<size_t>(s.in_w) * c;
  Wino23TileWalk tp(s, t0);
  for (size_t t = t0; t < t1; ++t, tp.next()) {
    const int iy0 = 2 * tp.oy - s.pad_top, ix0 = 2 * tp.ox - s.pad_left;
    const int8_t* img = x + tp.n * static_cast<size_t>(s.in_h) * pixel_row;
    const bool inside = iy0 >= 0 && iy0 + 5 <= s.in_h && ix0 >= 0 && ix0 + 5 <= s.in_w;
    int16_t* vt = v + (t - t0) * cp;
    for (size_t c0 = 0; c0 < cp; c0 += 16) {
      const bool full = inside && c0 + 16 <= c;
      const int8_t* p0 = img + (static_cast<size_t>(full ? iy0 : 0) * s.in_w + (full ? ix0 : 0)) * c + c0;
      const auto row = [&](int r) -> Row5 {
        if (full) {
          const int8_t* p = p0 + static_cast<size_t>(r) * pixel_row;
          return row_s2(wino_widen_avx2(p, z), wino_widen_avx2(p + c, z), wino_widen_avx2(p + 2 * c, z),
                        wino_widen_avx2(p + 3 * c, z), wino_widen_avx2(p + 4 * c, z));
        }
        const int iy = iy0 + r;
        return row_s2(wino_load_edge_avx2(s, img, iy, ix0, c0, zp8, z),
                      wino_load_edge_avx2(s, img, iy, ix0 + 1, c0, zp8, z),
                      wino_load_edge_avx2(s, img, iy, ix0 + 2, c0, zp8, z),
                      wino_load_edge_avx2(s, img, iy, ix0 + 3, c0, zp8, z),
                      wino_load_edge_avx2(s, img, iy, ix0 + 4, c0, zp8, z));
      };
      // The same over the rows: V(0) = R0 - R2, V(1) = R2, V(2) = R4 - R2, V(3) = R1,
      // V(4) = R3.
      int16_t* out = vt + c0;
      const Row5 r2 = row(2);
      const Row5 r0 = row(0);
      for (int b = 0; b < 5; ++b) {
        store_v(out, v_stride, 0, b, _mm256_sub_epi16(r0.t[b], r2.t[b]));
        store_v(out, v_stride, 1, b, r2.t[b]);
      }
      const Row5 r4 = row(4);
      for (int b = 0; b < 5; ++b) store_v(out, v_stride, 2, b, _mm256_sub_epi16(r4.t[b], r2.t[b]));
      const Row5 r1 = row(1);
      for (int b = 0; b < 5; ++b) store_v(out, v_stride, 3, b, r1.t[b]);
      const Row5 r3 = row(3);
      for (int b = 0; b < 5; ++b) store_v(out, v_stride, 4, b, r3.t[b]);
    }
  }
}

void qs8_wino23s2_output_8c__avx2(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                  size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y) {
  const size_t k = static_cast<size_t>(s.out_c);
  for (size_t j = 0; j < kc; j += 8) {
    const size_t kk = k0 + j, nb = std::min<size_t>(8, kc - j);
    const WinoRequantAvx2 rq(q, kk);
    Wino23TileWalk tp(s, t0);
    for (size_t t = t0; t < t1; ++t, tp.next()) {
      const int32_t* mt = m + (t - t0) * m_row + j;
      const auto at = [&](int a, int b) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mt + kWinogradF23S2Slot[a][b] * m_stride));
      };
      // A2^T over the rows of M (R0 = M0 + M1 + M3, R1 = M1 + M2 + M4), then over the
      // columns of R; int32 wrap-around, exact by the layer's bound.
      __m256i r0[5], r1[5];
      for (int b = 0; b < 5; ++b) {
        const __m256i m1 = at(1, b);
        r0[b] = _mm256_add_epi32(_mm256_add_epi32(at(0, b), m1), at(3, b));
        r1[b] = _mm256_add_epi32(_mm256_add_epi32(m1, at(2, b)), at(4, b));
      }
      const __m256i yv[4] = {
          _mm256_add_epi32(_mm256_add_epi32(r0[0], r0[1]), r0[3]),
          _mm256_add_epi32(_mm256_add_epi32(r0[1], r0[2]), r0[4]),
          _mm256_add_epi32(_mm256_add_epi32(r1[0], r1[1]), r1[3]),
          _mm256_add_epi32(_mm256_add_epi32(r1[1], r1[2]), r1[4]),
      };
      for (int i = 0; i < 4; ++i) {
        const int oy = tp.oy + i / 2, ox = tp.ox + i % 2;
        if (oy >= s.out_h || ox >= s.out_w) continue;
        int8_t* out = y + ((tp.n * static_cast<size_t>(s.out_h) + oy) * s.out_w + ox) * k + kk;
        rq.store(yv[i], out, nb);
      }
    }
  }
}

}  // namespace octet

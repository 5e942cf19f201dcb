// Winograd F(2x2, 3x3) input and output transforms, AVX2, vectorised over channels
// (16 int16 input channels, 8 int32 output channels per vector). The arithmetic is
// that of kernels/pack/qs8-winograd-layout.h: int16 input transform (|V| <= 1020,
// no wrap), int32 output transform with wrap-around, exact division by 4, then the
// requantization of kernels/reference/requantize.h (requantize-avx2.h).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/common/qs8-wino23-tile-walk.h"
#include "kernels/x86/qs8-wino23-avx2.h"
#include "kernels/x86/qs8-wino23-x86.h"

namespace octet {

namespace {

// One patch row times B: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
struct Row {
  __m256i t0, t1, t2, t3;
};

inline Row row_b(__m256i d0, __m256i d1, __m256i d2, __m256i d3) {
  return {_mm256_sub_epi16(d0, d2), _mm256_add_epi16(d1, d2), _mm256_sub_epi16(d2, d1), _mm256_sub_epi16(d1, d3)};
}

inline void store4(int16_t* v, size_t stride, __m256i a, __m256i b, __m256i c, __m256i d) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(v), a);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + stride), b);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + 2 * stride), c);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + 3 * stride), d);
}

}  // namespace

void qs8_wino23_input_16c__avx2(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                                size_t cp, int16_t* v, size_t v_stride) {
  const __m256i z = _mm256_set1_epi16(static_cast<int16_t>(zero_point));
  const auto zp8 = static_cast<int8_t>(zero_point);
  const size_t c = static_cast<size_t>(s.in_c);
  const size_t pixel_row = static_cast<size_t>(s.in_w) * c;
  Wino23TileWalk tp(s, t0);
  for (size_t t = t0; t < t1; ++t, tp.next()) {
    const int iy0 = tp.oy - s.pad_top, ix0 = tp.ox - s.pad_left;
    const int8_t* img = x + tp.n * static_cast<size_t>(s.in_h) * pixel_row;
    const bool inside = iy0 >= 0 && iy0 + 4 <= s.in_h && ix0 >= 0 && ix0 + 4 <= s.in_w;
    int16_t* vt = v + (t - t0) * cp;
    for (size_t c0 = 0; c0 < cp; c0 += 16) {
      const bool full = inside && c0 + 16 <= c;
      const int8_t* p0 = img + (static_cast<size_t>(full ? iy0 : 0) * s.in_w + (full ? ix0 : 0)) * c + c0;
      const auto row = [&](int r) -> Row {
        if (full) {
          const int8_t* p = p0 + static_cast<size_t>(r) * pixel_row;
          return row_b(wino_widen_avx2(p, z), wino_widen_avx2(p + c, z), wino_widen_avx2(p + 2 * c, z), wino_widen_avx2(p + 3 * c, z));
        }
        const int iy = iy0 + r;
        return row_b(wino_load_edge_avx2(s, img, iy, ix0, c0, zp8, z), wino_load_edge_avx2(s, img, iy, ix0 + 1, c0, zp8, z),
                     wino_load_edge_avx2(s, img, iy, ix0 + 2, c0, zp8, z), wino_load_edge_avx2(s, img, iy, ix0 + 3, c0, zp8, z));
      };
      // B^T over the rows: V0 = R0 - R2, V1 = R1 + R2, V2 = R2 - R1, V3 = R1 - R3.
      int16_t* out = vt + c0;
      const Row r0 = row(0), r2 = row(2);
      store4(out, v_stride, _mm256_sub_epi16(r0.t0, r2.t0), _mm256_sub_epi16(r0.t1, r2.t1),
             _mm256_sub_epi16(r0.t2, r2.t2), _mm256_sub_epi16(r0.t3, r2.t3));
      const Row r1 = row(1);
      store4(out + 4 * v_stride, v_stride, _mm256_add_epi16(r1.t0, r2.t0), _mm256_add_epi16(r1.t1, r2.t1),
             _mm256_add_epi16(r1.t2, r2.t2), _mm256_add_epi16(r1.t3, r2.t3));
      store4(out + 8 * v_stride, v_stride, _mm256_sub_epi16(r2.t0, r1.t0), _mm256_sub_epi16(r2.t1, r1.t1),
             _mm256_sub_epi16(r2.t2, r1.t2), _mm256_sub_epi16(r2.t3, r1.t3));
      const Row r3 = row(3);
      store4(out + 12 * v_stride, v_stride, _mm256_sub_epi16(r1.t0, r3.t0), _mm256_sub_epi16(r1.t1, r3.t1),
             _mm256_sub_epi16(r1.t2, r3.t2), _mm256_sub_epi16(r1.t3, r3.t3));
    }
  }
}

void qs8_wino23_output_8c__avx2(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y) {
  const size_t k = static_cast<size_t>(s.out_c);
  for (size_t j = 0; j < kc; j += 8) {
    const size_t kk = k0 + j, nb = std::min<size_t>(8, kc - j);
    const WinoRequantAvx2 rq(q, kk);
    Wino23TileWalk tp(s, t0);
    for (size_t t = t0; t < t1; ++t, tp.next()) {
      const int32_t* mt = m + (t - t0) * m_row + j;
      const auto at = [&](int p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mt + p * m_stride)); };
      // A^T over the rows of M (R0 = M0 + M1 + M2, R1 = M1 - M2 - M3), then over the
      // columns of R; int32 wrap-around, exact by the layer's bound.
      __m256i r0[4], r1[4];
      for (int col = 0; col < 4; ++col) {
        const __m256i m1 = at(4 + col), m2 = at(8 + col);
        r0[col] = _mm256_add_epi32(_mm256_add_epi32(at(col), m1), m2);
        r1[col] = _mm256_sub_epi32(_mm256_sub_epi32(m1, m2), at(12 + col));
      }
      const __m256i y4[4] = {
          _mm256_add_epi32(_mm256_add_epi32(r0[0], r0[1]), r0[2]),
          _mm256_sub_epi32(_mm256_sub_epi32(r0[1], r0[2]), r0[3]),
          _mm256_add_epi32(_mm256_add_epi32(r1[0], r1[1]), r1[2]),
          _mm256_sub_epi32(_mm256_sub_epi32(r1[1], r1[2]), r1[3]),
      };
      for (int i = 0; i < 4; ++i) {
        const int oy = tp.oy + i / 2, ox = tp.ox + i % 2;
        if (oy >= s.out_h || ox >= s.out_w) continue;
        // 4 Y is a multiple of 4: the arithmetic shift divides exactly.
        int8_t* out = y + ((tp.n * static_cast<size_t>(s.out_h) + oy) * s.out_w + ox) * k + kk;
        rq.store(_mm256_srai_epi32(y4[i], 2), out, nb);
      }
    }
  }
}

}  // namespace octet

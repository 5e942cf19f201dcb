// Winograd F(2x2, 3x3) input and output transforms, NEON (AArch64 and ARMv7),
// vectorised over channels (8 int16 input channels, 8 int32 output channels as two
// vectors of 4). The arithmetic is that of kernels/pack/qs8-winograd-layout.h: d =
// x - Z widened exactly (ssubl), int16 input transform (|V| <= 1020, no wrap), int32
// output transform with wrap-around, exact division by 4 (sshr: 4 Y is a multiple of
// 4), then the 64-bit requantization of requantize-neon.h, equal to
// kernels/reference/requantize.h for every shift in [1, 62]. Only that form: a 32-bit
// one (like x86's requantize-high32-avx2.h) would need its own exactness proof.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/common/qs8-wino23-tile-walk.h"
#include "kernels/arm/qs8-wino23-arm.h"
#include "kernels/arm/requantize-neon.h"

namespace octet {

namespace {

// d = x - Z of 8 channels (int16, exact).
inline int16x8_t widen(const int8_t* p, int8x8_t z) { return vsubl_s8(vld1_s8(p), z); }

// d of 8 channels from c0 at (iy, ix): 0 outside the image (padding), and beyond the
// last channel (which is never read).
inline int16x8_t load_edge(const ConvShape& s, const int8_t* img, int iy, int ix, size_t c0, int8x8_t z) {
  if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) return vdupq_n_s16(0);
  const size_t c = static_cast<size_t>(s.in_c);
  const int8_t* p = img + (static_cast<size_t>(iy) * s.in_w + ix) * c + c0;
  if (c0 + 8 <= c) return widen(p, z);
  int8_t tmp[8];
  vst1_s8(tmp, z);
  std::memcpy(tmp, p, c - c0);
  return widen(tmp, z);
}

// One patch row times B: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
struct Row {
  int16x8_t t0, t1, t2, t3;
};

inline Row row_b(int16x8_t d0, int16x8_t d1, int16x8_t d2, int16x8_t d3) {
  return {vsubq_s16(d0, d2), vaddq_s16(d1, d2), vsubq_s16(d2, d1), vsubq_s16(d1, d3)};
}

inline void store4(int16_t* v, size_t stride, int16x8_t a, int16x8_t b, int16x8_t c, int16x8_t d) {
  vst1q_s16(v, a);
  vst1q_s16(v + stride, b);
  vst1q_s16(v + 2 * stride, c);
  vst1q_s16(v + 3 * stride, d);
}

}  // namespace

void qs8_wino23_input_8c__neon(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                               size_t cp, int16_t* v, size_t v_stride) {
  const int8x8_t z = vdup_n_s8(static_cast<int8_t>(zero_point));
  const size_t c = static_cast<size_t>(s.in_c);
  const size_t pixel_row = static_cast<size_t>(s.in_w) * c;
  Wino23TileWalk tp(s, t0);
  for (size_t t = t0; t < t1; ++t, tp.next()) {
    const int iy0 = tp.oy - s.pad_top, ix0 = tp.ox - s.pad_left;
    const int8_t* img = x + tp.n * static_cast<size_t>(s.in_h) * pixel_row;
    const bool inside = iy0 >= 0 && iy0 + 4 <= s.in_h && ix0 >= 0 && ix0 + 4 <= s.in_w;
    int16_t* vt = v + (t - t0) * cp;
    for (size_t c0 = 0; c0 < cp; c0 += 8) {
      const bool full = inside && c0 + 8 <= c;
      const int8_t* p0 = img + (static_cast<size_t>(full ? iy0 : 0) * s.in_w + (full ? ix0 : 0)) * c + c0;
      const auto row = [&](int r) -> Row {
        if (full) {
          const int8_t* p = p0 + static_cast<size_t>(r) * pixel_row;
          return row_b(widen(p, z), widen(p + c, z), widen(p + 2 * c, z), widen(p + 3 * c, z));
        }
        const int iy = iy0 + r;
        return row_b(load_edge(s, img, iy, ix0, c0, z), load_edge(s, img, iy, ix0 + 1, c0, z),
                     load_edge(s, img, iy, ix0 + 2, c0, z), load_edge(s, img, iy, ix0 + 3, c0, z));
      };
      // B^T over the rows: V0 = R0 - R2, V1 = R1 + R2, V2 = R2 - R1, V3 = R1 - R3.
      int16_t* out = vt + c0;
      const Row r0 = row(0), r2 = row(2);
      store4(out, v_stride, vsubq_s16(r0.t0, r2.t0), vsubq_s16(r0.t1, r2.t1), vsubq_s16(r0.t2, r2.t2),
             vsubq_s16(r0.t3, r2.t3));
      const Row r1 = row(1);
      store4(out + 4 * v_stride, v_stride, vaddq_s16(r1.t0, r2.t0), vaddq_s16(r1.t1, r2.t1),
             vaddq_s16(r1.t2, r2.t2), vaddq_s16(r1.t3, r2.t3));
      store4(out + 8 * v_stride, v_stride, vsubq_s16(r2.t0, r1.t0), vsubq_s16(r2.t1, r1.t1),
             vsubq_s16(r2.t2, r1.t2), vsubq_s16(r2.t3, r1.t3));
      const Row r3 = row(3);
      store4(out + 12 * v_stride, v_stride, vsubq_s16(r1.t0, r3.t0), vsubq_s16(r1.t1, r3.t1),
             vsubq_s16(r1.t2, r3.t2), vsubq_s16(r1.t3, r3.t3));
    }
  }
}

void qs8_wino23_output_8c__neon(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y) {
  const RequantOutNeon ro = requant_out_neon(q.zero_point, q.qmin, q.qmax);
  const size_t k = static_cast<size_t>(s.out_c);
  for (size_t j = 0; j < kc; j += 8) {
    const size_t kk = k0 + j, nb = std::min<size_t>(8, kc - j);
    const RequantLanesNeon lanes[2] = {requant_lanes_neon(q.m0 + kk, q.shift + kk),
                                       requant_lanes_neon(q.m0 + kk + 4, q.shift + kk + 4)};
    const int32x4_t bias[2] = {vld1q_s32(q.bias + kk), vld1q_s32(q.bias + kk + 4)};
    Wino23TileWalk tp(s, t0);
    for (size_t t = t0; t < t1; ++t, tp.next()) {
      // The 4 pixels' values as int16 (saturated, as requant_pack8_neon narrows),
      // channels 0-3 then 4-7: one half of 8 channels at a time keeps ARMv7's 16 q
      // registers enough.
      int16x4_t part[4][2];
      for (int h = 0; h < 2; ++h) {
        const int32_t* mt = m + (t - t0) * m_row + j + 4 * h;
        const auto at = [&](int p) { return vld1q_s32(mt + p * m_stride); };
        // A^T over the rows of M (R0 = M0 + M1 + M2, R1 = M1 - M2 - M3), then over the
        // columns of R; int32 wrap-around, exact by the layer's bound.
        int32x4_t r0[4], r1[4];
        for (int col = 0; col < 4; ++col) {
          const int32x4_t m1 = at(4 + col), m2 = at(8 + col);
          r0[col] = vaddq_s32(vaddq_s32(at(col), m1), m2);
          r1[col] = vsubq_s32(vsubq_s32(m1, m2), at(12 + col));
        }
        const int32x4_t y4[4] = {
            vaddq_s32(vaddq_s32(r0[0], r0[1]), r0[2]),
            vsubq_s32(vsubq_s32(r0[1], r0[2]), r0[3]),
            vaddq_s32(vaddq_s32(r1[0], r1[1]), r1[2]),
            vsubq_s32(vsubq_s32(r1[1], r1[2]), r1[3]),
        };
        for (int i = 0; i < 4; ++i) {
          // 4 Y is a multiple of 4: the arithmetic shift divides exactly.
          const int32x4_t acc = vaddq_s32(vshrq_n_s32(y4[i], 2), bias[h]);
          part[i][h] = vqmovn_s32(requant_neon(acc, lanes[h], ro));
        }
      }
      for (int i = 0; i < 4; ++i) {
        const int oy = tp.oy + i / 2, ox = tp.ox + i % 2;
        if (oy >= s.out_h || ox >= s.out_w) continue;
        const int8x8_t b = vqmovn_s16(vcombine_s16(part[i][0], part[i][1]));
        int8_t* out = y + ((tp.n * static_cast<size_t>(s.out_h) + oy) * s.out_w + ox) * k + kk;
        store_bytes8_neon(out, vmin_s8(vmax_s8(b, vget_low_s8(ro.qmin)), vget_low_s8(ro.qmax)), nb);
      }
    }
  }
}

}  // namespace octet

// int8 GEMM tiles of MR rows x NR channels with k in runs of 8 (layout kr = 8), for
// NEON without the dot product (AArch64 ARMv8.0, ARMv7): smull multiplies 8 int8
// pairs into int16 (|x w| <= 2^14, exact) and sadalp adds adjacent products into the
// int32 accumulator of the (row, channel). Two instructions per 8 MACs; the four
// lanes of each accumulator are added at the end. No smlal: two int8 products can
// reach 2^15 and overflow int16. Requantization is fused (requantize-neon.h).
// Include from one NEON file per tile; everything has internal linkage.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/requantize-neon.h"
#include "kernels/common/qs8-gemm-columns.h"
#include "kernels/qs8-gemm-config.h"

namespace octet {
namespace {

// Adds the 4 lanes of each of a0..a3: {sum a0, sum a1, sum a2, sum a3}.
inline int32x4_t reduce4_neon(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(a0, a1), vpaddq_s32(a2, a3));
#else
  const int32x2_t s0 = vpadd_s32(vget_low_s32(a0), vget_high_s32(a0));
  const int32x2_t s1 = vpadd_s32(vget_low_s32(a1), vget_high_s32(a1));
  const int32x2_t s2 = vpadd_s32(vget_low_s32(a2), vget_high_s32(a2));
  const int32x2_t s3 = vpadd_s32(vget_low_s32(a3), vget_high_s32(a3));
  return vcombine_s32(vpadd_s32(s0, s1), vpadd_s32(s2, s3));
#endif
}

// The first n (< 8) bytes of p, zero beyond.
inline int8x8_t load_partial8_neon(const int8_t* p, size_t n) {
  int8_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(tmp, p, n);
  return vld1_s8(tmp);
}

template <int MR, int NR>
void qs8_gemm_c8_tile_neon(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c,
                           size_t c_stride, const RequantOutNeon& ro) {
  static_assert(NR % 4 == 0, "channels in vectors of 4");
  const int8_t* ar[MR];
  for (int r = 0; r < MR; ++r) ar[r] = a + r * a_stride;
  int32x4_t acc[MR][NR];
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NR; ++j) acc[r][j] = vdupq_n_s32(0);
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const int8_t* w = reinterpret_cast<const int8_t*>(block + 3 * sizeof(int32_t) * NR);
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 8 * NR) {
    int8x8_t x[MR];
    for (int r = 0; r < MR; ++r) x[r] = vld1_s8(ar[r] + k);
    for (int j = 0; j < NR; ++j) {
      const int8x8_t wj = vld1_s8(w + 8 * j);
      for (int r = 0; r < MR; ++r) acc[r][j] = vpadalq_s16(acc[r][j], vmull_s8(wj, x[r]));
    }
  }
  if (k < kc) {  // the last run meets zero weights beyond kc
    int8x8_t x[MR];
    for (int r = 0; r < MR; ++r) x[r] = load_partial8_neon(ar[r] + k, kc - k);
    for (int j = 0; j < NR; ++j) {
      const int8x8_t wj = vld1_s8(w + 8 * j);
      for (int r = 0; r < MR; ++r) acc[r][j] = vpadalq_s16(acc[r][j], vmull_s8(wj, x[r]));
    }
  }
  RequantLanesNeon rl[NR / 4];
  int32x4_t bias[NR / 4];
  for (int q = 0; q < NR / 4; ++q) {
    rl[q] = requant_lanes_neon(header + NR + 4 * q, header + 2 * NR + 4 * q);
    bias[q] = vld1q_s32(header + 4 * q);
  }
  for (int r = 0; r < MR; ++r) {
    int32x4_t y[NR / 4];
    for (int q = 0; q < NR / 4; ++q) {
      const int32x4_t s = reduce4_neon(acc[r][4 * q], acc[r][4 * q + 1], acc[r][4 * q + 2], acc[r][4 * q + 3]);
      y[q] = requant_neon(vaddq_s32(s, bias[q]), rl[q], ro);
    }
    if constexpr (NR == 8) {
      store_bytes8_neon(c + r * c_stride, requant_pack8_neon(y[0], y[1], ro), nc);
    } else {
      static_assert(NR == 4, "tiles of 4 or 8 channels");
      const int8x8_t v = requant_pack8_neon(y[0], y[0], ro);
      store_bytes8_neon(c + r * c_stride, v, nc < 4 ? nc : 4);
    }
  }
}

// The whole GEMM call: column blocks of NR, rows in tiles of MR (mr <= MR).
template <int MR, int NR>
void qs8_gemm_c8_neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w, int8_t* c,
                      size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  constexpr QS8GemmLayout kLayout{NR, false, false, 8};
  qs8_gemm_columns<NR, MR>(mr, nc, kLayout.block_bytes(kc), w, c,
                           [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                             qs8_gemm_c8_tile_neon<decltype(rows)::value, NR>(ncb, kc, a, a_stride, block, cb,
                                                                             c_stride, ro);
                           });
}

}  // namespace
}  // namespace octet

// The int16 x int16 -> int32 multiply-accumulate of the NEON GEMMs on k-pair weights
// ([k / 2][8][2] int16: the Winograd layout with nr 8, and the int16 layout of
// qs8-gemm-layout.h with nr 8, whose groups [2][8][2] are the same stream). ld2
// splits 8 channel pairs into the even k and the odd k of the 8 channels, so the
// pairs need no shuffle, and smlal by lane (vmlal_lane_s16) multiplies 4 channels by
// one activation: 4 MACs per instruction, the products exact in int32, the sums
// wrapping in int32 (exact by the bounds of the callers' layouts). Two int32x4
// accumulators per row (channels 0-3, 4-7). Include only from NEON files; internal
// linkage throughout.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace octet {
namespace {

// acc (channels 0-3, 4-7) += w (8 channels) * x[L].
template <int L>
inline void s16_mac8_neon(int32x4_t& lo, int32x4_t& hi, int16x8_t w, int16x8_t x) {
#if defined(__aarch64__)
  lo = vmlal_laneq_s16(lo, vget_low_s16(w), x, L);
  hi = vmlal_high_laneq_s16(hi, w, x, L);
#else
  // ARMv7: the scalar operand is a d register (lanes 0-3).
  const int16x4_t xd = L < 4 ? vget_low_s16(x) : vget_high_s16(x);
  lo = vmlal_lane_s16(lo, vget_low_s16(w), xd, L & 3);
  hi = vmlal_lane_s16(hi, vget_high_s16(w), xd, L & 3);
#endif
}

// Accumulators are named variables, not arrays: GCC 12 kept an array (or a struct)
// of 16 accumulators on the stack, storing all of them on every iteration.
#define OCTET_S16_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define OCTET_S16_MAC(r)                                             \
  if constexpr (MR > r) {                                            \
    s16_mac8_neon<kLane>(lo##r, hi##r, wp.val[0], x##r);             \
    s16_mac8_neon<kLane + 1>(lo##r, hi##r, wp.val[1], x##r);         \
  }
// k pair P of the run (k = 2P, 2P + 1 of each row's x) against its [8][2] int16 at
// w + 16 P. ld2: val[0] holds k = 2P of channels 0-7, val[1] k = 2P + 1.
#define OCTET_S16_PAIR(P)                               \
  {                                                     \
    constexpr int kLane = 2 * (P);                      \
    const int16x8x2_t wp = vld2q_s16(w + 16 * (P));     \
    OCTET_S16_ROWS(OCTET_S16_MAC)                       \
  }

// One tile of MR (<= 6) rows x 8 channels over kc values of k, the weights at w
// ([k / 2][8][2] int16: at least ceil(kc / 2) pairs, zero where k >= kc). The
// accumulators start at init_lo / init_hi (channels 0-3, 4-7). Rows come from
// `in`: in.x(r, k) is row r's 8 values from k (k + 8 <= kc), in.tail(r) its last
// kc % 8 values padded with zeros (read before the loop, while no accumulator is
// live: the copy may be a call). At the end out(r, lo, hi) per row.
template <int MR, class In, class Out>
inline void s16_tile8_neon(size_t kc, const int16_t* w, int32x4_t init_lo, int32x4_t init_hi, const In& in,
                           const Out& out) {
  static_assert(MR >= 1 && MR <= 6, "up to 6 rows");
  const size_t kc8 = kc & ~size_t{7}, rest = kc - kc8;
  int16x8_t tail[MR];
  for (int r = 0; r < MR; ++r) tail[r] = rest != 0 ? in.tail(r) : vdupq_n_s16(0);
#define OCTET_DECLARE(r) int32x4_t lo##r = init_lo, hi##r = init_hi;
  OCTET_S16_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  for (size_t k = 0; k < kc8; k += 8, w += 64) {
#define OCTET_LOAD(r) const int16x8_t x##r = MR > r ? in.x(r, k) : vdupq_n_s16(0);
    OCTET_S16_ROWS(OCTET_LOAD)
#undef OCTET_LOAD
    OCTET_S16_PAIR(0)
    OCTET_S16_PAIR(1)
    OCTET_S16_PAIR(2)
    OCTET_S16_PAIR(3)
  }
  if (rest != 0) {  // the pairs of the last run that hold weights: ceil(rest / 2)
#define OCTET_LOAD(r) const int16x8_t x##r = MR > r ? tail[MR > r ? r : 0] : vdupq_n_s16(0);
    OCTET_S16_ROWS(OCTET_LOAD)
#undef OCTET_LOAD
    OCTET_S16_PAIR(0)
    if (rest > 2) OCTET_S16_PAIR(1)
    if (rest > 4) OCTET_S16_PAIR(2)
    if (rest > 6) OCTET_S16_PAIR(3)
  }
#define OCTET_OUT(r) \
  if constexpr (MR > r) out(r, lo##r, hi##r);
  OCTET_S16_ROWS(OCTET_OUT)
#undef OCTET_OUT
}
#undef OCTET_S16_PAIR
#undef OCTET_S16_MAC
#undef OCTET_S16_ROWS

// s16_gemm_fn (kernels/qs8-winograd-config.h) on tiles of MR rows x 8 channels, for
// the Winograd domain: kc even (a multiple of 8 with the Winograd layout's c_align
// 8), no requantization.
template <int MR>
void s16_gemm_tile_neon(size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c,
                        size_t c_stride) {
  struct In {
    const int16_t* a;
    size_t a_stride, kc8, rest;
    int16x8_t x(int r, size_t k) const { return vld1q_s16(a + r * a_stride + k); }
    int16x8_t tail(int r) const {
      int16_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      std::memcpy(t, a + r * a_stride + kc8, rest * sizeof(int16_t));
      return vld1q_s16(t);
    }
  };
  const In in{a, a_stride, kc & ~size_t{7}, kc & 7};
  const auto out = [&](int r, int32x4_t lo, int32x4_t hi) {
    vst1q_s32(c + r * c_stride, lo);
    vst1q_s32(c + r * c_stride + 4, hi);
  };
  s16_tile8_neon<MR>(kc, w, vdupq_n_s32(0), vdupq_n_s32(0), in, out);
}

template <int MR>
void s16_gemm_neon(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c,
                   size_t c_stride) {
  static_assert(MR == 4 || MR == 6, "tiles of 4 or 6 rows");
  for (size_t n = 0; n < nc; n += 8, w += kc * 8, c += 8) {
    switch (mr < MR ? mr : MR) {
      case 1: s16_gemm_tile_neon<1>(kc, a, a_stride, w, c, c_stride); break;
      case 2: s16_gemm_tile_neon<2>(kc, a, a_stride, w, c, c_stride); break;
      case 3: s16_gemm_tile_neon<3>(kc, a, a_stride, w, c, c_stride); break;
      case 4: s16_gemm_tile_neon<4>(kc, a, a_stride, w, c, c_stride); break;
      case 5: s16_gemm_tile_neon<(MR > 5 ? 5 : MR)>(kc, a, a_stride, w, c, c_stride); break;
      default: s16_gemm_tile_neon<MR>(kc, a, a_stride, w, c, c_stride); break;
    }
  }
}

}  // namespace
}  // namespace octet

// int8 activations x int16 weights (the int16 layout of qs8-gemm-layout.h, nr 8: the
// products of two activations, whose zero-point-corrected values need 9 bits), tiles
// of MR rows x 8 channels, NEON (AArch64 and ARMv7). Activations are sign-extended
// to int16 8 at a time (sxtl); the multiply-accumulate is s16-gemm-neon.h (smlal by
// lane: |x w| <= 128 * 255 fits, the int32 sums are exact by the load-time check of
// the layout). The accumulators start at the packed bias; requantization is fused
// (requantize-neon.h). Include from one NEON file per tile; internal linkage.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/requantize-neon.h"
#include "kernels/arm/s16-gemm-neon.h"
#include "kernels/common/qs8-gemm-columns.h"
#include "kernels/qs8-gemm-config.h"

namespace octet {
namespace {

template <int MR>
void qs8_gemm_c2_tile_neon(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c,
                           size_t c_stride, const RequantOutNeon& ro) {
  constexpr QS8GemmLayout kLayout{8, true, false};
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const auto* w = reinterpret_cast<const int16_t*>(block + kLayout.header_bytes());
  struct In {
    const int8_t* a;
    size_t a_stride, kc8, rest;
    int16x8_t x(int r, size_t k) const { return vmovl_s8(vld1_s8(a + r * a_stride + k)); }
    int16x8_t tail(int r) const {  // the last 1-7 k, in 1 or 2 groups of weights
      int8_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      std::memcpy(t, a + r * a_stride + kc8, rest);
      return vmovl_s8(vld1_s8(t));
    }
  };
  const In in{a, a_stride, kc & ~size_t{7}, kc & 7};
  // The requantization constants are read after the loop (inside out): live across
  // it they left too few registers and GCC copied the activations around.
  const auto out = [&](int r, int32x4_t lo, int32x4_t hi) {
    const RequantLanesNeon rl_lo = requant_lanes_neon(header + 8, header + 16);
    const RequantLanesNeon rl_hi = requant_lanes_neon(header + 12, header + 20);
    const int8x8_t y = requant_pack8_neon(requant_neon(lo, rl_lo, ro), requant_neon(hi, rl_hi, ro), ro);
    store_bytes8_neon(c + r * c_stride, y, nc);
  };
  s16_tile8_neon<MR>(kc, w, vld1q_s32(header), vld1q_s32(header + 4), in, out);
}

// qs8_gemm_fn over column blocks of 8, rows in one tile of up to MR.
template <int MR>
void qs8_gemm_c2_neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w, int8_t* c,
                      size_t c_stride, const QS8GemmOutput& out) {
  static_assert(MR == 4 || MR == 6, "tiles of 4 or 6 rows");
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  constexpr QS8GemmLayout kLayout{8, true, false};
  qs8_gemm_columns<8, MR>(mr, nc, kLayout.block_bytes(kc), w, c,
                          [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                            qs8_gemm_c2_tile_neon<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                          });
}

}  // namespace
}  // namespace octet

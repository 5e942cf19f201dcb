// The row walk of the NEON depthwise kernels (16-channel tile), shared by the neon
// files (smlal on int16, layout taps 1; AArch64 and ARMv7) and the neondot files
// (sdot over 4 kernel rows, layout taps 4 signed_dot; AArch64), which differ only in
// the `Taps` policy: how the kernel rows of one input column are prepared once and
// how one prepared column meets the weights of one tap (or group of 4 row taps).
//
// The walk is the one of kernels/x86/qs8-dwconv-avx2.h: each input column of the G
// interior outputs of a step is prepared once and feeds every output that uses it;
// border columns and padded rows read zero-point bytes (the packed bias removes
// Z * sum(w), so the kernels multiply raw bytes). The last block of a channel count
// that is not a multiple of 16 goes through a 16-byte copy, so nothing past a pixel
// is read or written. Requantization is fused: the 32-bit form of requantize-neon.h
// for a block whose every shift is in [32, 62] (checked per block: the row's
// high_multiply is the x86 range [33, 54]), else the 64-bit one.
// Include only from NEON files; everything here has internal linkage.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "kernels/arm/requantize-neon.h"
#include "kernels/pack/qs8-dwconv-layout.h"
#include "kernels/qs8-dwconv-config.h"

namespace octet {
namespace {

// Calls f(integral_constant<int, 0>) .. f(integral_constant<int, N - 1>): the loops
// over taps and outputs unrolled with compile-time indices, so they stay in registers.
template <class F, int... I>
inline __attribute__((always_inline)) void dw_static_for(F&& f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>()), ...);
}
template <int N, class F>
inline __attribute__((always_inline)) void dw_static_for(F&& f) {
  dw_static_for(f, std::make_integer_sequence<int, N>());
}

// 16 bytes of channels c0.. of one pixel (kFull false: nc < 16, the rest zero).
template <bool kFull>
inline __attribute__((always_inline)) int8x16_t dw_load16_neon(const int8_t* a, size_t nc) {
  if (kFull) return vld1q_s8(a);
  alignas(16) int8_t t[16] = {};
  std::memcpy(t, a, nc);
  return vld1q_s8(t);
}

struct DwAccNeon {
  int32x4_t v[4];  // channels 0-3, 4-7, 8-11, 12-15
};

template <bool kHigh>
struct DwRequantNeon;

template <>
struct DwRequantNeon<false> {
  RequantLanesNeon r[4];
  DwRequantNeon(const int32_t* m0, const int32_t* shift) {
    for (int i = 0; i < 4; ++i) r[i] = requant_lanes_neon(m0 + 4 * i, shift + 4 * i);
  }
  __attribute__((always_inline)) int32x4_t apply(int32x4_t acc, int i, const RequantOutNeon& o) const {
    return requant_neon(acc, r[i], o);
  }
};

template <>
struct DwRequantNeon<true> {
  RequantHighNeon r[4];
  DwRequantNeon(const int32_t* m0, const int32_t* shift) {
    for (int i = 0; i < 4; ++i) r[i] = requant_high_lanes_neon(m0 + 4 * i, shift + 4 * i);
  }
  __attribute__((always_inline)) int32x4_t apply(int32x4_t acc, int i, const RequantOutNeon& o) const {
    return requant_high_neon(acc, r[i], o);
  }
};

// Layout taps 1: each input column is sign-extended to int16 once (sxtl, sxtl2), and
// one tap of 16 channels is 4 smlal (int16 x int16 into int32: exact, |x w| <= 2^14)
// with 2 loads of int16 weights.
struct DwTapsNeon {
  static constexpr int kTaps = 1;
  static constexpr bool kSignedDot = false;
  struct Col {
    int16x8_t lo, hi;  // channels 0-7, 8-15
  };
  template <int kRows, bool kFull>
  static __attribute__((always_inline)) Col load(const int8_t* const* px, size_t nc) {
    const int8x16_t v = dw_load16_neon<kFull>(px[0], nc);
    return {vmovl_s8(vget_low_s8(v)), vmovl_s8(vget_high_s8(v))};
  }
  static __attribute__((always_inline)) void mac(DwAccNeon& a, const Col& x, const uint8_t* wb) {
    const auto* w = reinterpret_cast<const int16_t*>(wb);
    const int16x8_t w0 = vld1q_s16(w), w1 = vld1q_s16(w + 8);
    a.v[0] = vmlal_s16(a.v[0], vget_low_s16(x.lo), vget_low_s16(w0));
    a.v[2] = vmlal_s16(a.v[2], vget_low_s16(x.hi), vget_low_s16(w1));
#if defined(__aarch64__)
    a.v[1] = vmlal_high_s16(a.v[1], x.lo, w0);  // smlal2: no extract of the high halves
    a.v[3] = vmlal_high_s16(a.v[3], x.hi, w1);
#else
    a.v[1] = vmlal_s16(a.v[1], vget_high_s16(x.lo), vget_high_s16(w0));
    a.v[3] = vmlal_s16(a.v[3], vget_high_s16(x.hi), vget_high_s16(w1));
#endif
  }
};

// Taps policy (Taps::kTaps rows per weight lane, Taps::kSignedDot for the layout):
//   Col Taps::load<kRows, kFull>(px, nc)  px[0 .. kRows-1]: the column's bytes in
//                                   kernel rows kTaps*j .. (kRows <= kTaps valid
//                                   rows); kFull: 16 channels, else nc < 16
//   Taps::mac(acc, col, w)          w: the lanes of (row group j, column kx)
// One block of 16 channels (kFull) or of the last nc < 16, c0 .. c0 + nc - 1, along
// the whole output row.
template <class Taps, int KH, int KW, int SW, bool kHigh, bool kFull>
void dw_block_neon(const int8_t* const* rows, int8_t* out, const uint8_t* block, const QS8DwConvRow& p, size_t c0,
                   size_t nc) {
  constexpr int kT = Taps::kTaps;
  constexpr QS8DwConvLayout kL{16, false, KH, KW, kT, Taps::kSignedDot};
  constexpr int kGroups = kL.row_groups();
  // Interior outputs per step, the fewest instructions per output in the disassembly:
  // 2 on AArch64 (with 3 or 4 the compiler spills accumulators), 1 on ARMv7 (16 q
  // registers: 2 spill, 180 instructions per 3x3 output against 140). The rare copies
  // (a channel tail, shifts outside [32, 62]) run one output at a time: half the code.
#if defined(__aarch64__)
  constexpr int kG = kHigh && kFull ? 2 : 1;
#else
  constexpr int kG = 1;
#endif
  constexpr size_t kTapBytes = 16 * kL.lane_bytes();
  using Col = typename Taps::Col;
  const size_t cs = p.channels;
  const ptrdiff_t pl = p.pad_left;
  const RequantOutNeon ro = requant_out_neon(p.zero_point, p.qmin, p.qmax);
  const auto* hdr = reinterpret_cast<const int32_t*>(block);
  const uint8_t* w = block + kL.header_bytes();
  const DwRequantNeon<kHigh> rq(hdr + 16, hdr + 32);
  int8_t* o = out + c0;

  auto init = [&](DwAccNeon& a) __attribute__((always_inline)) {
    for (int i = 0; i < 4; ++i) a.v[i] = vld1q_s32(hdr + 4 * i);
  };
  auto store = [&](const DwAccNeon& a, int ox) __attribute__((always_inline)) {
    const int8x16_t y =
        requant_pack16_neon(rq.apply(a.v[0], 0, ro), rq.apply(a.v[1], 1, ro), rq.apply(a.v[2], 2, ro),
                            rq.apply(a.v[3], 3, ro), ro);
    store_bytes_neon(o + static_cast<size_t>(ox) * cs, y, kFull ? 16 : nc);
  };

  auto border = [&](int ox) __attribute__((always_inline)) {
    DwAccNeon a;
    init(a);
    dw_static_for<KW>([&](auto kx_c) __attribute__((always_inline)) {
      constexpr int kx = decltype(kx_c)::value;
      const ptrdiff_t ix = static_cast<ptrdiff_t>(ox) * SW - pl + kx;
      const bool valid = ix >= 0 && ix < p.in_w;
      const size_t off = static_cast<size_t>(valid ? ix : 0) * cs + c0;
      dw_static_for<kGroups>([&](auto j_c) __attribute__((always_inline)) {
        constexpr int j = decltype(j_c)::value;
        constexpr int kRows = KH - kT * j < kT ? KH - kT * j : kT;
        const int8_t* px[kRows];
        for (int t = 0; t < kRows; ++t) px[t] = valid ? rows[kT * j + t] + off : p.zero + c0;
        const Col x = Taps::template load<kRows, kFull>(px, nc);
        Taps::mac(a, x, w + (j * KW + kx) * kTapBytes);
      });
    });
    store(a, ox);
  };

  auto interior = [&](int ox, auto g_const) __attribute__((always_inline)) {
    constexpr int G = decltype(g_const)::value;
    constexpr int kSpan = (G - 1) * SW + KW;
    DwAccNeon acc[G];
    for (int g = 0; g < G; ++g) init(acc[g]);
    const size_t base = static_cast<size_t>(static_cast<ptrdiff_t>(ox) * SW - pl) * cs + c0;
    dw_static_for<kSpan>([&](auto col_c) __attribute__((always_inline)) {
      constexpr int col = decltype(col_c)::value;
      const size_t off = base + static_cast<size_t>(col) * cs;
      dw_static_for<kGroups>([&](auto j_c) __attribute__((always_inline)) {
        constexpr int j = decltype(j_c)::value;
        constexpr int kRows = KH - kT * j < kT ? KH - kT * j : kT;
        const int8_t* px[kRows];
        for (int t = 0; t < kRows; ++t) px[t] = rows[kT * j + t] + off;
        const Col x = Taps::template load<kRows, kFull>(px, nc);
        dw_static_for<G>([&](auto g_c) __attribute__((always_inline)) {
          constexpr int g = decltype(g_c)::value;
          constexpr int kx = col - g * SW;
          if constexpr (kx >= 0 && kx < KW) Taps::mac(acc[g], x, w + (j * KW + kx) * kTapBytes);
        });
      });
    });
    for (int g = 0; g < G; ++g) store(acc[g], ox + g);
  };

  int ox = 0;
  for (; ox < p.interior_begin; ++ox) border(ox);
  for (; ox + kG <= p.interior_end; ox += kG) interior(ox, std::integral_constant<int, kG>());
  if constexpr (kG > 1) {
    for (; ox < p.interior_end; ++ox) interior(ox, std::integral_constant<int, 1>());
  }
  for (; ox < p.out_w; ++ox) border(ox);
}

// True when every lane of the block has a shift in [32, 62]: the 32-bit
// requantization of requantize-neon.h is exact there (lanes past the channel count
// repeat real channels, so all 16 decide).
inline bool dw_block_high_neon(const uint8_t* block) {
  const auto* shift = reinterpret_cast<const int32_t*>(block) + 32;
  bool high = true;
  for (int i = 0; i < 16; ++i) high = high && shift[i] >= 32;
  return high;
}

template <class Taps, int KH, int KW, int SW>
void dw_row_neon(const int8_t* const* rows_in, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  constexpr QS8DwConvLayout kL{16, false, KH, KW, Taps::kTaps, Taps::kSignedDot};
  const int8_t* rows[KH];
  for (int ky = 0; ky < KH; ++ky) rows[ky] = rows_in[ky];
  const auto* block = static_cast<const uint8_t*>(packed);
  size_t c0 = 0;
  for (; c0 + 16 <= p.channels; c0 += 16, block += kL.block_bytes()) {
    if (dw_block_high_neon(block)) {
      dw_block_neon<Taps, KH, KW, SW, true, true>(rows, out, block, p, c0, 16);
    } else {
      dw_block_neon<Taps, KH, KW, SW, false, true>(rows, out, block, p, c0, 16);
    }
  }
  if (c0 == p.channels) return;
  if (dw_block_high_neon(block)) {
    dw_block_neon<Taps, KH, KW, SW, true, false>(rows, out, block, p, c0, p.channels - c0);
  } else {
    dw_block_neon<Taps, KH, KW, SW, false, false>(rows, out, block, p, c0, p.channels - c0);
  }
}

template <class Taps, int KH, int KW>
void dw_neon(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  if (p.stride_w == 1) {
    dw_row_neon<Taps, KH, KW, 1>(rows, out, packed, p);
  } else {
    dw_row_neon<Taps, KH, KW, 2>(rows, out, packed, p);
  }
}

}  // namespace
}  // namespace octet

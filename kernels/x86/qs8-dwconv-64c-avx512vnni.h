// The body of the AVX-512 VNNI depthwise row kernels (64-channel tile, four kernel
// rows per int32 lane with vpdpbusd). Include only from files compiled with
// -mavx512f -mavx512bw -mavx512vl -mavx512vnni; everything here has internal linkage.
//
// For one block of 64 channels the kernel walks the output row. Each input column
// it reads is loaded once from four kernel rows (the last row repeated where kh
// is not a multiple of 4; its weights are 0), sign-flipped to uint8 (x ^ 0x80) and
// interleaved bytewise with vpunpck{l,h}bw then vpunpck{l,h}wd into four zmm of
// 16 channels x 4 rows, the packed weights' lane order (taps 4 in
// kernels/pack/qs8-dwconv-layout.h). A 3x3 output then costs three vpdpbusd per
// 16 channels. Interior outputs are computed G at a time from the columns they
// span; border outputs read zero-point bytes for columns outside the row, and
// vertical padding arrives as a zero-point row. Requantization is fused (the
// high-product form of qs8-dwconv-avx512.h when every shift is in [33, 54]), and
// vpackssdw / vpacksswb put the 64 results back in channel order.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/x86/qs8-dwconv-avx512.h"

namespace octet {
namespace {

struct DwQuadAvx512 {
  __m512i v[4];  // channels 16L + 4i + q of 128-bit lane L, zmm i
};

inline __m512i dw_load64_flipped(const int8_t* p, __mmask64 m) {
  return _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, p), _mm512_set1_epi8(static_cast<char>(0x80)));
}

inline DwQuadAvx512 dw_quad(__m512i a, __m512i b, __m512i c, __m512i d) {
  const __m512i ab_lo = _mm512_unpacklo_epi8(a, b), ab_hi = _mm512_unpackhi_epi8(a, b);
  const __m512i cd_lo = _mm512_unpacklo_epi8(c, d), cd_hi = _mm512_unpackhi_epi8(c, d);
  return {{_mm512_unpacklo_epi16(ab_lo, cd_lo), _mm512_unpackhi_epi16(ab_lo, cd_lo), _mm512_unpacklo_epi16(ab_hi, cd_hi),
           _mm512_unpackhi_epi16(ab_hi, cd_hi)}};
}

// Rows 4j .. 4j + 3 of the window at byte offset `off` (the last row repeated),
// each read by load(pointer) -> 64 flipped bytes.
template <int KH, class Load>
inline DwQuadAvx512 dw_group_rows(const int8_t* const* rows, int j, size_t off, const Load& load) {
  __m512i r[4];
#pragma GCC unroll 4
  for (int t = 0; t < 4; ++t) {
    const int ky = 4 * j + t;
    r[t] = ky < KH ? load(rows[ky] + off) : r[t - 1];
  }
  return dw_quad(r[0], r[1], r[2], r[3]);
}

template <int KH, int KW, int SW, bool kHigh>
void dw_row_64c(const int8_t* const* rows_in, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  constexpr QS8DwConvLayout kL{64, false, KH, KW, 4};
  constexpr int kGroups = (KH + 3) / 4;
  constexpr int kG = SW == 1 ? 4 : 3;  // outputs per step
  const int8_t* rows[KH];
  for (int ky = 0; ky < KH; ++ky) rows[ky] = rows_in[ky];
  const int8_t* zrows[KH];
  const size_t cs = p.channels;
  const ptrdiff_t pl = p.pad_left;
  const RequantOutAvx512 ro = requant_out_avx512(p.zero_point, p.qmin, p.qmax);
  const __m512i qmin8 = _mm512_set1_epi8(static_cast<char>(p.qmin));
  const __m512i qmax8 = _mm512_set1_epi8(static_cast<char>(p.qmax));
  const auto* block = static_cast<const uint8_t*>(packed);
  for (size_t c0 = 0; c0 < cs; c0 += 64, block += kL.block_bytes()) {
    const size_t nc = cs - c0 < 64 ? cs - c0 : 64;
    const __mmask64 m = nc == 64 ? ~__mmask64(0) : ((__mmask64(1) << nc) - 1);
    const auto* hdr = reinterpret_cast<const int32_t*>(block);
    const auto* w = reinterpret_cast<const __m512i*>(block + kL.header_bytes());
    const DwRequantAvx512<kHigh> rq[4] = {{hdr + 64, hdr + 128, p.zero_point},
                                          {hdr + 80, hdr + 144, p.zero_point},
                                          {hdr + 96, hdr + 160, p.zero_point},
                                          {hdr + 112, hdr + 176, p.zero_point}};
    int8_t* o = out + c0;
    for (int ky = 0; ky < KH; ++ky) zrows[ky] = p.zero;
    auto load = [m](const int8_t* q) __attribute__((always_inline)) { return dw_load64_flipped(q, m); };

    auto result = [&](const __m512i* acc) __attribute__((always_inline)) {
      const __m512i y01 = _mm512_packs_epi32(rq[0].apply(acc[0], ro), rq[1].apply(acc[1], ro));
      const __m512i y23 = _mm512_packs_epi32(rq[2].apply(acc[2], ro), rq[3].apply(acc[3], ro));
      return _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(y01, y23), qmin8), qmax8);
    };
    auto store = [&](const __m512i* acc, int ox, __mmask64 mask) __attribute__((always_inline)) {
      _mm512_mask_storeu_epi8(o + static_cast<size_t>(ox) * cs, mask, result(acc));
    };

    // G outputs ox .. ox + G - 1, from the columns they span. kCheck: some of the
    // columns may lie outside the row (borders); those read zero-point bytes.
    auto group = [&](int ox, auto g_const, auto check_const) __attribute__((always_inline)) {
      constexpr int G = decltype(g_const)::value;
      constexpr bool kCheck = decltype(check_const)::value;
      constexpr int kSpan = (G - 1) * SW + KW;
      __m512i acc[G][4];
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) acc[g][i] = _mm512_load_si512(hdr + 16 * i);
      }
      const ptrdiff_t ix0 = static_cast<ptrdiff_t>(ox) * SW - pl;
#pragma GCC unroll 16
      for (int col = 0; col < kSpan; ++col) {
        const ptrdiff_t ix = ix0 + col;
        const int8_t* const* rr = rows;
        size_t off = static_cast<size_t>(ix) * cs + c0;
        if constexpr (kCheck) {
          const bool valid = ix >= 0 && ix < p.in_w;
          rr = valid ? rows : zrows;
          off = valid ? off : c0;
        }
#pragma GCC unroll 4
        for (int j = 0; j < kGroups; ++j) {
          const DwQuadAvx512 x = dw_group_rows<KH>(rr, j, off, load);
#pragma GCC unroll 8
          for (int g = 0; g < G; ++g) {
            const int kx = col - g * SW;
            if (kx >= 0 && kx < KW) {
              const __m512i* wk = w + (j * KW + kx) * 4;
#pragma GCC unroll 4
              for (int i = 0; i < 4; ++i) {
                acc[g][i] = _mm512_dpbusd_epi32(acc[g][i], x.v[i], _mm512_load_si512(wk + i));
              }
            }
          }
        }
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) store(acc[g], ox + g, m);
    };

    // A block of at most 32 channels: two output pixels per vector, ox + 2g in
    // lanes 0-31 and ox + 2g + 1 in lanes 32-63 (the packed lanes 32-63 repeat the
    // block's channels). At C = 32, stride 1, both halves are one 64-byte load.
    const __mmask32 m32 = static_cast<__mmask32>(m);
    const size_t step = SW * cs;  // from one pixel's column to the next pixel's
    auto interior_two = [&](int ox, auto g_const, auto contiguous_const) __attribute__((always_inline)) {
      constexpr int G = decltype(g_const)::value;
      constexpr bool contiguous = decltype(contiguous_const)::value;
      auto load_two = [&](const int8_t* q) __attribute__((always_inline)) {
        if constexpr (contiguous) {
          return dw_load64_flipped(q, ~__mmask64(0));
        } else {
          const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_maskz_loadu_epi8(m32, q)),
                                               _mm256_maskz_loadu_epi8(m32, q + step), 1);
          return _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80)));
        }
      };
      constexpr int kSpan = (G - 1) * 2 * SW + KW;
      __m512i acc[G][4];
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) acc[g][i] = _mm512_load_si512(hdr + 16 * i);
      }
      const size_t base = static_cast<size_t>(static_cast<ptrdiff_t>(ox) * SW - pl) * cs + c0;
#pragma GCC unroll 16
      for (int col = 0; col < kSpan; ++col) {
        const size_t off = base + static_cast<size_t>(col) * cs;
#pragma GCC unroll 4
        for (int j = 0; j < kGroups; ++j) {
          const DwQuadAvx512 x = dw_group_rows<KH>(rows, j, off, load_two);
#pragma GCC unroll 8
          for (int g = 0; g < G; ++g) {
            const int kx = col - 2 * g * SW;
            if (kx >= 0 && kx < KW) {
              const __m512i* wk = w + (j * KW + kx) * 4;
#pragma GCC unroll 4
              for (int i = 0; i < 4; ++i) {
                acc[g][i] = _mm512_dpbusd_epi32(acc[g][i], x.v[i], _mm512_load_si512(wk + i));
              }
            }
          }
        }
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
        if constexpr (contiguous) {
          store(acc[g], ox + 2 * g, ~__mmask64(0));
        } else {
          const __m512i y = result(acc[g]);
          int8_t* dst = o + static_cast<size_t>(ox + 2 * g) * cs;
          _mm256_mask_storeu_epi8(dst, m32, _mm512_castsi512_si256(y));
          _mm256_mask_storeu_epi8(dst + cs, m32, _mm512_extracti64x4_epi64(y, 1));
        }
      }
    };

    using One = std::integral_constant<int, 1>;
    using Group = std::integral_constant<int, kG>;
    // Up to kG outputs next to or across a border.
    auto checked = [&](int ox, int n) __attribute__((always_inline)) {
      switch (n) {
        case 1: group(ox, One(), std::true_type()); break;
        case 2: group(ox, std::integral_constant<int, 2>(), std::true_type()); break;
        case 3: group(ox, std::integral_constant<int, 3>(), std::true_type()); break;
        default: group(ox, std::integral_constant<int, 4>(), std::true_type()); break;
      }
    };
    int ox = 0;
    if constexpr (!kHigh) {
      // Shifts outside [33, 54] are rare: one output at a time keeps this copy of
      // the kernel small (the shared library's size), at some cost in speed.
      for (; ox < p.out_w; ++ox) group(ox, One(), std::true_type());
      continue;
    }
    while (ox < p.interior_begin) {
      const int n = std::min(kG, p.out_w - ox);
      checked(ox, n);
      ox += n;
    }
    if (SW == 1 && cs == 32) {
      for (; ox + 2 * kG <= p.interior_end; ox += 2 * kG) interior_two(ox, Group(), std::true_type());
      for (; ox + 2 <= p.interior_end; ox += 2) interior_two(ox, One(), std::true_type());
    } else if (nc <= 32) {
      for (; ox + 2 * kG <= p.interior_end; ox += 2 * kG) interior_two(ox, Group(), std::false_type());
      for (; ox + 2 <= p.interior_end; ox += 2) interior_two(ox, One(), std::false_type());
    }
    for (; ox + kG <= p.interior_end; ox += kG) group(ox, Group(), std::false_type());
    while (ox < p.out_w) {
      const int n = std::min(kG, p.out_w - ox);
      checked(ox, n);
      ox += n;
    }
  }
}

template <int KH, int KW>
void dw_64c(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  if (p.stride_w == 1) {
    if (p.high_multiply) {
      dw_row_64c<KH, KW, 1, true>(rows, out, packed, p);
    } else {
      dw_row_64c<KH, KW, 1, false>(rows, out, packed, p);
    }
  } else {
    if (p.high_multiply) {
      dw_row_64c<KH, KW, 2, true>(rows, out, packed, p);
    } else {
      dw_row_64c<KH, KW, 2, false>(rows, out, packed, p);
    }
  }
}

}  // namespace
}  // namespace octet

// The body of the AVX2 depthwise row kernels (16-channel tile), shared by the
// avx2 and avxvnni files, which differ only in the multiply-accumulate (`Mac`:
// vpmaddwd + vpaddd, or vpdpwssd). Include only from files compiled with -mavx2;
// everything here has internal linkage.
//
// The walk is the one of qs8-dwconv-avx512.h on 16 channels: each input column is
// interleaved once into int16 pairs of kernel rows (vpunpck{l,h}bw of 16 bytes,
// vpmovsxbw: channels 0-7, then 8-15) and feeds the G interior outputs that use it;
// border columns and padded rows read zero-point bytes. The last block of a
// channel count that is not a multiple of 16 goes through a 16-byte copy.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/pack/qs8-dwconv-layout.h"
#include "kernels/qs8-dwconv-config.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {
namespace {

struct DwPairAvx2 {
  __m256i lo, hi;  // int16 pairs of channels 0-7, then 8-15
};

inline __m128i dw_load16_avx2(const int8_t* a, size_t nc) {
  if (nc == 16) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
  alignas(16) int8_t t[16] = {};
  std::memcpy(t, a, nc);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(t));
}

inline DwPairAvx2 dw_pair_avx2(const int8_t* a, const int8_t* b, size_t nc) {
  const __m128i va = dw_load16_avx2(a, nc), vb = dw_load16_avx2(b, nc);
  return {_mm256_cvtepi8_epi16(_mm_unpacklo_epi8(va, vb)), _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(va, vb))};
}

// Requantization of 8 lanes; kHigh as in qs8-dwconv-avx512.h (every shift in
// [33, 54]: high 32 bits of the product, one 32-bit shift by shift - 32 with the
// rounding and the zero point folded in, clamps by the saturating packs and a byte
// min/max).
template <bool kHigh>
struct DwRequantAvx2;

template <>
struct DwRequantAvx2<false> {
  RequantLanesAvx2 r;
  DwRequantAvx2(const int32_t* m0, const int32_t* shift, int32_t) : r(requant_lanes_avx2(m0, shift)) {}
  __m256i apply(__m256i acc, const RequantOutAvx2& o) const { return requant_avx2(acc, r, o); }
};

template <>
struct DwRequantAvx2<true> {
  __m256i m0_even, m0_odd, add, k;
  DwRequantAvx2(const int32_t* m0, const int32_t* shift, int32_t zero_point) {
    const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m0));
    k = _mm256_sub_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift)), _mm256_set1_epi32(32));
    m0_even = m;
    m0_odd = _mm256_srli_epi64(m, 32);
    add = _mm256_add_epi32(_mm256_sllv_epi32(_mm256_set1_epi32(1), _mm256_sub_epi32(k, _mm256_set1_epi32(1))),
                           _mm256_sllv_epi32(_mm256_set1_epi32(zero_point), k));
  }
  __m256i apply(__m256i acc, const RequantOutAvx2&) const {
    const __m256i pe = _mm256_mul_epi32(acc, m0_even);
    const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), m0_odd);
    const __m256i hi = _mm256_blend_epi32(_mm256_shuffle_epi32(pe, 0xB1), po, 0xAA);
    return _mm256_srav_epi32(_mm256_add_epi32(hi, add), k);
  }
};

template <class Mac, int KH, int KW, int SW, bool kHigh>
void dw_row_avx2(const int8_t* const* rows_in, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  constexpr QS8DwConvLayout kL{16, false, KH, KW, 2};
  constexpr int kPairs = (KH + 1) / 2;
  constexpr int kG = SW == 1 ? 4 : 3;  // interior outputs per step
  const int8_t* rows[KH];
  for (int ky = 0; ky < KH; ++ky) rows[ky] = rows_in[ky];
  const size_t cs = p.channels;
  const ptrdiff_t pl = p.pad_left;
  const RequantOutAvx2 ro = requant_out_avx2(p.zero_point, p.qmin, p.qmax);
  const __m128i qmin8 = _mm_set1_epi8(static_cast<char>(p.qmin));
  const __m128i qmax8 = _mm_set1_epi8(static_cast<char>(p.qmax));
  const auto* block = static_cast<const uint8_t*>(packed);
  for (size_t c0 = 0; c0 < cs; c0 += 16, block += kL.block_bytes()) {
    const size_t nc = cs - c0 < 16 ? cs - c0 : 16;
    const auto* hdr = reinterpret_cast<const int32_t*>(block);
    const auto* w = reinterpret_cast<const __m256i*>(block + kL.header_bytes());
    const __m256i bias0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hdr));
    const __m256i bias1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hdr + 8));
    const DwRequantAvx2<kHigh> rq0(hdr + 16, hdr + 32, p.zero_point), rq1(hdr + 24, hdr + 40, p.zero_point);
    int8_t* o = out + c0;

    auto store = [&](__m256i a0, __m256i a1, int ox) __attribute__((always_inline)) {
      __m128i y = requant_pack16_avx2(rq0.apply(a0, ro), rq1.apply(a1, ro));
      y = _mm_min_epi8(_mm_max_epi8(y, qmin8), qmax8);
      int8_t* dst = o + static_cast<size_t>(ox) * cs;
      if (nc == 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), y);
      } else {
        alignas(16) int8_t t[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(t), y);
        std::memcpy(dst, t, nc);
      }
    };

    auto border = [&](int ox) __attribute__((always_inline)) {
      __m256i a0 = bias0, a1 = bias1;
#pragma GCC unroll 8
      for (int kx = 0; kx < KW; ++kx) {
        const ptrdiff_t ix = static_cast<ptrdiff_t>(ox) * SW - pl + kx;
        const bool valid = ix >= 0 && ix < p.in_w;
        const size_t off = static_cast<size_t>(valid ? ix : 0) * cs + c0;
#pragma GCC unroll 4
        for (int j = 0; j < kPairs; ++j) {
          const int8_t* pa = valid ? rows[2 * j] + off : p.zero + c0;
          const int8_t* pb = 2 * j + 1 < KH ? (valid ? rows[2 * j + 1] + off : p.zero + c0) : pa;
          const DwPairAvx2 x = dw_pair_avx2(pa, pb, nc);
          const __m256i* wk = w + (j * KW + kx) * 2;
          a0 = Mac::mac(a0, x.lo, _mm256_load_si256(wk));
          a1 = Mac::mac(a1, x.hi, _mm256_load_si256(wk + 1));
        }
      }
      store(a0, a1, ox);
    };

    auto interior = [&](int ox, auto g_const) __attribute__((always_inline)) {
      constexpr int G = decltype(g_const)::value;
      constexpr int kSpan = (G - 1) * SW + KW;
      __m256i acc[G][2];
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
        acc[g][0] = bias0;
        acc[g][1] = bias1;
      }
      const size_t base = static_cast<size_t>(static_cast<ptrdiff_t>(ox) * SW - pl) * cs + c0;
#pragma GCC unroll 16
      for (int col = 0; col < kSpan; ++col) {
        const size_t off = base + static_cast<size_t>(col) * cs;
#pragma GCC unroll 4
        for (int j = 0; j < kPairs; ++j) {
          const int8_t* pa = rows[2 * j] + off;
          const int8_t* pb = 2 * j + 1 < KH ? rows[2 * j + 1] + off : pa;
          const DwPairAvx2 x = dw_pair_avx2(pa, pb, nc);
#pragma GCC unroll 8
          for (int g = 0; g < G; ++g) {
            const int kx = col - g * SW;
            if (kx >= 0 && kx < KW) {
              const __m256i* wk = w + (j * KW + kx) * 2;
              acc[g][0] = Mac::mac(acc[g][0], x.lo, _mm256_load_si256(wk));
              acc[g][1] = Mac::mac(acc[g][1], x.hi, _mm256_load_si256(wk + 1));
            }
          }
        }
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) store(acc[g][0], acc[g][1], ox + g);
    };

    int ox = 0;
    for (; ox < p.interior_begin; ++ox) border(ox);
    for (; ox + kG <= p.interior_end; ox += kG) interior(ox, std::integral_constant<int, kG>());
    for (; ox < p.interior_end; ++ox) interior(ox, std::integral_constant<int, 1>());
    for (; ox < p.out_w; ++ox) border(ox);
  }
}

template <class Mac, int KH, int KW>
void dw_avx2(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  if (p.stride_w == 1) {
    if (p.high_multiply) {
      dw_row_avx2<Mac, KH, KW, 1, true>(rows, out, packed, p);
    } else {
      dw_row_avx2<Mac, KH, KW, 1, false>(rows, out, packed, p);
    }
  } else {
    if (p.high_multiply) {
      dw_row_avx2<Mac, KH, KW, 2, true>(rows, out, packed, p);
    } else {
      dw_row_avx2<Mac, KH, KW, 2, false>(rows, out, packed, p);
    }
  }
}

}  // namespace
}  // namespace octet

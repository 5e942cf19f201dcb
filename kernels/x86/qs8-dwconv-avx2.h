// The body of the AVX2 depthwise row kernels (16-channel tile), shared by the
// avx2 and avxvnni files, which differ only in the multiply-accumulate (`Mac`:
// vpmaddwd + vpaddd, or vpdpwssd). Include only from files compiled with -mavx2;
// everything here has internal linkage.
//
// The walk is the one of qs8-dwconv-avx512.h on 16 channels: each input column is
// interleaved once into int16 pairs of kernel rows (vpunpck{l,h}bw of 16 bytes,
// vpmovsxbw: channels 0-7, then 8-15) and feeds the G interior outputs that use it;
// border columns and padded rows read zero-point bytes. The last block of a
// channel count that is not a multiple of 16 runs on a staged copy (dw_row_avx2).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/pack/qs8-dwconv-layout.h"
#include "kernels/qs8-dwconv-config.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {
namespace {

struct DwPairAvx2 {
  __m256i lo, hi;  // int16 pairs of channels 0-7, then 8-15
};

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

// One 16-channel block of one output row. rows[ky] + ix * in_stride is input pixel
// ix of window row ky (16 readable bytes: the channels of the block, then anything,
// which meets zero weights), zero is 16 bytes of the input zero point for the
// columns outside the row; outputs go to out + ox * out_stride, nc bytes each.
template <class Mac, int KH, int KW, int SW, bool kHigh>
void dw_block_avx2(const int8_t* const* rows, size_t in_stride, const int8_t* zero, int8_t* out, size_t out_stride,
                   size_t nc, const uint8_t* block, const QS8DwConvRow& p, const RequantOutAvx2& ro) {
  constexpr QS8DwConvLayout kL{16, false, KH, KW, 2};
  constexpr int kPairs = (KH + 1) / 2;
  constexpr int kG = SW == 1 ? 4 : 3;  // interior outputs per step
  const ptrdiff_t pl = p.pad_left;
  const __m128i qmin8 = _mm_set1_epi8(static_cast<char>(p.qmin));
  const __m128i qmax8 = _mm_set1_epi8(static_cast<char>(p.qmax));
  const auto* hdr = reinterpret_cast<const int32_t*>(block);
  const auto* w = reinterpret_cast<const __m256i*>(block + kL.header_bytes());
  const __m256i bias0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hdr));
  const __m256i bias1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hdr + 8));
  const DwRequantAvx2<kHigh> rq0(hdr + 16, hdr + 32, p.zero_point), rq1(hdr + 24, hdr + 40, p.zero_point);

  auto store = [&](__m256i a0, __m256i a1, int ox) __attribute__((always_inline)) {
    __m128i y = requant_pack16_avx2(rq0.apply(a0, ro), rq1.apply(a1, ro));
    y = _mm_min_epi8(_mm_max_epi8(y, qmin8), qmax8);
    int8_t* dst = out + static_cast<size_t>(ox) * out_stride;
    if (nc == 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), y);
    } else {
      alignas(16) int8_t t[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(t), y);
      std::memcpy(dst, t, nc);
    }
  };
  auto pair = [](const int8_t* a, const int8_t* b) __attribute__((always_inline)) {
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    return DwPairAvx2{_mm256_cvtepi8_epi16(_mm_unpacklo_epi8(va, vb)), _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(va, vb))};
  };

  auto border = [&](int ox) __attribute__((always_inline)) {
    __m256i a0 = bias0, a1 = bias1;
#pragma GCC unroll 8
    for (int kx = 0; kx < KW; ++kx) {
      const ptrdiff_t ix = static_cast<ptrdiff_t>(ox) * SW - pl + kx;
      const bool valid = ix >= 0 && ix < p.in_w;
      const size_t off = static_cast<size_t>(valid ? ix : 0) * in_stride;
#pragma GCC unroll 4
      for (int j = 0; j < kPairs; ++j) {
        const int8_t* pa = valid ? rows[2 * j] + off : zero;
        const int8_t* pb = 2 * j + 1 < KH ? (valid ? rows[2 * j + 1] + off : zero) : pa;
        const DwPairAvx2 x = pair(pa, pb);
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
    const size_t base = static_cast<size_t>(static_cast<ptrdiff_t>(ox) * SW - pl) * in_stride;
#pragma GCC unroll 16
    for (int col = 0; col < kSpan; ++col) {
      const size_t off = base + static_cast<size_t>(col) * in_stride;
#pragma GCC unroll 4
      for (int j = 0; j < kPairs; ++j) {
        const int8_t* pa = rows[2 * j] + off;
        const int8_t* pb = 2 * j + 1 < KH ? rows[2 * j + 1] + off : pa;
        const DwPairAvx2 x = pair(pa, pb);
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
  if constexpr (!kHigh) {
    // Shifts outside [33, 54] are rare: one output at a time keeps this copy of the
    // kernel small (the shared library's size), at some cost in speed.
    for (; ox < p.out_w; ++ox) border(ox);
    return;
  }
  for (; ox < p.interior_begin; ++ox) border(ox);
  for (; ox + kG <= p.interior_end; ox += kG) interior(ox, std::integral_constant<int, kG>());
  for (; ox < p.interior_end; ++ox) interior(ox, std::integral_constant<int, 1>());
  for (; ox < p.out_w; ++ox) border(ox);
}

// A row: whole 16-channel blocks read the rows in place; the last block of a
// channel count that is not a multiple of 16 is first copied, 16 bytes per pixel,
// into a per-thread buffer (one copy per input pixel instead of one per load, and
// the unrolled body has no partial loads, which had made it three times larger).
template <class Mac, int KH, int KW, int SW, bool kHigh>
void dw_row_avx2(const int8_t* const* rows_in, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  constexpr QS8DwConvLayout kL{16, false, KH, KW, 2};
  const size_t cs = p.channels;
  const RequantOutAvx2 ro = requant_out_avx2(p.zero_point, p.qmin, p.qmax);
  const auto* block = static_cast<const uint8_t*>(packed);
  const int8_t* rows[KH];
  size_t c0 = 0;
  for (; c0 + 16 <= cs; c0 += 16, block += kL.block_bytes()) {
    for (int ky = 0; ky < KH; ++ky) rows[ky] = rows_in[ky] + c0;
    dw_block_avx2<Mac, KH, KW, SW, kHigh>(rows, cs, p.zero + c0, out + c0, cs, 16, block, p, ro);
  }
  if (c0 == cs) return;
  const size_t nc = cs - c0, in_w = static_cast<size_t>(p.in_w);
  thread_local std::vector<int8_t> staged;
  staged.resize((KH * in_w + 1) * 16);
  for (int ky = 0; ky < KH; ++ky) {
    int8_t* dst = staged.data() + static_cast<size_t>(ky) * in_w * 16;
    const int8_t* src = rows_in[ky] + c0;
    for (size_t ix = 0; ix < in_w; ++ix) std::memcpy(dst + ix * 16, src + ix * cs, nc);
    rows[ky] = dst;
  }
  int8_t* zero = staged.data() + KH * in_w * 16;
  std::memcpy(zero, p.zero + c0, nc);
  dw_block_avx2<Mac, KH, KW, SW, kHigh>(rows, 16, zero, out + c0, cs, nc, block, p, ro);
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

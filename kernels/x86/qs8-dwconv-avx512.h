// The body of the AVX-512 depthwise row kernels (32-channel tile), shared by the
// avx512bw and avx512vnni files, which differ only in the multiply-accumulate
// (`Mac`: vpmaddwd + vpaddd, or vpdpwssd). Include only from files compiled with
// -mavx512f -mavx512bw -mavx512vl; everything here has internal linkage.
//
// For one block of 32 channels the kernel walks the output row. Each input column
// it reads is turned once into int16 pairs of kernel rows (2j, 2j + 1):
// vpunpck{l,h}bw of the two rows' 32 bytes, then vpmovsxbw, which is the packed
// weights' lane order (kernels/pack/qs8-dwconv-layout.h). Interior outputs are
// computed G at a time: the (G - 1) * stride + kw columns they span are loaded and
// interleaved once and feed every output that uses them. Border outputs read
// zero-point bytes for columns outside the row, vertical padding arrives as a
// zero-point row, so no tap is ever skipped and bias' holds the correction.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/pack/qs8-dwconv-layout.h"
#include "kernels/qs8-dwconv-config.h"
#include "kernels/x86/requantize-avx512.h"

namespace octet {
namespace {

struct DwPairAvx512 {
  __m512i lo, hi;  // int16 pairs: channels 0-7 and 16-23, then 8-15 and 24-31
};

inline DwPairAvx512 dw_pair_avx512(const int8_t* a, const int8_t* b, __mmask32 m) {
  const __m256i va = _mm256_maskz_loadu_epi8(m, a);
  const __m256i vb = _mm256_maskz_loadu_epi8(m, b);
  return {_mm512_cvtepi8_epi16(_mm256_unpacklo_epi8(va, vb)), _mm512_cvtepi8_epi16(_mm256_unpackhi_epi8(va, vb))};
}

// Requantization of 16 lanes. When every shift is in [33, 54] (kHigh), the 64-bit
// rounding shift splits exactly into the high 32 bits of the product and a 32-bit
// shift by k = shift - 32:
//   floor((a*m + 2^(s-1)) / 2^s) + Z = (hi32(a*m) + 2^(k-1) + Z*2^k) >> k,
// since 2^(s-1) is then a multiple of 2^32, nested floor divisions compose, and Z*2^k
// is a multiple of 2^k. |hi32| <= 2^30 and |2^(k-1) + Z*2^k| < 2^29.01 for k <= 22,
// so nothing overflows. The clamp to [-128, 127] comes from the saturating packs,
// the one to [qmin, qmax] from a byte min/max after them. Otherwise the rule of
// requantize-avx512.h (already clamped).
template <bool kHigh>
struct DwRequantAvx512;

template <>
struct DwRequantAvx512<false> {
  RequantLanesAvx512 r;
  DwRequantAvx512(const int32_t* m0, const int32_t* shift, int32_t) : r(requant_lanes_avx512(m0, shift)) {}
  __m512i apply(__m512i acc, const RequantOutAvx512& o) const { return requant_avx512(acc, r, o); }
};

template <>
struct DwRequantAvx512<true> {
  __m512i m0_even, m0_odd, add, k;
  DwRequantAvx512(const int32_t* m0, const int32_t* shift, int32_t zero_point) {
    const __m512i m = _mm512_loadu_si512(m0);
    k = _mm512_sub_epi32(_mm512_loadu_si512(shift), _mm512_set1_epi32(32));
    m0_even = m;
    m0_odd = _mm512_srli_epi64(m, 32);
    add = _mm512_add_epi32(_mm512_sllv_epi32(_mm512_set1_epi32(1), _mm512_sub_epi32(k, _mm512_set1_epi32(1))),
                           _mm512_sllv_epi32(_mm512_set1_epi32(zero_point), k));
  }
  __m512i apply(__m512i acc, const RequantOutAvx512&) const {
    const __m512i pe = _mm512_mul_epi32(acc, m0_even);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), m0_odd);
    // High halves: odd dwords of pe moved down into the even lanes of po.
    const __m512i hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, _MM_PERM_CDAB);
    return _mm512_srav_epi32(_mm512_add_epi32(hi, add), k);
  }
};

template <class Mac, int KH, int KW, int SW, bool kHigh>
void dw_row_avx512(const int8_t* const* rows_in, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  constexpr QS8DwConvLayout kL{32, true, KH, KW, 2};
  constexpr int kPairs = (KH + 1) / 2;
  constexpr int kG = SW == 1 ? 4 : 3;  // interior outputs per step
  const int8_t* rows[KH];
  for (int ky = 0; ky < KH; ++ky) rows[ky] = rows_in[ky];
  const size_t cs = p.channels;
  const ptrdiff_t pl = p.pad_left;
  const RequantOutAvx512 ro = requant_out_avx512(p.zero_point, p.qmin, p.qmax);
  const __m256i qmin8 = _mm256_set1_epi8(static_cast<char>(p.qmin));
  const __m256i qmax8 = _mm256_set1_epi8(static_cast<char>(p.qmax));
  const auto* block = static_cast<const uint8_t*>(packed);
  for (size_t c0 = 0; c0 < cs; c0 += 32, block += kL.block_bytes()) {
    const size_t nc = cs - c0 < 32 ? cs - c0 : 32;
    const __mmask32 m = nc == 32 ? ~__mmask32(0) : static_cast<__mmask32>((1u << nc) - 1);
    const auto* hdr = reinterpret_cast<const int32_t*>(block);
    const auto* w = reinterpret_cast<const int16_t*>(block + kL.header_bytes());
    const __m512i bias0 = _mm512_load_si512(hdr), bias1 = _mm512_load_si512(hdr + 16);
    const DwRequantAvx512<kHigh> rq0(hdr + 32, hdr + 64, p.zero_point), rq1(hdr + 48, hdr + 80, p.zero_point);
    int8_t* o = out + c0;

    auto store = [&](__m512i a0, __m512i a1, int ox) __attribute__((always_inline)) {
      const __m128i y0 = _mm512_cvtsepi32_epi8(rq0.apply(a0, ro));  // channels 0-7, 16-23
      const __m128i y1 = _mm512_cvtsepi32_epi8(rq1.apply(a1, ro));  // channels 8-15, 24-31
      __m256i y = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi64(y0, y1)),
                                          _mm_unpackhi_epi64(y0, y1), 1);
      y = _mm256_min_epi8(_mm256_max_epi8(y, qmin8), qmax8);
      _mm256_mask_storeu_epi8(o + static_cast<size_t>(ox) * cs, m, y);
    };

    // Borders: columns outside the row read zero-point bytes.
    auto border = [&](int ox) __attribute__((always_inline)) {
      __m512i a0 = bias0, a1 = bias1;
#pragma GCC unroll 8
      for (int kx = 0; kx < KW; ++kx) {
        const ptrdiff_t ix = static_cast<ptrdiff_t>(ox) * SW - pl + kx;
        const bool valid = ix >= 0 && ix < p.in_w;
        const size_t off = static_cast<size_t>(valid ? ix : 0) * cs + c0;
#pragma GCC unroll 4
        for (int j = 0; j < kPairs; ++j) {
          const int8_t* pa = valid ? rows[2 * j] + off : p.zero + c0;
          const int8_t* pb = 2 * j + 1 < KH ? (valid ? rows[2 * j + 1] + off : p.zero + c0) : pa;
          const DwPairAvx512 x = dw_pair_avx512(pa, pb, m);
          const int16_t* wk = w + (j * KW + kx) * 64;
          a0 = Mac::mac(a0, x.lo, _mm512_load_si512(wk));
          a1 = Mac::mac(a1, x.hi, _mm512_load_si512(wk + 32));
        }
      }
      store(a0, a1, ox);
    };

    // Interior: G outputs from the columns they span, each column interleaved once.
    auto interior = [&](int ox, auto g_const) __attribute__((always_inline)) {
      constexpr int G = decltype(g_const)::value;
      constexpr int kSpan = (G - 1) * SW + KW;
      __m512i acc[G][2];
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
          const DwPairAvx512 x = dw_pair_avx512(pa, pb, m);
#pragma GCC unroll 8
          for (int g = 0; g < G; ++g) {
            const int kx = col - g * SW;
            if (kx >= 0 && kx < KW) {
              const int16_t* wk = w + (j * KW + kx) * 64;
              acc[g][0] = Mac::mac(acc[g][0], x.lo, _mm512_load_si512(wk));
              acc[g][1] = Mac::mac(acc[g][1], x.hi, _mm512_load_si512(wk + 32));
            }
          }
        }
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) store(acc[g][0], acc[g][1], ox + g);
    };

    int ox = 0;
    if constexpr (!kHigh) {
      // Shifts outside [33, 54] are rare: one output at a time keeps this copy of
      // the kernel small (the shared library's size), at some cost in speed.
      for (; ox < p.out_w; ++ox) border(ox);
      continue;
    }
    for (; ox < p.interior_begin; ++ox) border(ox);
    for (; ox + kG <= p.interior_end; ox += kG) interior(ox, std::integral_constant<int, kG>());
    for (; ox < p.interior_end; ++ox) interior(ox, std::integral_constant<int, 1>());
    for (; ox < p.out_w; ++ox) border(ox);
  }
}

// One window size: picks the stride and the requantization.
template <class Mac, int KH, int KW>
void dw_avx512(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  if (p.stride_w == 1) {
    if (p.high_multiply) {
      dw_row_avx512<Mac, KH, KW, 1, true>(rows, out, packed, p);
    } else {
      dw_row_avx512<Mac, KH, KW, 1, false>(rows, out, packed, p);
    }
  } else {
    if (p.high_multiply) {
      dw_row_avx512<Mac, KH, KW, 2, true>(rows, out, packed, p);
    } else {
      dw_row_avx512<Mac, KH, KW, 2, false>(rows, out, packed, p);
    }
  }
}

}  // namespace
}  // namespace octet

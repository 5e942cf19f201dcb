// int8 GEMM, tile 8 rows x 32 channels, k in groups of 4, AVX-512 VNNI.
// Each k group costs one broadcast, one XOR (int8 -> uint8 for vpdpbusd's unsigned
// operand) per row and two vpdpbusd per row: 16 independent accumulators cover
// vpdpbusd's latency at two per cycle. Requantization is fused (requantize-avx512.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/qs8-gemm-x86.h"
#include "kernels/x86/requantize-avx512.h"

namespace octet {

namespace {

constexpr int kNr = 32;
constexpr QS8GemmLayout kLayout{kNr, false, true};

inline __m512i broadcast4(const int8_t* p, size_t n) {
  int32_t v = 0;
  std::memcpy(&v, p, n);
  return _mm512_set1_epi32(v);
}

// Accumulators are named variables, not an array: GCC 12 shuffles an array of
// vectors between registers on every iteration.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

// vpdpbusd in place. GCC 12 models the intrinsic as a three-source operation and
// copies every accumulator once per use (PR target/94237-like register shuffles),
// which halves the rate; the asm keeps the accumulator tied.
inline void dpbusd(__m512i& acc, __m512i x, __m512i w) { __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

// NB: 32-channel blocks hold 2 vectors of 16; a last block of at most 16 channels
// computes only the first (NB = 1).
// The requantization constants of one column block, computed once for all the row
// tiles of a call.
struct BlockEpilogue {
  bool high32 = false;  // every shift in [33, 54]: requant_high32_avx512
  RequantHigh32Avx512 g0, g1;
  RequantLanesAvx512 r0, r1;
  __mmask16 m0 = 0, m1 = 0;
  __mmask32 m01 = 0;
};

BlockEpilogue block_epilogue(const uint8_t* block, size_t nc, int32_t zero_point) {
  const auto* header = reinterpret_cast<const int32_t*>(block);
  BlockEpilogue e;
  e.m0 = nc >= 16 ? __mmask16(0xffff) : __mmask16((1u << nc) - 1);
  e.m1 = nc >= 32 ? __mmask16(0xffff) : nc <= 16 ? __mmask16(0) : __mmask16((1u << (nc - 16)) - 1);
  e.m01 = static_cast<__mmask32>(e.m0) | (static_cast<__mmask32>(e.m1) << 16);
  e.high32 = requant_high32_avx512(header + kNr, header + 2 * kNr, zero_point, &e.g0) &&
             (nc <= 16 || requant_high32_avx512(header + kNr + 16, header + 2 * kNr + 16, zero_point, &e.g1));
  if (!e.high32) {
    e.r0 = requant_lanes_avx512(header + kNr, header + 2 * kNr);
    e.r1 = requant_lanes_avx512(header + kNr + 16, header + 2 * kNr + 16);
  }
  return e;
}

template <int MR, int NB>
void tile(size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutAvx512& ro, __m128i qmin, __m128i qmax, const BlockEpilogue& e) {
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const __m512i bias0 = _mm512_loadu_si512(header), bias1 = _mm512_loadu_si512(header + 16);
#define OCTET_DECLARE(r)                         \
  __m512i acc##r##0 = bias0, acc##r##1 = bias1; \
  const int8_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const int8_t* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
#define OCTET_STEP(r)                                                 \
  if constexpr (MR > r) {                                             \
    const __m512i x = _mm512_xor_si512(broadcast4(a##r + k, n), flip); \
    dpbusd(acc##r##0, x, w0);                                         \
    if constexpr (NB > 1) dpbusd(acc##r##1, x, w1);                   \
  }
  size_t k = 0;
  for (; k + 4 <= kc; k += 4, w += 128) {
    const size_t n = 4;
    const __m512i w0 = _mm512_loadu_si512(w);
    const __m512i w1 = NB > 1 ? _mm512_loadu_si512(w + 64) : w0;
    OCTET_ROWS(OCTET_STEP)
  }
  if (k < kc) {
    // The last group: bytes beyond kc meet zero weights.
    const size_t n = kc - k;
    const __m512i w0 = _mm512_loadu_si512(w);
    const __m512i w1 = NB > 1 ? _mm512_loadu_si512(w + 64) : w0;
    OCTET_ROWS(OCTET_STEP)
  }
#undef OCTET_STEP
  const __mmask16 m0 = e.m0, m1 = e.m1;
  if (e.high32) {
    const RequantHigh32Avx512& g0 = e.g0;
    const RequantHigh32Avx512& g1 = e.g1;
    // Rounding, zero point and shift on 32-bit lanes; saturating narrowing, then the
    // clamp on bytes.
    const __m256i qmin2 = _mm256_broadcastsi128_si256(qmin), qmax2 = _mm256_broadcastsi128_si256(qmax);
    const __mmask32 m01 = e.m01;
    // Two vectors of a row narrowed together: packs leave dwords of 4 bytes in lane
    // order y0[0..3] y1[0..3] | y0[4..7] y1[4..7] | ...; vpermd restores channel order.
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
#define OCTET_STORE(r)                                                                                   \
  if constexpr (MR > r) {                                                                                \
    const __m512i y0 = requant_high32_unclamped_avx512(acc##r##0, g0);                                   \
    if constexpr (NB > 1) {                                                                              \
      const __m512i y1 = requant_high32_unclamped_avx512(acc##r##1, g1);                                 \
      const __m512i p16 = _mm512_packs_epi32(y0, y1);                                                    \
      const __m512i p8 = _mm512_permutexvar_epi32(order, _mm512_packs_epi16(p16, p16));                  \
      const __m256i b = _mm256_min_epi8(_mm256_max_epi8(_mm512_castsi512_si256(p8), qmin2), qmax2);      \
      _mm256_mask_storeu_epi8(c + r * c_stride, m01, b);                                                 \
    } else {                                                                                             \
      const __m128i b = _mm512_cvtsepi32_epi8(y0);                                                       \
      _mm_mask_storeu_epi8(c + r * c_stride, m0, _mm_min_epi8(_mm_max_epi8(b, qmin), qmax));             \
    }                                                                                                    \
  }
    OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
    return;
  }
  // Other shifts: the general 64-bit rule.
  const RequantLanesAvx512& r0 = e.r0;
  const RequantLanesAvx512& r1 = e.r1;
#define OCTET_STORE(r)                                                                                             \
  if constexpr (MR > r) {                                                                                          \
    _mm_mask_storeu_epi8(c + r * c_stride, m0, requant_pack_avx512(requant_avx512(acc##r##0, r0, ro)));            \
    if constexpr (NB > 1)                                                                                          \
      _mm_mask_storeu_epi8(c + r * c_stride + 16, m1, requant_pack_avx512(requant_avx512(acc##r##1, r1, ro)));     \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}

template <int MR>
void tile_any(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
              const RequantOutAvx512& ro, __m128i qmin, __m128i qmax, const BlockEpilogue& e) {
  if (nc > 16) tile<MR, 2>(kc, a, a_stride, block, c, c_stride, ro, qmin, qmax, e);
  else tile<MR, 1>(kc, a, a_stride, block, c, c_stride, ro, qmin, qmax, e);
}

}  // namespace

// mr may exceed the tile's 8 rows (up to QS8GemmConfig::long_mr): each column block's
// requantization constants are then computed once for all the row tiles.
void qs8_gemm_8x32c4__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                                 int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutAvx512 ro = requant_out_avx512(out.zero_point, out.qmin, out.qmax);
  const __m128i qmin = _mm_set1_epi8(static_cast<char>(out.qmin)), qmax = _mm_set1_epi8(static_cast<char>(out.qmax));
  const size_t block_bytes = kLayout.block_bytes(kc);
  const auto* block = static_cast<const uint8_t*>(w);
  for (size_t n = 0; n < nc; n += kNr, block += block_bytes, c += kNr) {
    const size_t ncb = nc - n < kNr ? nc - n : kNr;
    const BlockEpilogue e = block_epilogue(block, ncb, out.zero_point);
    for (size_t r = 0; r < mr; r += 8) {
      const int8_t* ar = a + r * a_stride;
      int8_t* cr = c + r * c_stride;
      switch (mr - r < 8 ? mr - r : 8) {
        case 1: tile_any<1>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 2: tile_any<2>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 3: tile_any<3>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 4: tile_any<4>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 5: tile_any<5>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 6: tile_any<6>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        case 7: tile_any<7>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
        default: tile_any<8>(ncb, kc, ar, a_stride, block, cr, c_stride, ro, qmin, qmax, e); break;
      }
    }
  }
}

}  // namespace octet

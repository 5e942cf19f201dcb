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
template <int MR, int NB>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutAvx512& ro, __m128i qmin, __m128i qmax) {
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
  const __mmask16 m0 = nc >= 16 ? __mmask16(0xffff) : __mmask16((1u << nc) - 1);
  const __mmask16 m1 = nc >= 32 ? __mmask16(0xffff) : nc <= 16 ? __mmask16(0) : __mmask16((1u << (nc - 16)) - 1);
  RequantHighAvx512 h0, h1;
  if (requant_high_avx512(header + kNr, header + 2 * kNr, &h0) &&
      (NB == 1 || requant_high_avx512(header + kNr + 16, header + 2 * kNr + 16, &h1))) {
    // Saturating narrowing, then the clamp on bytes.
#define OCTET_STORE(r)                                                                                   \
  if constexpr (MR > r) {                                                                                \
    const __m128i y0 = _mm512_cvtsepi32_epi8(requant_high_unclamped_avx512(acc##r##0, h0, ro.zp));       \
    _mm_mask_storeu_epi8(c + r * c_stride, m0, _mm_min_epi8(_mm_max_epi8(y0, qmin), qmax));              \
    if constexpr (NB > 1) {                                                                              \
      const __m128i y1 = _mm512_cvtsepi32_epi8(requant_high_unclamped_avx512(acc##r##1, h1, ro.zp));     \
      _mm_mask_storeu_epi8(c + r * c_stride + 16, m1, _mm_min_epi8(_mm_max_epi8(y1, qmin), qmax));       \
    }                                                                                                    \
  }
    OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
    return;
  }
  const RequantLanesAvx512 r0 = requant_lanes_avx512(header + kNr, header + 2 * kNr);
  const RequantLanesAvx512 r1 = requant_lanes_avx512(header + kNr + 16, header + 2 * kNr + 16);
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
              const RequantOutAvx512& ro, __m128i qmin, __m128i qmax) {
  if (nc > 16) tile<MR, 2>(nc, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax);
  else tile<MR, 1>(nc, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax);
}
#undef OCTET_ROWS

}  // namespace

void qs8_gemm_8x32c4__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                                 int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutAvx512 ro = requant_out_avx512(out.zero_point, out.qmin, out.qmax);
  const __m128i qmin = _mm_set1_epi8(static_cast<char>(out.qmin)), qmax = _mm_set1_epi8(static_cast<char>(out.qmax));
  const size_t block_bytes = kLayout.block_bytes(kc);
  const auto* block = static_cast<const uint8_t*>(w);
  for (size_t n = 0; n < nc; n += kNr, block += block_bytes, c += kNr) {
    const size_t ncb = nc - n < kNr ? nc - n : kNr;
    switch (mr) {
      case 1: tile_any<1>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 2: tile_any<2>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 3: tile_any<3>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 4: tile_any<4>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 5: tile_any<5>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 6: tile_any<6>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      case 7: tile_any<7>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
      default: tile_any<8>(ncb, kc, a, a_stride, block, c, c_stride, ro, qmin, qmax); break;
    }
  }
}

}  // namespace octet

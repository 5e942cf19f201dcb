// int8 GEMM, tile 8 rows x 32 channels, AVX-512BW with 16-bit multiplies (for
// AVX-512 CPUs without VNNI): int16 pairs through vpmaddwd, which cannot saturate
// here (pair sums are at most 2^15 in magnitude). Requantization is fused
// (requantize-avx512.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/common/qs8-gemm-columns.h"
#include "kernels/x86/qs8-gemm-x86.h"
#include "kernels/x86/requantize-avx512.h"

namespace octet {

namespace {

constexpr int kNr = 32;
constexpr QS8GemmLayout kLayout{kNr, true, false};

inline void broadcast_pairs(const int8_t* p, size_t n, __m512i* p01, __m512i* p23) {
  int32_t v = 0;
  std::memcpy(&v, p, n);
  const __m512i x = _mm512_cvtepi8_epi16(_mm256_set1_epi32(v));
  *p01 = _mm512_shuffle_epi32(x, _MM_PERM_AAAA);
  *p23 = _mm512_shuffle_epi32(x, _MM_PERM_BBBB);
}

// Accumulators are named variables, not an array: GCC 12 shuffles an array of
// vectors between registers on every iteration.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

template <int MR>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutAvx512& ro) {
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const __m512i bias0 = _mm512_loadu_si512(header), bias1 = _mm512_loadu_si512(header + 16);
#define OCTET_DECLARE(r)                         \
  __m512i acc##r##0 = bias0, acc##r##1 = bias1; \
  const int8_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  const auto* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
#define OCTET_STEP(r)                                                                                              \
  if constexpr (MR > r) {                                                                                          \
    __m512i p01, p23;                                                                                               \
    broadcast_pairs(a##r + k, n, &p01, &p23);                                                                      \
    acc##r##0 = _mm512_add_epi32(acc##r##0, _mm512_add_epi32(_mm512_madd_epi16(p01, w00), _mm512_madd_epi16(p23, w10))); \
    acc##r##1 = _mm512_add_epi32(acc##r##1, _mm512_add_epi32(_mm512_madd_epi16(p01, w01), _mm512_madd_epi16(p23, w11))); \
  }
#define OCTET_GROUP \
    const __m512i w00 = _mm512_loadu_si512(w), w01 = _mm512_loadu_si512(w + 64);         /* pair 0 */ \
    const __m512i w10 = _mm512_loadu_si512(w + 128), w11 = _mm512_loadu_si512(w + 192);  /* pair 1 */ \
    OCTET_ROWS(OCTET_STEP) \
    w += 256;
  size_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    const size_t n = 4;
    OCTET_GROUP
  }
  if (k < kc) {
    const size_t n = kc - k;  // the last group meets zero weights beyond kc
    OCTET_GROUP
  }
#undef OCTET_GROUP
#undef OCTET_STEP
  const RequantLanesAvx512 r0 = requant_lanes_avx512(header + kNr, header + 2 * kNr);
  const RequantLanesAvx512 r1 = requant_lanes_avx512(header + kNr + 16, header + 2 * kNr + 16);
  const __mmask16 m0 = nc >= 16 ? __mmask16(0xffff) : __mmask16((1u << nc) - 1);
  const __mmask16 m1 = nc >= 32 ? __mmask16(0xffff) : nc <= 16 ? __mmask16(0) : __mmask16((1u << (nc - 16)) - 1);
#define OCTET_STORE(r)                                                                                           \
  if constexpr (MR > r) {                                                                                        \
    _mm_mask_storeu_epi8(c + r * c_stride, m0, requant_pack_avx512(requant_avx512(acc##r##0, r0, ro)));      \
    _mm_mask_storeu_epi8(c + r * c_stride + 16, m1, requant_pack_avx512(requant_avx512(acc##r##1, r1, ro))); \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}
#undef OCTET_ROWS

}  // namespace

void qs8_gemm_8x32c2__avx512bw(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                               int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutAvx512 ro = requant_out_avx512(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 8>(mr, nc, kLayout.block_bytes(kc), w, c,
                              [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                                tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                              });
}

}  // namespace octet

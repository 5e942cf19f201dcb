// int8 GEMM, tile 4 rows x 16 channels, AVX2 with 16-bit multiplies: activations
// and weights are sign-extended to int16 and vpmaddwd sums pairs into int32. The
// pair sums are at most 2 * 128 * 128 = 2^15 in magnitude, so nothing saturates
// (vpmaddubsw, which would, is not used). Requantization is fused
// (requantize-avx2.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/common/qs8-gemm-columns.h"
#include "kernels/x86/qs8-gemm-x86.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {

namespace {

constexpr int kNr = 16;
constexpr QS8GemmLayout kLayout{kNr, true, false};

// Four int8 values -> (x0, x1) and (x2, x3) as int16 pairs in every 32-bit lane.
inline void broadcast_pairs(const int8_t* p, size_t n, __m256i* p01, __m256i* p23) {
  int32_t v = 0;
  std::memcpy(&v, p, n);
  const __m256i x = _mm256_cvtepi8_epi16(_mm_set1_epi32(v));
  *p01 = _mm256_shuffle_epi32(x, 0x00);
  *p23 = _mm256_shuffle_epi32(x, 0x55);
}

inline void store_bytes(int8_t* out, __m128i y, size_t n) {
  if (n >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), y);
  } else {
    alignas(16) int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), y);
    std::memcpy(out, tmp, n);
  }
}

// Accumulators are named variables, not an array: GCC 12 shuffles an array of
// vectors between registers on every iteration.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3)

template <int MR>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutAvx2& ro) {
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const __m256i bias0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(header));
  const __m256i bias1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(header + 8));
#define OCTET_DECLARE(r)                         \
  __m256i acc##r##0 = bias0, acc##r##1 = bias1; \
  const int8_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  const auto* w = reinterpret_cast<const __m256i*>(block + kLayout.header_bytes());
#define OCTET_STEP(r)                                                                                              \
  if constexpr (MR > r) {                                                                                          \
    __m256i p01, p23;                                                                                               \
    broadcast_pairs(a##r + k, n, &p01, &p23);                                                                      \
    acc##r##0 = _mm256_add_epi32(acc##r##0, _mm256_add_epi32(_mm256_madd_epi16(p01, w00), _mm256_madd_epi16(p23, w10))); \
    acc##r##1 = _mm256_add_epi32(acc##r##1, _mm256_add_epi32(_mm256_madd_epi16(p01, w01), _mm256_madd_epi16(p23, w11))); \
  }
#define OCTET_GROUP \
    const __m256i w00 = _mm256_loadu_si256(w), w01 = _mm256_loadu_si256(w + 1); /* pair 0 */ \
    const __m256i w10 = _mm256_loadu_si256(w + 2), w11 = _mm256_loadu_si256(w + 3); /* pair 1 */ \
    OCTET_ROWS(OCTET_STEP) \
    w += 4;
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
  const RequantLanesAvx2 r0 = requant_lanes_avx2(header + kNr, header + 2 * kNr);
  const RequantLanesAvx2 r1 = requant_lanes_avx2(header + kNr + 8, header + 2 * kNr + 8);
#define OCTET_STORE(r)                                                                                              \
  if constexpr (MR > r) {                                                                                           \
    store_bytes(c + r * c_stride, requant_pack16_avx2(requant_avx2(acc##r##0, r0, ro), requant_avx2(acc##r##1, r1, ro)), nc); \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}
#undef OCTET_ROWS

}  // namespace

void qs8_gemm_4x16c2__avx2(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                           int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutAvx2 ro = requant_out_avx2(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 4>(mr, nc, kLayout.block_bytes(kc), w, c,
                              [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                                tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                              });
}

}  // namespace octet

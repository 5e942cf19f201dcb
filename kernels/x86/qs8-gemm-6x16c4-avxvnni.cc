// int8 GEMM, tile 6 rows x 16 channels, k in groups of 4, AVX-VNNI (vpdpbusd on
// 256-bit registers, 16 of them): 12 accumulators, one broadcast and one XOR per row
// and k group. Requantization is fused (requantize-avx2.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/common/qs8-gemm-columns.h"
#include "kernels/x86/qs8-gemm-x86.h"
#include "kernels/x86/requantize-avx2.h"

namespace octet {

namespace {

constexpr int kNr = 16;
constexpr QS8GemmLayout kLayout{kNr, false, true};

inline __m256i broadcast4(const int8_t* p, size_t n) {
  int32_t v = 0;
  std::memcpy(&v, p, n);
  return _mm256_set1_epi32(v);
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

// vpdpbusd (VEX) in place: GCC 12 copies the accumulator of the intrinsic on every
// use; the asm keeps it tied. Accumulators are named variables, not an array, for
// the same reason.
inline void dpbusd(__m256i& acc, __m256i x, __m256i w) { __asm__("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(x), "x"(w)); }

#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

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
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  const int8_t* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
#define OCTET_STEP(r)                                                 \
  if constexpr (MR > r) {                                             \
    const __m256i x = _mm256_xor_si256(broadcast4(a##r + k, n), flip); \
    dpbusd(acc##r##0, x, w0);                                         \
    dpbusd(acc##r##1, x, w1);                                         \
  }
  size_t k = 0;
  for (; k + 4 <= kc; k += 4, w += 64) {
    const size_t n = 4;
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
    OCTET_ROWS(OCTET_STEP)
  }
  if (k < kc) {
    const size_t n = kc - k;  // the last group meets zero weights beyond kc
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
    OCTET_ROWS(OCTET_STEP)
  }
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

void qs8_gemm_6x16c4__avxvnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                              int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutAvx2 ro = requant_out_avx2(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 6>(mr, nc, kLayout.block_bytes(kc), w, c,
                              [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                                tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                              });
}

}  // namespace octet

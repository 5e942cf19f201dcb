// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 6
// rows x 16 channels, AVX-VNNI: vpdpwssd multiplies channel pairs and accumulates
// with wrap-around (exact by the bound of kernels/pack/qs8-winograd-layout.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/s16-gemm-x86.h"

namespace octet {

namespace {

constexpr size_t kNr = 16;

inline __m256i broadcast_pair(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm256_set1_epi32(v);
}

// vpdpwssd (VEX) in place: GCC 12 copies the accumulator of the intrinsic on every
// use; the asm keeps it tied.
inline void dpwssd(__m256i& acc, __m256i x, __m256i w) { __asm__("%{vex%} vpdpwssd %2, %1, %0" : "+x"(acc) : "x"(x), "x"(w)); }

// Named accumulators: GCC 12 shuffles an array of vectors between registers.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

template <int MR>
void tile(size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c, size_t c_stride) {
#define OCTET_DECLARE(r)                                                \
  __m256i acc##r##0 = _mm256_setzero_si256(), acc##r##1 = acc##r##0; \
  const int16_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  for (size_t k = 0; k < kc; k += 2, w += 2 * kNr) {
    // 8 KiB ahead: large layers' weights stream from memory (s16-gemm-6x16c2-avx2.cc).
    _mm_prefetch(reinterpret_cast<const char*>(w + 4096), _MM_HINT_T0);
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + kNr));
#define OCTET_STEP(r)                                                    \
  if constexpr (MR > r) {                                                \
    const __m256i x = broadcast_pair(a##r + k);                          \
    dpwssd(acc##r##0, x, w0);                                            \
    dpwssd(acc##r##1, x, w1);                                            \
  }
    OCTET_ROWS(OCTET_STEP)
#undef OCTET_STEP
  }
#define OCTET_STORE(r)                                                                       \
  if constexpr (MR > r) {                                                                    \
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * c_stride), acc##r##0);            \
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * c_stride + 8), acc##r##1);        \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}
#undef OCTET_ROWS

}  // namespace

void s16_gemm_6x16c2__avxvnni(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                           int32_t* c, size_t c_stride) {
  for (size_t n = 0; n < nc; n += kNr, w += kc * kNr, c += kNr) {
    switch (mr) {
      case 1: tile<1>(kc, a, a_stride, w, c, c_stride); break;
      case 2: tile<2>(kc, a, a_stride, w, c, c_stride); break;
      case 3: tile<3>(kc, a, a_stride, w, c, c_stride); break;
      case 4: tile<4>(kc, a, a_stride, w, c, c_stride); break;
      case 5: tile<5>(kc, a, a_stride, w, c, c_stride); break;
      default: tile<6>(kc, a, a_stride, w, c, c_stride); break;
    }
  }
}

}  // namespace octet

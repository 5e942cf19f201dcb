// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 8
// rows x 32 channels, AVX-512 VNNI: vpdpwssd multiplies channel pairs and
// accumulates with wrap-around (exact by the bound of kernels/pack/qs8-winograd-layout.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/s16-gemm-x86.h"

namespace octet {

namespace {

constexpr size_t kNr = 32;

inline __m512i broadcast_pair(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm512_set1_epi32(v);
}

// vpdpwssd in place: GCC 12 copies the accumulator of the intrinsic on every use;
// the asm keeps it tied.
inline void dpwssd(__m512i& acc, __m512i x, __m512i w) { __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

// Named accumulators: GCC 12 shuffles an array of vectors between registers.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

template <int MR>
void tile(size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c, size_t c_stride) {
#define OCTET_DECLARE(r)                                                \
  __m512i acc##r##0 = _mm512_setzero_si512(), acc##r##1 = acc##r##0; \
  const int16_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  for (size_t k = 0; k < kc; k += 2, w += 2 * kNr) {
    // 8 KiB ahead: large layers' weights stream from memory (s16-gemm-6x16c2-avx2.cc).
    _mm_prefetch(reinterpret_cast<const char*>(w + 4096), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w + 4096 + kNr), _MM_HINT_T0);  // 128 bytes a step
    const __m512i w0 = _mm512_loadu_si512(w);
    const __m512i w1 = _mm512_loadu_si512(w + kNr);
#define OCTET_STEP(r)                                                    \
  if constexpr (MR > r) {                                                \
    const __m512i x = broadcast_pair(a##r + k);                          \
    dpwssd(acc##r##0, x, w0);                                            \
    dpwssd(acc##r##1, x, w1);                                            \
  }
    OCTET_ROWS(OCTET_STEP)
#undef OCTET_STEP
  }
#define OCTET_STORE(r)                                             \
  if constexpr (MR > r) {                                          \
    _mm512_storeu_si512(c + r * c_stride, acc##r##0);              \
    _mm512_storeu_si512(c + r * c_stride + 16, acc##r##1);         \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}
#undef OCTET_ROWS

}  // namespace

void s16_gemm_8x32c2__avx512vnni(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                               int32_t* c, size_t c_stride) {
  for (size_t n = 0; n < nc; n += kNr, w += kc * kNr, c += kNr) {
    switch (mr) {
      case 1: tile<1>(kc, a, a_stride, w, c, c_stride); break;
      case 2: tile<2>(kc, a, a_stride, w, c, c_stride); break;
      case 3: tile<3>(kc, a, a_stride, w, c, c_stride); break;
      case 4: tile<4>(kc, a, a_stride, w, c, c_stride); break;
      case 5: tile<5>(kc, a, a_stride, w, c, c_stride); break;
      case 6: tile<6>(kc, a, a_stride, w, c, c_stride); break;
      case 7: tile<7>(kc, a, a_stride, w, c, c_stride); break;
      default: tile<8>(kc, a, a_stride, w, c, c_stride); break;
    }
  }
}

}  // namespace octet

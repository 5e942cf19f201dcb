// The int16 GEMM tile of the Winograd domain on 512-bit registers: 8 rows x 32
// channels, 16 accumulators, one channel pair per step. The multiply-accumulate is
// the including file's (vpmaddwd + vpaddd on AVX-512BW, vpdpwssd with AVX-512 VNNI):
// a struct with `static void mac(__m512i& acc, __m512i x, __m512i w)`. Include only
// from a file compiled for that ISA; everything here has internal linkage.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace octet {
namespace {

constexpr size_t kS16ZmmNr = 32;

inline __m512i s16_zmm_broadcast_pair(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm512_set1_epi32(v);
}

// Named accumulators: GCC 12 shuffles an array of vectors between registers.
#define OCTET_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

template <class Mac, int MR>
void s16_zmm_tile(size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c, size_t c_stride) {
#define OCTET_DECLARE(r)                                                \
  __m512i acc##r##0 = _mm512_setzero_si512(), acc##r##1 = acc##r##0; \
  const int16_t* a##r = a + (MR > r ? r : 0) * a_stride;
  OCTET_ROWS(OCTET_DECLARE)
#undef OCTET_DECLARE
  for (size_t k = 0; k < kc; k += 2, w += 2 * kS16ZmmNr) {
    // 8 KiB ahead, two lines a step: large layers' weights stream from memory
    // (s16-gemm-ymm.h).
    _mm_prefetch(reinterpret_cast<const char*>(w + 4096), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w + 4096 + kS16ZmmNr), _MM_HINT_T0);
    const __m512i w0 = _mm512_loadu_si512(w);
    const __m512i w1 = _mm512_loadu_si512(w + kS16ZmmNr);
#define OCTET_STEP(r)                                   \
  if constexpr (MR > r) {                               \
    const __m512i x = s16_zmm_broadcast_pair(a##r + k); \
    Mac::mac(acc##r##0, x, w0);                         \
    Mac::mac(acc##r##1, x, w1);                         \
  }
    OCTET_ROWS(OCTET_STEP)
#undef OCTET_STEP
  }
#define OCTET_STORE(r)                                      \
  if constexpr (MR > r) {                                   \
    _mm512_storeu_si512(c + r * c_stride, acc##r##0);       \
    _mm512_storeu_si512(c + r * c_stride + 16, acc##r##1);  \
  }
  OCTET_ROWS(OCTET_STORE)
#undef OCTET_STORE
}
#undef OCTET_ROWS

// s16_gemm_fn (kernels/qs8-winograd-config.h) over the tile.
template <class Mac>
void s16_zmm_gemm(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w, int32_t* c,
                  size_t c_stride) {
  for (size_t n = 0; n < nc; n += kS16ZmmNr, w += kc * kS16ZmmNr, c += kS16ZmmNr) {
    switch (mr) {
      case 1: s16_zmm_tile<Mac, 1>(kc, a, a_stride, w, c, c_stride); break;
      case 2: s16_zmm_tile<Mac, 2>(kc, a, a_stride, w, c, c_stride); break;
      case 3: s16_zmm_tile<Mac, 3>(kc, a, a_stride, w, c, c_stride); break;
      case 4: s16_zmm_tile<Mac, 4>(kc, a, a_stride, w, c, c_stride); break;
      case 5: s16_zmm_tile<Mac, 5>(kc, a, a_stride, w, c, c_stride); break;
      case 6: s16_zmm_tile<Mac, 6>(kc, a, a_stride, w, c, c_stride); break;
      case 7: s16_zmm_tile<Mac, 7>(kc, a, a_stride, w, c, c_stride); break;
      default: s16_zmm_tile<Mac, 8>(kc, a, a_stride, w, c, c_stride); break;
    }
  }
}

}  // namespace
}  // namespace octet

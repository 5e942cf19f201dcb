// MaxPool of one output pixel, 64 channels per step, AVX-512 BW: the byte maximum over
// the clipped window (from -128), then the clamp, exactly qs8_maxpool2d__reference;
// the last channels with masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

void qs8_maxpool_64__avx512bw(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y) {
  const __m512i lo = _mm512_set1_epi8(static_cast<char>(qmin)), hi = _mm512_set1_epi8(static_cast<char>(qmax));
  const __m512i floor = _mm512_set1_epi8(-128);
  for (size_t c = 0; c < channels; c += 64) {
    const size_t n = channels - c < 64 ? channels - c : 64;
    const __mmask64 mask = n == 64 ? ~__mmask64(0) : (__mmask64(1) << n) - 1;
    __m512i m = floor;
    for (size_t r = 0; r < w.rows; ++r) {
      const int8_t* p = w.x + r * w.row_stride + c;
      for (size_t k = 0; k < w.cols; ++k, p += w.col_stride) {
        m = _mm512_max_epi8(m, _mm512_mask_loadu_epi8(floor, mask, p));
      }
    }
    _mm512_mask_storeu_epi8(y + c, mask, _mm512_min_epi8(_mm512_max_epi8(m, lo), hi));
  }
}

}  // namespace octet

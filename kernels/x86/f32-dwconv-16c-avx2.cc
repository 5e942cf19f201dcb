// float depthwise convolution, one output row, 16 channels (two ymm) at a time,
// AVX2 without FMA: per channel the reference's sum exactly (bias, then the valid
// taps in (ky, kx) order, vmulps then vaddps; -mavx2 only, nothing contracted).
#include <immintrin.h>

#include "kernels/f32-conv-config.h"

namespace octet {

namespace {

constexpr F32DwConvLayout kLayout{16};

}  // namespace

void f32_dwconv_16c__avx2(const float* const* rows, float* y, const float* packed, const F32DwConvRow& r) {
  const size_t ch = r.channels;
  const size_t taps = static_cast<size_t>(r.kernel_h) * r.kernel_w;
  const size_t block = kLayout.block_floats(taps);
  const __m256 vmin = _mm256_set1_ps(r.out_min), vmax = _mm256_set1_ps(r.out_max);
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const size_t rem = ch % 16;
  const __m256i tail0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rem)), iota);
  const __m256i tail1 =
      _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rem)), _mm256_add_epi32(iota, _mm256_set1_epi32(8)));
  for (int ox = 0; ox < r.out_w; ++ox) {
    const int ix0 = ox * r.stride_w - r.pad_left;
    int kx_begin = 0, kx_end = r.kernel_w;
    while (kx_begin < kx_end && ix0 + kx_begin * r.dilation_w < 0) ++kx_begin;
    while (kx_end > kx_begin && ix0 + (kx_end - 1) * r.dilation_w >= r.in_w) --kx_end;
    float* out = y + static_cast<size_t>(ox) * ch;
    const float* wb = packed;
    size_t c = 0;
    for (; c + 16 <= ch; c += 16, wb += block) {
      __m256 acc0 = _mm256_loadu_ps(wb), acc1 = _mm256_loadu_ps(wb + 8);
      for (int ky = 0; ky < r.kernel_h; ++ky) {
        if (rows[ky] == nullptr) continue;
        for (int kx = kx_begin; kx < kx_end; ++kx) {
          const float* x = rows[ky] + static_cast<size_t>(ix0 + kx * r.dilation_w) * ch + c;
          const float* w = wb + kLayout.weight_offset(static_cast<size_t>(ky) * r.kernel_w + kx);
          acc0 = _mm256_add_ps(acc0, _mm256_mul_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(w)));
          acc1 = _mm256_add_ps(acc1, _mm256_mul_ps(_mm256_loadu_ps(x + 8), _mm256_loadu_ps(w + 8)));
        }
      }
      // vmaxps(lo, acc), vminps(hi, v): std::max(acc, lo) and std::min(v, hi), NaN kept.
      _mm256_storeu_ps(out + c, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc0)));
      _mm256_storeu_ps(out + c + 8, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc1)));
    }
    if (c < ch) {
      __m256 acc0 = _mm256_loadu_ps(wb), acc1 = _mm256_loadu_ps(wb + 8);
      for (int ky = 0; ky < r.kernel_h; ++ky) {
        if (rows[ky] == nullptr) continue;
        for (int kx = kx_begin; kx < kx_end; ++kx) {
          const float* x = rows[ky] + static_cast<size_t>(ix0 + kx * r.dilation_w) * ch + c;
          const float* w = wb + kLayout.weight_offset(static_cast<size_t>(ky) * r.kernel_w + kx);
          acc0 = _mm256_add_ps(acc0, _mm256_mul_ps(_mm256_maskload_ps(x, tail0), _mm256_loadu_ps(w)));
          acc1 = _mm256_add_ps(acc1, _mm256_mul_ps(_mm256_maskload_ps(x + 8, tail1), _mm256_loadu_ps(w + 8)));
        }
      }
      _mm256_maskstore_ps(out + c, tail0, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc0)));
      _mm256_maskstore_ps(out + c + 8, tail1, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc1)));
    }
  }
}

}  // namespace octet

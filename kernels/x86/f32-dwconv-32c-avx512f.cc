// float depthwise convolution, one output row, 32 channels (two zmm) at a time,
// AVX-512F: per channel the reference's sum exactly (bias, then the valid taps in
// (ky, kx) order, vmulps then vaddps; no FMA thanks to -ffp-contract=off).
#include <immintrin.h>

#include "kernels/f32-conv-config.h"

namespace octet {

namespace {

constexpr F32DwConvLayout kLayout{32};

}  // namespace

void f32_dwconv_32c__avx512f(const float* const* rows, float* y, const float* packed, const F32DwConvRow& r) {
  const size_t ch = r.channels;
  const size_t taps = static_cast<size_t>(r.kernel_h) * r.kernel_w;
  const size_t block = kLayout.block_floats(taps);
  const __m512 vmin = _mm512_set1_ps(r.out_min), vmax = _mm512_set1_ps(r.out_max);
  const size_t rem = ch % 32;
  const __mmask16 tail0 = rem >= 16 ? __mmask16(0xffff) : __mmask16((1u << rem) - 1);
  const __mmask16 tail1 = rem <= 16 ? __mmask16(0) : __mmask16((1u << (rem - 16)) - 1);
  for (int ox = 0; ox < r.out_w; ++ox) {
    const int ix0 = ox * r.stride_w - r.pad_left;
    int kx_begin = 0, kx_end = r.kernel_w;
    while (kx_begin < kx_end && ix0 + kx_begin * r.dilation_w < 0) ++kx_begin;
    while (kx_end > kx_begin && ix0 + (kx_end - 1) * r.dilation_w >= r.in_w) --kx_end;
    float* out = y + static_cast<size_t>(ox) * ch;
    const float* wb = packed;
    size_t c = 0;
    for (; c + 32 <= ch; c += 32, wb += block) {
      __m512 acc0 = _mm512_loadu_ps(wb), acc1 = _mm512_loadu_ps(wb + 16);
      for (int ky = 0; ky < r.kernel_h; ++ky) {
        if (rows[ky] == nullptr) continue;
        for (int kx = kx_begin; kx < kx_end; ++kx) {
          const float* x = rows[ky] + static_cast<size_t>(ix0 + kx * r.dilation_w) * ch + c;
          const float* w = wb + kLayout.weight_offset(static_cast<size_t>(ky) * r.kernel_w + kx);
          acc0 = _mm512_add_ps(acc0, _mm512_mul_ps(_mm512_loadu_ps(x), _mm512_loadu_ps(w)));
          acc1 = _mm512_add_ps(acc1, _mm512_mul_ps(_mm512_loadu_ps(x + 16), _mm512_loadu_ps(w + 16)));
        }
      }
      // vmaxps(lo, acc), vminps(hi, v): std::max(acc, lo) and std::min(v, hi), NaN kept.
      _mm512_storeu_ps(out + c, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc0)));
      _mm512_storeu_ps(out + c + 16, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc1)));
    }
    if (c < ch) {
      __m512 acc0 = _mm512_loadu_ps(wb), acc1 = _mm512_loadu_ps(wb + 16);
      for (int ky = 0; ky < r.kernel_h; ++ky) {
        if (rows[ky] == nullptr) continue;
        for (int kx = kx_begin; kx < kx_end; ++kx) {
          const float* x = rows[ky] + static_cast<size_t>(ix0 + kx * r.dilation_w) * ch + c;
          const float* w = wb + kLayout.weight_offset(static_cast<size_t>(ky) * r.kernel_w + kx);
          acc0 = _mm512_add_ps(acc0, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail0, x), _mm512_loadu_ps(w)));
          acc1 = _mm512_add_ps(acc1, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail1, x + 16), _mm512_loadu_ps(w + 16)));
        }
      }
      _mm512_mask_storeu_ps(out + c, tail0, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc0)));
      _mm512_mask_storeu_ps(out + c + 16, tail1, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc1)));
    }
  }
}

}  // namespace octet

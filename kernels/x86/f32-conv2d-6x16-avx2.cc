// float convolution / fully connected, up to 6 output pixels x 16 output channels
// (two ymm of 8 lanes) per tile, AVX2 without FMA: per lane the reference's sum
// exactly (bias, then taps and input channels in order, vmulps then vaddps;
// this file is built with -mavx2 only, so nothing can be contracted).
#include <immintrin.h>

#include "kernels/f32-conv-config.h"

namespace octet {

namespace {

constexpr F32GemmLayout kLayout{16};

template <int MR>
void tile(size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap, const float* packed, float* y,
          const F32ConvParams& p) {
  const size_t ic = p.ic, as = p.a_stride;
  const size_t block = kLayout.block_floats(p.kernel_taps, ic);
  const __m256 vmin = _mm256_set1_ps(p.out_min), vmax = _mm256_set1_ps(p.out_max);
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (size_t n0 = 0; n0 < nc; n0 += 16, packed += block) {
    __m256 acc0[MR], acc1[MR];
    const __m256 b0 = _mm256_loadu_ps(packed), b1 = _mm256_loadu_ps(packed + 8);
    for (int i = 0; i < MR; ++i) {
      acc0[i] = b0;
      acc1[i] = b1;
    }
    for (size_t t = 0; t < ntaps; ++t) {
      const float* w = packed + kLayout.weight_offset(tap[t], ic, 0);
      const float* x = a[t];
      for (size_t c = 0; c < ic; ++c, w += 16) {
        const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
        for (int i = 0; i < MR; ++i) {
          const __m256 xv = _mm256_broadcast_ss(x + i * as + c);
          acc0[i] = _mm256_add_ps(acc0[i], _mm256_mul_ps(xv, w0));
          acc1[i] = _mm256_add_ps(acc1[i], _mm256_mul_ps(xv, w1));
        }
      }
    }
    // std::max(acc, lo) is (acc < lo ? lo : acc): vmaxps(lo, acc) keeps acc on NaN;
    // std::min(v, hi) is (hi < v ? hi : v): vminps(hi, v).
    const size_t rem = nc - n0;
    if (rem >= 16) {
      for (int i = 0; i < MR; ++i) {
        float* o = y + i * p.y_stride + n0;
        _mm256_storeu_ps(o, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc0[i])));
        _mm256_storeu_ps(o + 8, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc1[i])));
      }
    } else {
      const __m256i r = _mm256_set1_epi32(static_cast<int>(rem));
      const __m256i m0 = _mm256_cmpgt_epi32(r, iota);
      const __m256i m1 = _mm256_cmpgt_epi32(r, _mm256_add_epi32(iota, _mm256_set1_epi32(8)));
      for (int i = 0; i < MR; ++i) {
        float* o = y + i * p.y_stride + n0;
        _mm256_maskstore_ps(o, m0, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc0[i])));
        _mm256_maskstore_ps(o + 8, m1, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc1[i])));
      }
    }
  }
}

}  // namespace

void f32_conv2d_6x16__avx2(size_t mr, size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap,
                           const float* packed, float* y, const F32ConvParams& p) {
  switch (mr) {
    case 1: tile<1>(nc, ntaps, a, tap, packed, y, p); break;
    case 2: tile<2>(nc, ntaps, a, tap, packed, y, p); break;
    case 3: tile<3>(nc, ntaps, a, tap, packed, y, p); break;
    case 4: tile<4>(nc, ntaps, a, tap, packed, y, p); break;
    case 5: tile<5>(nc, ntaps, a, tap, packed, y, p); break;
    default: tile<6>(nc, ntaps, a, tap, packed, y, p); break;
  }
}

}  // namespace octet

// float convolution / fully connected, up to 8 output pixels x 32 output channels
// (two zmm of 16 lanes) per tile, AVX-512F: per lane the reference's sum exactly
// (bias, then taps and input channels in order, vmulps then vaddps). AVX-512F has
// FMA, so exactness also rests on the build's -ffp-contract=off (CMakeLists.txt).
#include <immintrin.h>

#include "kernels/f32-conv-config.h"

namespace octet {

namespace {

constexpr F32GemmLayout kLayout{32};

template <int MR>
void tile(size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap, const float* packed, float* y,
          const F32ConvParams& p) {
  const size_t ic = p.ic, as = p.a_stride;
  const size_t block = kLayout.block_floats(p.kernel_taps, ic);
  const __m512 vmin = _mm512_set1_ps(p.out_min), vmax = _mm512_set1_ps(p.out_max);
  for (size_t n0 = 0; n0 < nc; n0 += 32, packed += block) {
    __m512 acc0[MR], acc1[MR];
    const __m512 b0 = _mm512_loadu_ps(packed), b1 = _mm512_loadu_ps(packed + 16);
    for (int i = 0; i < MR; ++i) {
      acc0[i] = b0;
      acc1[i] = b1;
    }
    for (size_t t = 0; t < ntaps; ++t) {
      const float* w = packed + kLayout.weight_offset(tap[t], ic, 0);
      const float* x = a[t];
      for (size_t c = 0; c < ic; ++c, w += 32) {
        const __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);
        for (int i = 0; i < MR; ++i) {
          const __m512 xv = _mm512_set1_ps(x[i * as + c]);
          acc0[i] = _mm512_add_ps(acc0[i], _mm512_mul_ps(xv, w0));
          acc1[i] = _mm512_add_ps(acc1[i], _mm512_mul_ps(xv, w1));
        }
      }
    }
    // std::max(acc, lo) is (acc < lo ? lo : acc): vmaxps(lo, acc) keeps acc on NaN;
    // std::min(v, hi) is (hi < v ? hi : v): vminps(hi, v).
    const size_t rem = nc - n0;
    const __mmask16 k0 = rem >= 16 ? __mmask16(0xffff) : __mmask16((1u << rem) - 1);
    const __mmask16 k1 = rem >= 32 ? __mmask16(0xffff) : rem <= 16 ? __mmask16(0) : __mmask16((1u << (rem - 16)) - 1);
    for (int i = 0; i < MR; ++i) {
      float* o = y + i * p.y_stride + n0;
      _mm512_mask_storeu_ps(o, k0, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc0[i])));
      _mm512_mask_storeu_ps(o + 16, k1, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc1[i])));
    }
  }
}

}  // namespace

void f32_conv2d_8x32__avx512f(size_t mr, size_t nc, size_t ntaps, const float* const* a, const uint32_t* tap,
                              const float* packed, float* y, const F32ConvParams& p) {
  switch (mr) {
    case 1: tile<1>(nc, ntaps, a, tap, packed, y, p); break;
    case 2: tile<2>(nc, ntaps, a, tap, packed, y, p); break;
    case 3: tile<3>(nc, ntaps, a, tap, packed, y, p); break;
    case 4: tile<4>(nc, ntaps, a, tap, packed, y, p); break;
    case 5: tile<5>(nc, ntaps, a, tap, packed, y, p); break;
    case 6: tile<6>(nc, ntaps, a, tap, packed, y, p); break;
    case 7: tile<7>(nc, ntaps, a, tap, packed, y, p); break;
    default: tile<8>(nc, ntaps, a, tap, packed, y, p); break;
  }
}

}  // namespace octet

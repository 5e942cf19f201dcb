#include "kernels/pack/f32-conv-pack.h"

namespace octet {

void f32_gemm_pack(const F32GemmLayout& layout, size_t n, size_t kernel_taps, size_t ic, const float* weights,
                   const float* bias, float* packed) {
  const size_t nr = static_cast<size_t>(layout.nr);
  for (size_t b = 0; b < layout.blocks(n); ++b) {
    float* block = packed + b * layout.block_floats(kernel_taps, ic);
    for (size_t j = 0; j < nr; ++j) {
      const size_t oc = b * nr + j;
      const bool real = oc < n;
      block[j] = real && bias != nullptr ? bias[oc] : 0.0f;
      for (size_t t = 0; t < kernel_taps; ++t) {
        for (size_t c = 0; c < ic; ++c) {
          block[layout.weight_offset(t, ic, c) + j] = real ? weights[(oc * kernel_taps + t) * ic + c] : 0.0f;
        }
      }
    }
  }
}

void f32_dwconv_pack(const F32DwConvLayout& layout, size_t channels, size_t kernel_taps, const float* weights,
                     const float* bias, float* packed) {
  const size_t tile = static_cast<size_t>(layout.tile);
  for (size_t b = 0; b < layout.blocks(channels); ++b) {
    float* block = packed + b * layout.block_floats(kernel_taps);
    for (size_t j = 0; j < tile; ++j) {
      const size_t ch = b * tile + j;
      const bool real = ch < channels;
      block[j] = real && bias != nullptr ? bias[ch] : 0.0f;
      for (size_t t = 0; t < kernel_taps; ++t) {
        block[layout.weight_offset(t) + j] = real ? weights[ch * kernel_taps + t] : 0.0f;
      }
    }
  }
}

}  // namespace octet

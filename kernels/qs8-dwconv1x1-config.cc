#include "kernels/qs8-dwconv1x1-config.h"

#include "kernels/arm/qs8-dwconv-arm.h"

namespace octet {

QS8DwConv1x1Config qs8_dwconv1x1_config(KernelPath path) {
  QS8DwConv1x1Config c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
    case KernelPath::kAvx512bw: c = {"qs8_dwconv_1x1_16c__avx512", qs8_dwconv_1x1_16c__avx512}; break;
    case KernelPath::kAvxVnni:
    case KernelPath::kAvx2: c = {"qs8_dwconv_1x1_8c__avx2", qs8_dwconv_1x1_8c__avx2}; break;
    default: break;
  }
#endif
#if OCTET_ARM_NEON_KERNELS
  switch (path) {
    case KernelPath::kNeonI8mm:
    case KernelPath::kNeonDot:
    case KernelPath::kNeon: c = {"qs8_dwconv_1x1_16c__neon", qs8_dwconv_1x1_16c__neon}; break;
    default: break;
  }
#endif
  (void)path;
  return c;
}

void qs8_dwconv1x1_pack(size_t channels, const int8_t* weights, const int32_t* bias, int32_t input_zero_point,
                        const int32_t* m0, const int32_t* shift, bool per_channel, int32_t* packed) {
  const size_t cp = qs8_dwconv1x1_packed_ints(channels) / 4;
  for (size_t c = 0; c < cp; ++c) {
    const bool real = c < channels;
    const int32_t w = real ? weights[c] : 0;
    // |bias| + 255 * 128 < 2^31 is checked at load, so this does not overflow.
    packed[c] = real ? (bias != nullptr ? bias[c] : 0) - input_zero_point * w : 0;
    packed[cp + c] = w;
    packed[2 * cp + c] = real ? m0[per_channel ? c : 0] : 0;
    packed[3 * cp + c] = real ? shift[per_channel ? c : 0] : 1;
  }
}

}  // namespace octet

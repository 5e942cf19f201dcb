#include "kernels/qs8-quantize-config.h"

#include "kernels/arm/qs8-elementwise-arm.h"

namespace octet {

QS8QuantizeConfig qs8_quantize_config(KernelPath path) {
  QS8QuantizeConfig c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
    case KernelPath::kAvx512bw:
      c = {"qs8_quantize_16__avx512", qs8_quantize_16__avx512, "qs8_dequantize_16__avx512", qs8_dequantize_16__avx512};
      break;
    case KernelPath::kAvxVnni:
    case KernelPath::kAvx2:
      c = {"qs8_quantize_8__avx2", qs8_quantize_8__avx2, "qs8_dequantize_8__avx2", qs8_dequantize_8__avx2};
      break;
    default:
      break;
  }
#elif OCTET_ARM_NEON_KERNELS
  switch (path) {
    case KernelPath::kNeonI8mm:
    case KernelPath::kNeonDot:
    case KernelPath::kNeon:
#if OCTET_ARM64_KERNELS
      c = {"qs8_quantize_16__neon", qs8_quantize_16__neon, "qs8_dequantize_16__neon", qs8_dequantize_16__neon};
#else
      c = {"qs8_quantize_8__neon", qs8_quantize_8__neon, "qs8_dequantize_8__neon", qs8_dequantize_8__neon};
#endif
      break;
    default:
      break;
  }
#endif
  (void)path;
  return c;
}

}  // namespace octet

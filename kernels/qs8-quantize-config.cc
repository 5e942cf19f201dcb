#include "kernels/qs8-quantize-config.h"

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
#endif
  (void)path;
  return c;
}

}  // namespace octet

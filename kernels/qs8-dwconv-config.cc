#include "kernels/qs8-dwconv-config.h"

#include "kernels/arm/qs8-dwconv-arm.h"
#include "kernels/x86/qs8-dwconv-x86.h"

namespace octet {

QS8DwConvConfig qs8_dwconv_config(KernelPath path) {
  QS8DwConvConfig c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
      c = {"qs8_dwconv_64c__avx512vnni", 64, false, 4,
           {"qs8_dwconv_3x3_64c__avx512vnni", qs8_dwconv_3x3_64c__avx512vnni},
           {"qs8_dwconv_5x5_64c__avx512vnni", qs8_dwconv_5x5_64c__avx512vnni}};
      break;
    case KernelPath::kAvx512bw:
      c = {"qs8_dwconv_32c__avx512bw", 32, true, 2,
           {"qs8_dwconv_3x3_32c__avx512bw", qs8_dwconv_3x3_32c__avx512bw},
           {"qs8_dwconv_5x5_32c__avx512bw", qs8_dwconv_5x5_32c__avx512bw}};
      break;
    case KernelPath::kAvxVnni:
      c = {"qs8_dwconv_16c__avxvnni", 16, false, 2,
           {"qs8_dwconv_3x3_16c__avxvnni", qs8_dwconv_3x3_16c__avxvnni},
           {"qs8_dwconv_5x5_16c__avxvnni", qs8_dwconv_5x5_16c__avxvnni}};
      break;
    case KernelPath::kAvx2:
      c = {"qs8_dwconv_16c__avx2", 16, false, 2,
           {"qs8_dwconv_3x3_16c__avx2", qs8_dwconv_3x3_16c__avx2},
           {"qs8_dwconv_5x5_16c__avx2", qs8_dwconv_5x5_16c__avx2}};
      break;
    default:
      break;
  }
#endif
#if OCTET_ARM_NEON_KERNELS
  switch (path) {
#if OCTET_ARM64_KERNELS
    case KernelPath::kNeonI8mm:  // smmla has no use in depthwise; every i8mm CPU has sdot
    case KernelPath::kNeonDot:
      c = {"qs8_dwconv_16c__neondot", 16, false, 4,
           {"qs8_dwconv_3x3_16c__neondot", qs8_dwconv_3x3_16c__neondot},
           {"qs8_dwconv_5x5_16c__neondot", qs8_dwconv_5x5_16c__neondot}, true};
      break;
#endif
    case KernelPath::kNeon:
      c = {"qs8_dwconv_16c__neon", 16, false, 1,
           {"qs8_dwconv_3x3_16c__neon", qs8_dwconv_3x3_16c__neon},
           {"qs8_dwconv_5x5_16c__neon", qs8_dwconv_5x5_16c__neon}};
      break;
    default:
      break;
  }
#endif
  (void)path;
  return c;
}

}  // namespace octet

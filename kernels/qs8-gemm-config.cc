#include "kernels/qs8-gemm-config.h"

#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/x86/qs8-gemm-x86.h"

namespace octet {

QS8GemmConfig qs8_gemm_config(KernelPath path) {
  QS8GemmConfig c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
      c = {"qs8_gemm_8x32c4__avx512vnni", qs8_gemm_8x32c4__avx512vnni, 8, 64, {32, false, true}};
      break;
    case KernelPath::kAvxVnni:
      c = {"qs8_gemm_6x16c4__avxvnni", qs8_gemm_6x16c4__avxvnni, 6, 0, {16, false, true}};
      break;
    case KernelPath::kAvx512bw:
      c = {"qs8_gemm_8x32c2__avx512bw", qs8_gemm_8x32c2__avx512bw, 8, 0, {32, true, false}};
      break;
    case KernelPath::kAvx2:
      c = {"qs8_gemm_4x16c2__avx2", qs8_gemm_4x16c2__avx2, 4, 0, {16, true, false}};
      break;
    default:
      break;
  }
#endif
#if OCTET_ARM_NEON_KERNELS
  switch (path) {
#if OCTET_ARM64_KERNELS
    case KernelPath::kNeonI8mm:
      c = {"qs8_gemm_4x16c8__neoni8mm", qs8_gemm_4x16c8__neoni8mm, 4, 0, {16, false, false, 8}};
      break;
    case KernelPath::kNeonDot:
      c = {"qs8_gemm_4x16c4__neondot", qs8_gemm_4x16c4__neondot, 4, 0, {16, false, false, 4}};
      break;
    case KernelPath::kNeon:
      c = {"qs8_gemm_2x8c8__neon", qs8_gemm_2x8c8__neon, 2, 0, {8, false, false, 8}};
      break;
#else
    case KernelPath::kNeon:
      c = {"qs8_gemm_2x4c8__neon", qs8_gemm_2x4c8__neon, 2, 0, {4, false, false, 8}};
      break;
#endif
    default:
      break;
  }
#endif
  (void)path;
  return c;
}

QS8GemmConfig qs8_gemm_int16_config(KernelPath path) {
  QS8GemmConfig c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
    case KernelPath::kAvx512bw:
      c = {"qs8_gemm_8x32c2__avx512bw", qs8_gemm_8x32c2__avx512bw, 8, 0, {32, true, false}};
      break;
    case KernelPath::kAvxVnni:
    case KernelPath::kAvx2:
      c = {"qs8_gemm_4x16c2__avx2", qs8_gemm_4x16c2__avx2, 4, 0, {16, true, false}};
      break;
    default:
      break;
  }
#endif
#if OCTET_ARM_NEON_KERNELS
  // smlal by lane on every ARM path (sdot and smmla take int8 operands only).
  switch (path) {
    case KernelPath::kNeon:
#if OCTET_ARM64_KERNELS
    case KernelPath::kNeonDot:
    case KernelPath::kNeonI8mm:
      c = {"qs8_gemm_6x8c2__neon", qs8_gemm_6x8c2__neon, 6, 0, {8, true, false}};
#else
      c = {"qs8_gemm_4x8c2__neon", qs8_gemm_4x8c2__neon, 4, 0, {8, true, false}};
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

#include "kernels/qs8-gemm-config.h"

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
    case KernelPath::kReference:
      break;
  }
#else
  (void)path;
#endif
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
    case KernelPath::kReference:
      break;
  }
#else
  (void)path;
#endif
  return c;
}

}  // namespace octet

#include "kernels/qs8-winograd-config.h"

#include "kernels/arm/qs8-wino23-arm.h"
#include "kernels/arm/s16-gemm-arm.h"
#include "kernels/x86/qs8-wino23-x86.h"
#include "kernels/x86/s16-gemm-x86.h"

namespace octet {

QS8WinogradConfig qs8_winograd_config(KernelPath path) {
  QS8WinogradConfig c;
#if OCTET_X86_KERNELS
  // The transforms are AVX2 on every x86 path (a small share of the work); the GEMM
  // is the path's own.
  const auto transforms = [](QS8WinogradConfig* w) {
    w->input = qs8_wino23_input_16c__avx2;
    w->output = qs8_wino23_output_8c__avx2;
    w->s2_input = qs8_wino23s2_input_16c__avx2;
    w->s2_output = qs8_wino23s2_output_8c__avx2;
  };
  switch (path) {
    case KernelPath::kAvx512vnni:
      c.name = "qs8_conv2d_winograd_f23__avx512vnni";
      c.s2_name = "qs8_conv2d_winograd_f23s2__avx512vnni";
      c.gemm_name = "s16_gemm_8x32c2__avx512vnni";
      c.gemm = s16_gemm_8x32c2__avx512vnni;
      c.mr = 8;
      c.layout = {32, 16};
      transforms(&c);
      break;
    case KernelPath::kAvx512bw:
      c.name = "qs8_conv2d_winograd_f23__avx512bw";
      c.s2_name = "qs8_conv2d_winograd_f23s2__avx512bw";
      c.gemm_name = "s16_gemm_8x32c2__avx512bw";
      c.gemm = s16_gemm_8x32c2__avx512bw;
      c.mr = 8;
      c.layout = {32, 16};
      transforms(&c);
      break;
    case KernelPath::kAvxVnni:
      c.name = "qs8_conv2d_winograd_f23__avxvnni";
      c.s2_name = "qs8_conv2d_winograd_f23s2__avxvnni";
      c.gemm_name = "s16_gemm_6x16c2__avxvnni";
      c.gemm = s16_gemm_6x16c2__avxvnni;
      c.mr = 6;
      c.layout = {16, 16};
      transforms(&c);
      break;
    case KernelPath::kAvx2:
      c.name = "qs8_conv2d_winograd_f23__avx2";
      c.s2_name = "qs8_conv2d_winograd_f23s2__avx2";
      c.gemm_name = "s16_gemm_6x16c2__avx2";
      c.gemm = s16_gemm_6x16c2__avx2;
      c.mr = 6;
      c.layout = {16, 16};
      transforms(&c);
      break;
    default:
      break;
  }
#endif
#if OCTET_ARM_NEON_KERNELS
  // No stride-2 form on ARM yet (its transforms are x86 only).
  // One NEON form on every ARM path: sdot and smmla have no 16-bit counterpart, so
  // the dot-product paths run the same kernels, and the load-time measurement
  // (runtime/ops/conv2d_select.cc) decides against their int8 GEMMs per layer.
  c.input = qs8_wino23_input_8c__neon;
  c.output = qs8_wino23_output_8c__neon;
  c.layout = {8, 8};
#if OCTET_ARM64_KERNELS
  c.gemm_name = "s16_gemm_6x8c2__neon";
  c.gemm = s16_gemm_6x8c2__neon;
  c.mr = 6;
#else
  c.gemm_name = "s16_gemm_4x8c2__neon";
  c.gemm = s16_gemm_4x8c2__neon;
  c.mr = 4;
#endif
  switch (path) {
    case KernelPath::kNeon: c.name = "qs8_conv2d_winograd_f23__neon"; break;
#if OCTET_ARM64_KERNELS
    case KernelPath::kNeonDot: c.name = "qs8_conv2d_winograd_f23__neondot"; break;
    case KernelPath::kNeonI8mm: c.name = "qs8_conv2d_winograd_f23__neoni8mm"; break;
#endif
    default: c = QS8WinogradConfig(); break;
  }
#endif
  (void)path;
  return c;
}

}  // namespace octet

#include "kernels/qs8-elementwise-config.h"

#include "kernels/arm/qs8-elementwise-arm.h"
#include "kernels/common/x8-lut-4-scalar.h"
#include "kernels/x86/qs8-elementwise-x86.h"

namespace octet {

QS8ElementwiseConfig qs8_elementwise_config(KernelPath path) {
  QS8ElementwiseConfig c;
#if OCTET_X86_KERNELS
  const bool avx512 = path == KernelPath::kAvx512bw || path == KernelPath::kAvx512vnni;
  const bool x86 = avx512 || path == KernelPath::kAvx2 || path == KernelPath::kAvxVnni;
  if (!x86) return c;
  c.name = kernel_path_name(path);
  // 256-entry lookups: vpshufb over 16 sub-tables (AVX2, or AVX-512 BW on the
  // AVX-512 paths), vpermi2b where the CPU has VBMI.
  c.lut = avx512 ? x8_lut_64__avx512bw : x8_lut_32__avx2;
  c.lut_name = avx512 ? "x8_lut_64__avx512bw" : "x8_lut_32__avx2";
  c.ibilinear = avx512 ? qs8_ibilinear_32__avx512bw : qs8_ibilinear_16__avx2;
  c.ibilinear_name = avx512 ? "qs8_ibilinear_32__avx512bw" : "qs8_ibilinear_16__avx2";
  c.transpose = x_transpose_rows;
  c.transpose_name = "x_transpose_rows";
  if (avx512) {
    c.lut_vbmi = x8_lut_64__avx512vbmi;
    c.lut_vbmi_name = "x8_lut_64__avx512vbmi";
    c.vadd = qs8_vadd_64__avx512bw;
    c.vaddc = qs8_vaddc_64__avx512bw;
    c.vadd_name = "qs8_vadd_64__avx512bw";
    c.vmul = qs8_vmul_32__avx512bw;
    c.vmulc = qs8_vmulc_32__avx512bw;
    c.vmul_name = "qs8_vmul_32__avx512bw";
    c.maxpool = qs8_maxpool_64__avx512bw;
    c.maxpool_name = "qs8_maxpool_64__avx512bw";
    c.avgpool = qs8_avgpool_32__avx512bw;
    c.avgpool_name = "qs8_avgpool_32__avx512bw";
  } else {
    c.vadd = qs8_vadd_32__avx2;
    c.vaddc = qs8_vaddc_32__avx2;
    c.vadd_name = "qs8_vadd_32__avx2";
    c.vmul = qs8_vmul_32__avx2;
    c.vmulc = qs8_vmulc_32__avx2;
    c.vmul_name = "qs8_vmul_32__avx2";
    c.maxpool = qs8_maxpool_32__avx2;
    c.maxpool_name = "qs8_maxpool_32__avx2";
    c.avgpool = qs8_avgpool_16__avx2;
    c.avgpool_name = "qs8_avgpool_16__avx2";
  }
#elif OCTET_ARM_NEON_KERNELS
  // One set of NEON kernels for every ARM path: none of these operations gains from
  // dot products or matrix multiplies.
  const bool arm = path == KernelPath::kNeon || path == KernelPath::kNeonDot || path == KernelPath::kNeonI8mm;
  if (!arm) return c;
  c.name = kernel_path_name(path);
#if OCTET_ARM64_KERNELS
  c.lut = x8_lut_64__neon;
  c.lut_name = "x8_lut_64__neon";
#else
  c.lut = x8_lut_4__scalar;  // see x8-lut-4-scalar.h: vtbl does not win on ARMv7
  c.lut_name = "x8_lut_4__scalar";
#endif
  c.vadd = qs8_vadd_16__neon;
  c.vaddc = qs8_vaddc_16__neon;
  c.vadd_name = "qs8_vadd_16__neon";
  c.vmul = qs8_vmul_16__neon;
  c.vmulc = qs8_vmulc_16__neon;
  c.vmul_name = "qs8_vmul_16__neon";
  c.maxpool = qs8_maxpool_32__neon;
  c.maxpool_name = "qs8_maxpool_32__neon";
  c.avgpool = qs8_avgpool_16__neon;
  c.avgpool_name = "qs8_avgpool_16__neon";
  c.ibilinear = qs8_ibilinear_16__neon;
  c.ibilinear_name = "qs8_ibilinear_16__neon";
  c.transpose = x_transpose_rows;
  c.transpose_name = "x_transpose_rows";
#else
  (void)path;
#endif
  return c;
}

}  // namespace octet

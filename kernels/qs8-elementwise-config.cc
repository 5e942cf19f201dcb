#include "kernels/qs8-elementwise-config.h"

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
#else
  (void)path;
#endif
  return c;
}

}  // namespace octet

#include "kernels/kernel-table.h"

#ifndef OCTET_X86_KERNELS
#define OCTET_X86_KERNELS 0
#endif
#ifndef OCTET_ARM_NEON_KERNELS
#define OCTET_ARM_NEON_KERNELS 0
#endif
#ifndef OCTET_ARM64_KERNELS
#define OCTET_ARM64_KERNELS 0
#endif

namespace octet {

namespace {

KernelTable build(KernelPath path) {
  KernelTable t;
  t.path = path;
  t.gemm = qs8_gemm_config(path);
  t.gemm_int16 = qs8_gemm_int16_config(path);
  t.dwconv = qs8_dwconv_config(path);
  t.elementwise = qs8_elementwise_config(path);
  t.quantize = qs8_quantize_config(path);
  t.dwconv1x1 = qs8_dwconv1x1_config(path);
  t.winograd = qs8_winograd_config(path);
  t.f32conv = f32_conv_config(path);
  return t;
}

}  // namespace

const KernelTable& kernel_table(KernelPath path) {
  static const KernelTable tables[kKernelPathCount] = {
      build(KernelPath::kReference), build(KernelPath::kAvx2),     build(KernelPath::kAvx512bw),
      build(KernelPath::kAvxVnni),   build(KernelPath::kAvx512vnni), build(KernelPath::kNeon),
      build(KernelPath::kNeonDot),   build(KernelPath::kNeonI8mm)};
  return tables[static_cast<int>(path)];
}

bool kernel_path_built(KernelPath path) {
  switch (path) {
    case KernelPath::kReference: return true;
    case KernelPath::kAvx2:
    case KernelPath::kAvx512bw:
    case KernelPath::kAvxVnni:
    case KernelPath::kAvx512vnni: return OCTET_X86_KERNELS != 0;
    case KernelPath::kNeon: return OCTET_ARM_NEON_KERNELS != 0;
    case KernelPath::kNeonDot:
    case KernelPath::kNeonI8mm: return OCTET_ARM64_KERNELS != 0;
  }
  return false;
}

}  // namespace octet

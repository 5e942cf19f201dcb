#include "kernels/kernel-table.h"

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
  return t;
}

}  // namespace

const KernelTable& kernel_table(KernelPath path) {
  static const KernelTable tables[] = {build(KernelPath::kReference), build(KernelPath::kAvx2),
                                       build(KernelPath::kAvx512bw), build(KernelPath::kAvxVnni),
                                       build(KernelPath::kAvx512vnni)};
  return tables[static_cast<int>(path)];
}

bool kernel_path_built(KernelPath path) {
#if OCTET_X86_KERNELS
  (void)path;
  return true;
#else
  return path == KernelPath::kReference;
#endif
}

}  // namespace octet

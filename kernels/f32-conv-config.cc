#include "kernels/f32-conv-config.h"

namespace octet {

F32ConvConfig f32_conv_config(KernelPath path) {
  F32ConvConfig c;
#if OCTET_X86_KERNELS
  switch (path) {
    case KernelPath::kAvx512vnni:
    case KernelPath::kAvx512bw:
      c.gemm_name = "f32_conv2d_8x32__avx512f";
      c.gemm = f32_conv2d_8x32__avx512f;
      c.gemm_layout.nr = 32;
      c.mr = 8;
      c.dw_name = "f32_dwconv_32c__avx512f";
      c.dw = f32_dwconv_32c__avx512f;
      c.dw_layout.tile = 32;
      break;
    case KernelPath::kAvxVnni:
    case KernelPath::kAvx2:
      c.gemm_name = "f32_conv2d_6x16__avx2";
      c.gemm = f32_conv2d_6x16__avx2;
      c.gemm_layout.nr = 16;
      c.mr = 6;
      c.dw_name = "f32_dwconv_16c__avx2";
      c.dw = f32_dwconv_16c__avx2;
      c.dw_layout.tile = 16;
      break;
    default: break;
  }
#endif
  // ARM paths: the reference kernels (no NEON float kernels yet).
  (void)path;
  return c;
}

}  // namespace octet

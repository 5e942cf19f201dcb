// The x86 GEMM micro-kernels (one ISA per source file; no intrinsics here).
// Signature: qs8_gemm_fn in kernels/qs8-gemm-config.h.
#pragma once

#include "kernels/qs8-gemm-config.h"

namespace octet {

void qs8_gemm_8x32c4__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                                 int8_t* c, size_t c_stride, const QS8GemmOutput& out);
void qs8_gemm_6x16c4__avxvnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                              int8_t* c, size_t c_stride, const QS8GemmOutput& out);
void qs8_gemm_8x32c2__avx512bw(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                               int8_t* c, size_t c_stride, const QS8GemmOutput& out);
void qs8_gemm_4x16c2__avx2(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                           int8_t* c, size_t c_stride, const QS8GemmOutput& out);

}  // namespace octet

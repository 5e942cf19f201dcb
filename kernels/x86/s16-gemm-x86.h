// The x86 int16 GEMM micro-kernels of the Winograd domain (one ISA per source file).
// Signature: s16_gemm_fn in kernels/qs8-winograd-config.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

void s16_gemm_6x16c2__avx2(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                           int32_t* c, size_t c_stride);
void s16_gemm_6x16c2__avxvnni(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                              int32_t* c, size_t c_stride);
void s16_gemm_8x32c2__avx512bw(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                               int32_t* c, size_t c_stride);
void s16_gemm_8x32c2__avx512vnni(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride,
                                 const int16_t* w, int32_t* c, size_t c_stride);

}  // namespace octet

// The ARM GEMM micro-kernels (one ISA per source file; no intrinsics here).
// Signature: qs8_gemm_fn in kernels/qs8-gemm-config.h.
#pragma once

#include "kernels/qs8-gemm-config.h"

namespace octet {

// AArch64 ARMv8.0 NEON: smull + sadalp, layout nr 8, kr 8.
void qs8_gemm_2x8c8__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out);
// ARMv7 NEON (16 q registers): the same arithmetic on 4 channels, layout nr 4, kr 8.
void qs8_gemm_2x4c8__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out);
// AArch64 dot product: sdot by lane, layout nr 16, kr 4.
void qs8_gemm_4x16c4__neondot(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                              int8_t* c, size_t c_stride, const QS8GemmOutput& out);
// AArch64 i8mm: smmla on row pairs x channel pairs, layout nr 16, kr 8.
void qs8_gemm_4x16c8__neoni8mm(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                               int8_t* c, size_t c_stride, const QS8GemmOutput& out);
// int16 weights (products of two activations), int16 layout nr 8: AArch64 6 rows,
// ARMv7 4 rows; ld2 + smlal by lane.
void qs8_gemm_6x8c2__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out);
void qs8_gemm_4x8c2__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out);

}  // namespace octet

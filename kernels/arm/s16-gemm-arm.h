// The ARM int16 GEMM micro-kernels of the Winograd domain (one ISA per source file;
// no intrinsics here). Signature: s16_gemm_fn in kernels/qs8-winograd-config.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

// AArch64 NEON: ld2 + smlal by lane, Winograd layout nr 8.
void s16_gemm_6x8c2__neon(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                          int32_t* c, size_t c_stride);
// ARMv7 NEON (16 q registers): the same arithmetic on 4 rows, layout nr 8.
void s16_gemm_4x8c2__neon(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                          int32_t* c, size_t c_stride);

}  // namespace octet

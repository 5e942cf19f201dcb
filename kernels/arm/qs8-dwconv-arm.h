// The ARM depthwise kernels (one ISA per source file; no intrinsics here).
// Row kernels: qs8_dwconv_fn in kernels/qs8-dwconv-config.h; 1x1: qs8_dwconv1x1_fn in
// kernels/qs8-dwconv1x1-config.h.
#pragma once

#include "kernels/qs8-dwconv-config.h"
#include "kernels/qs8-dwconv1x1-config.h"

namespace octet {

#define OCTET_DWCONV_DECL(name) \
  void name(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p)

// NEON (AArch64 ARMv8.0 and ARMv7): layout tile 16, taps 1 (int16 weights), smlal.
OCTET_DWCONV_DECL(qs8_dwconv_3x3_16c__neon);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_16c__neon);
// AArch64 dot product: layout tile 16, taps 4, signed_dot, sdot.
OCTET_DWCONV_DECL(qs8_dwconv_3x3_16c__neondot);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_16c__neondot);

#undef OCTET_DWCONV_DECL

// NEON 1x1 depthwise, 16 channels per step: sxtl, smlal, fused requantization.
void qs8_dwconv_1x1_16c__neon(size_t pixels, size_t channels, const int8_t* x, const int32_t* packed, int8_t* y,
                              const QS8GemmOutput& out);

}  // namespace octet

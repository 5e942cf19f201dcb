// The x86 depthwise row kernels (one ISA per source file; no intrinsics here).
// Signature: qs8_dwconv_fn in kernels/qs8-dwconv-config.h.
#pragma once

#include "kernels/qs8-dwconv-config.h"

namespace octet {

#define OCTET_DWCONV_DECL(name) \
  void name(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p)

OCTET_DWCONV_DECL(qs8_dwconv_3x3_64c__avx512vnni);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_64c__avx512vnni);
OCTET_DWCONV_DECL(qs8_dwconv_3x3_32c__avx512vnni);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_32c__avx512vnni);
OCTET_DWCONV_DECL(qs8_dwconv_3x3_32c__avx512bw);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_32c__avx512bw);
OCTET_DWCONV_DECL(qs8_dwconv_3x3_16c__avxvnni);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_16c__avxvnni);
OCTET_DWCONV_DECL(qs8_dwconv_3x3_16c__avx2);
OCTET_DWCONV_DECL(qs8_dwconv_5x5_16c__avx2);

#undef OCTET_DWCONV_DECL

}  // namespace octet

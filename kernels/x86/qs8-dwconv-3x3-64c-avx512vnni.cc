// int8 depthwise convolution, 3x3 window, 64 channels per block, AVX-512 VNNI:
// four kernel rows per int32 lane with vpdpbusd (qs8-dwconv-64c-avx512vnni.h);
// requantization fused.
#include "kernels/x86/qs8-dwconv-64c-avx512vnni.h"
#include "kernels/x86/qs8-dwconv-x86.h"

namespace octet {

void qs8_dwconv_3x3_64c__avx512vnni(const int8_t* const* rows, int8_t* out, const void* packed,
                                    const QS8DwConvRow& p) {
  dw_64c<3, 3>(rows, out, packed, p);
}

}  // namespace octet

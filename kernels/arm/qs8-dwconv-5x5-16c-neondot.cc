// int8 depthwise convolution, 5x5 window, 16 channels per block, AArch64 dot
// product: 4 kernel rows per int32 lane, sdot per group of 4 row taps. The row walk
// is in qs8-dwconv-neon.h, the taps in qs8-dwconv-neondot.h; requantization fused.
#include "kernels/arm/qs8-dwconv-arm.h"
#include "kernels/arm/qs8-dwconv-neondot.h"

namespace octet {

void qs8_dwconv_5x5_16c__neondot(const int8_t* const* rows, int8_t* out, const void* packed,
                                   const QS8DwConvRow& p) {
  dw_neon<DwTapsNeonDot, 5, 5>(rows, out, packed, p);
}

}  // namespace octet

// int8 depthwise convolution, 5x5 window, 16 channels per block, NEON (AArch64
// ARMv8.0 and ARMv7): one int16 weight per lane, inputs sign-extended once per
// column, smlal per tap. The row walk is in qs8-dwconv-neon.h; requantization fused.
#include "kernels/arm/qs8-dwconv-arm.h"
#include "kernels/arm/qs8-dwconv-neon.h"

namespace octet {

void qs8_dwconv_5x5_16c__neon(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p) {
  dw_neon<DwTapsNeon, 5, 5>(rows, out, packed, p);
}

}  // namespace octet

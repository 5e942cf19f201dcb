// Widening operations on the high half of q registers: the AArch64 "2" forms
// (ssubl2, smull2, smlal2), and vget_high on ARMv7, where a q register is two d
// registers and the high half costs nothing. GCC 12 does not fold vget_high of a
// loop-invariant operand into the "2" forms and moves each high half out first.
// Include only from NEON files; internal linkage throughout.
#pragma once

#include <arm_neon.h>

namespace octet {
namespace {

inline int16x8_t subl_high_neon(int8x16_t a, int8x16_t b) {
#if defined(__aarch64__)
  return vsubl_high_s8(a, b);
#else
  return vsubl_s8(vget_high_s8(a), vget_high_s8(b));
#endif
}

inline int32x4_t mull_high_neon(int16x8_t a, int16x8_t b) {
#if defined(__aarch64__)
  return vmull_high_s16(a, b);
#else
  return vmull_s16(vget_high_s16(a), vget_high_s16(b));
#endif
}

inline int32x4_t mlal_high_neon(int32x4_t acc, int16x8_t a, int16x8_t b) {
#if defined(__aarch64__)
  return vmlal_high_s16(acc, a, b);
#else
  return vmlal_s16(acc, vget_high_s16(a), vget_high_s16(b));
#endif
}

}  // namespace
}  // namespace octet

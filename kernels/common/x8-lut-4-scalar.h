// A 256-entry byte lookup in plain C++ (x8_lut_fn, kernels/qs8-elementwise-config.h),
// the lookup of the ARMv7 NEON path: vtbl reaches 32 bytes per instruction, so a
// 256-byte table takes 8 vtbx per 8 bytes with the table reloaded from memory (it
// fills all 16 q registers), which costs more than 4 scalar lookups per word.
// XNNPACK likewise uses its scalar lookup on AArch32.
#pragma once

#include <cstddef>
#include <cstdint>

namespace octet {

void x8_lut_4__scalar(size_t n, const int8_t* x, const int8_t* table, int8_t* y);

}  // namespace octet

// The ARM Winograd F(2x2, 3x3) transforms (signatures: kernels/qs8-winograd-config.h).
#pragma once

#include "kernels/qs8-winograd-config.h"

namespace octet {

// NEON (AArch64 and ARMv7): 8 channels per vector; layout c_align 8.
void qs8_wino23_input_8c__neon(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                               size_t cp, int16_t* v, size_t v_stride);
void qs8_wino23_output_8c__neon(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y);

}  // namespace octet

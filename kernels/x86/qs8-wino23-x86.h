// The x86 Winograd F(2x2, 3x3) transforms, stride 1 and stride 2 (signatures: kernels/qs8-winograd-config.h).
#pragma once

#include "kernels/qs8-winograd-config.h"

namespace octet {

void qs8_wino23_input_16c__avx2(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                                size_t cp, int16_t* v, size_t v_stride);
void qs8_wino23_output_8c__avx2(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y);
// The stride-2 form's (kernels/pack/qs8-winograd-layout.h): 25 V and M positions,
// in the slots of kWinogradF23S2Slot.
void qs8_wino23s2_input_16c__avx2(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                                  size_t cp, int16_t* v, size_t v_stride);
void qs8_wino23s2_output_8c__avx2(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                  size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y);

}  // namespace octet

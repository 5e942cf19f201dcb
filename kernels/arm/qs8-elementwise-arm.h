// The ARM element-wise, pooling, resize and quantize kernels (one ISA per source file;
// no intrinsics here). Signatures: kernels/qs8-elementwise-config.h and
// kernels/qs8-quantize-config.h. NEON files build for AArch64 and ARMv7 unless noted.
#pragma once

#include "kernels/qs8-elementwise-config.h"
#include "kernels/qs8-quantize-config.h"

namespace octet {

// AArch64 only: tbl / tbx over the table as four 64-byte blocks.
void x8_lut_64__neon(size_t n, const int8_t* x, const int8_t* table, int8_t* y);

void qs8_vadd_16__neon(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y);
void qs8_vaddc_16__neon(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y);

void qs8_vmul_16__neon(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y);
void qs8_vmulc_16__neon(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y);

void qs8_maxpool_32__neon(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y);

void qs8_avgpool_16__neon(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y);

void qs8_ibilinear_16__neon(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y);

// AArch64 only: vector division and fcvtns (round to nearest even, saturating).
void qs8_quantize_16__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_dequantize_16__neon(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y);
// ARMv7 only: NEON has no division and flushes denormals to zero there, so the
// division is VFP's and the rounding an exact add / subtract of 1.5 * 2^23.
void qs8_quantize_8__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_dequantize_8__neon(size_t n, const int8_t* x, float scale, int32_t zero_point, float* y);

}  // namespace octet

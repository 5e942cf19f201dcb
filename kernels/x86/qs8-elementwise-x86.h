// The x86 element-wise, pooling and resize kernels (one ISA per source file; no
// intrinsics here). Signatures: kernels/qs8-elementwise-config.h.
#pragma once

#include "kernels/qs8-elementwise-config.h"

namespace octet {

void x8_lut_32__avx2(size_t n, const int8_t* x, const int8_t* table, int8_t* y);
void x8_lut_64__avx512vbmi(size_t n, const int8_t* x, const int8_t* table, int8_t* y);
void x8_lut_64__avx512bw(size_t n, const int8_t* x, const int8_t* table, int8_t* y);

void qs8_vadd_32__avx2(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y);
void qs8_vaddc_32__avx2(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y);
void qs8_vadd_64__avx512bw(size_t n, const int8_t* a, const int8_t* b, const QAddParams& p, int8_t* y);
void qs8_vaddc_64__avx512bw(size_t n, const int8_t* a, int8_t b, const QAddParams& p, int8_t* y);

void qs8_vmul_32__avx2(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y);
void qs8_vmulc_32__avx2(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y);
void qs8_vmul_32__avx512bw(size_t n, const int8_t* a, const int8_t* b, const QMulParams& p, int8_t* y);
void qs8_vmulc_32__avx512bw(size_t n, const int8_t* a, int8_t b, const QMulParams& p, int8_t* y);

void qs8_maxpool_32__avx2(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y);
void qs8_maxpool_64__avx512bw(const QS8PoolWindow& w, size_t channels, int32_t qmin, int32_t qmax, int8_t* y);

void qs8_avgpool_16__avx2(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y);
void qs8_avgpool_32__avx512bw(const QS8PoolWindow& w, size_t channels, const QS8AvgPoolPixel& p, int8_t* y);

void qs8_ibilinear_16__avx2(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y);
void qs8_ibilinear_32__avx512bw(size_t channels, const QS8BilinearPixel& px, const QS8BilinearParams& p, int8_t* y);

}  // namespace octet

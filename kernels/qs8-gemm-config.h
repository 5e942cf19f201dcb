// The int8 GEMM micro-kernel of a kernel path: its function, tile and the packed
// layout its packer writes (one QS8GemmLayout shared by both).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"
#include "kernels/pack/qs8-gemm-layout.h"

namespace octet {

// Output quantization common to all channels (per-channel m0/shift are packed).
struct QS8GemmOutput {
  int32_t zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

// c[i][j] = requantize(sum_k a[i][k] w[j][k] + packed bias) for i < mr (at most the
// tile's mr, or QS8GemmConfig::long_mr when set), j < nc; rows of a are kc bytes at a + i * a_stride, rows of c at
// c + i * c_stride. w points at the first packed block of the nc columns. Reads
// exactly kc bytes of each row of a, writes exactly nc bytes of each row of c.
using qs8_gemm_fn = void (*)(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                             int8_t* c, size_t c_stride, const QS8GemmOutput& out);

struct QS8GemmConfig {
  const char* name = nullptr;  // e.g. "qs8_gemm_8x32c4__avx512vnni"; null: no SIMD GEMM
  qs8_gemm_fn fn = nullptr;
  int mr = 1;
  // When nonzero, fn also takes up to long_mr rows per call (looping its tiles with
  // each column block's constants computed once); worth it for short K.
  int long_mr = 0;
  QS8GemmLayout layout;
};

// The GEMM of a path (null name on the reference path).
QS8GemmConfig qs8_gemm_config(KernelPath path);

// The path's GEMM with int16 weights (vpmaddwd), for products of two activations:
// their zero-point-corrected values need 9 bits (qs8_gemm_pack_activation).
QS8GemmConfig qs8_gemm_int16_config(KernelPath path);

}  // namespace octet

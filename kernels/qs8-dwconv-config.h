// The depthwise convolution kernels of a kernel path: one row kernel per window
// size (3x3, 5x5), the channel tile and the packed layout they read
// (kernels/pack/qs8-dwconv-layout.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"
#include "kernels/pack/qs8-dwconv-layout.h"

namespace octet {

// Everything a row kernel needs besides the rows: geometry of one output row and
// the output quantization common to all channels (per-channel m0/shift are packed).
struct QS8DwConvRow {
  size_t channels = 0;           // C: bytes per input and output pixel
  int in_w = 0, out_w = 0;
  int stride_w = 1;              // 1 or 2
  int pad_left = 0;
  // Outputs [interior_begin, interior_end) read kw input columns all inside the row;
  // the others (borders) read zero-point bytes for the columns outside it.
  int interior_begin = 0, interior_end = 0;
  const int8_t* zero = nullptr;  // in_w * C bytes of the input zero point
  int32_t zero_point = 0, qmin = -128, qmax = 127;  // output
  bool high_multiply = false;    // every shift in [33, 54]: the 32-bit high-product requantization
};

// Computes one output row (out_w * C bytes at out) of a depthwise convolution from
// its kh input rows: rows[ky] points at in_w * C bytes (the input row, or `zero`
// for rows in the vertical padding). packed: the layer's weights packed for the
// kernel's layout.
using qs8_dwconv_fn = void (*)(const int8_t* const* rows, int8_t* out, const void* packed, const QS8DwConvRow& p);

struct QS8DwConvKernel {
  const char* name = nullptr;  // e.g. "qs8_dwconv_3x3_32c__avx512bw"
  qs8_dwconv_fn fn = nullptr;
};

struct QS8DwConvConfig {
  const char* name = nullptr;  // null: the path has no SIMD depthwise kernel
  int tile = 0;                // channels per block
  bool split_halves = false;   // lane order of the packed blocks
  int taps = 2;                // weights per int32 lane (kernels/pack/qs8-dwconv-layout.h)
  QS8DwConvKernel k3x3, k5x5;
  bool signed_dot = false;     // taps 4 with signed inputs (sdot)

  QS8DwConvLayout layout(int kernel_h, int kernel_w) const {
    return {tile, split_halves, kernel_h, kernel_w, taps, signed_dot};
  }
};

QS8DwConvConfig qs8_dwconv_config(KernelPath path);

}  // namespace octet

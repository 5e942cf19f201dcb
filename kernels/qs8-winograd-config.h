// The Winograd F(2x2, 3x3) kernels of a kernel path: input transform, int16 GEMM
// per transformed position, output transform with requantization, and the packed
// weight layout they share (kernels/pack/qs8-winograd-layout.h); and the stride-2
// form's transforms, which share the GEMM and the layout.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-path.h"
#include "kernels/pack/qs8-winograd-layout.h"
#include "kernels/reference/conv-shape.h"

namespace octet {

// c[i][j] = sum_k a[i][k] w[j][k] in int32 with wrap-around, for i < mr (at most
// the tile's mr) and j < round_up(nc, nr): every column of the blocks touched is
// written. kc (even) int16 per row of a, rows at a + i * a_stride; w points at the
// first of consecutive blocks of kc * nr int16 ([kc / 2][nr][2]); rows of c at
// c + i * c_stride (int32 elements).
using s16_gemm_fn = void (*)(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                             int32_t* c, size_t c_stride);

// Tiles [t0, t1) of a 3x3 stride-1 layer (tile t: image t / (th * tw), tile row
// (t / tw) % th, tile column t % tw, with th = ceil(out_h / 2), tw = ceil(out_w / 2))
// -> v[p * v_stride + (t - t0) * cp + i] = (B^T d B)[p] of input channel i, for the
// 16 positions p and i < cp (cp: the layout's padded channels; zero beyond in_c).
// d = x - zero_point, and 0 outside the input (the padding).
using qs8_wino23_input_fn = void (*)(const ConvShape& s, const int8_t* x, int32_t zero_point, size_t t0, size_t t1,
                                     size_t cp, int16_t* v, size_t v_stride);

// Requantization of the Winograd operator's outputs: per-channel bias, m0 and shift
// (every output channel, padded with zeros, m0 0 and shift 1 to a multiple of 16).
struct QS8WinogradOutput {
  const int32_t* bias = nullptr;
  const int32_t* m0 = nullptr;
  const int32_t* shift = nullptr;
  int32_t zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

// m[p * m_stride + (t - t0) * m_row + j] = sum over channels of U' V at position p
// for output channel k0 + j (j < kc) -> the tiles' output pixels inside the output:
// requantize(A^T M A / 4 + bias) of channels [k0, k0 + kc).
using qs8_wino23_output_fn = void (*)(const ConvShape& s, const int32_t* m, size_t m_stride, size_t m_row, size_t t0,
                                      size_t t1, size_t k0, size_t kc, const QS8WinogradOutput& q, int8_t* y);

// The stride-2 form (f23s2) uses the same signatures over 25 V and M positions
// stored in the slots of kWinogradF23S2Slot, and the input patch of tile (oy, ox) at
// (2 oy - pad_top, 2 ox - pad_left).
struct QS8WinogradConfig {
  const char* name = nullptr;  // e.g. "qs8_conv2d_winograd_f23__avx2"; null: none
  const char* gemm_name = nullptr;
  s16_gemm_fn gemm = nullptr;
  int mr = 1;
  qs8_wino23_input_fn input = nullptr;
  qs8_wino23_output_fn output = nullptr;
  QS8WinogradLayout layout;
  // 3x3 stride 2 with the same GEMM and layout; null where the path has no transforms
  const char* s2_name = nullptr;  // e.g. "qs8_conv2d_winograd_f23s2__avx2"
  qs8_wino23_input_fn s2_input = nullptr;
  qs8_wino23_output_fn s2_output = nullptr;
};

QS8WinogradConfig qs8_winograd_config(KernelPath path);

}  // namespace octet

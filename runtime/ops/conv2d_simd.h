// The SIMD forms of int8 Conv2D and FullyConnected, created by create_conv2d /
// create_fully_connected (conv2d.cc) after their checks pass. Each create function
// returns Ok with *out left null when the model's kernel path has no kernel for the
// layer; the reference operator then runs it.
#pragma once

#include <memory>

#include "kernels/reference/conv-shape.h"
#include "runtime/ops/op_util.h"

namespace octet::rt {

// A checked int8 convolution: shape, constant weights (OHWI) and bias (may be
// null), input zero point, and the output requantization (m0/shift per channel or
// one, output zero point and clamp). `table` and the pointers in `rq` are valid only
// during the create call: an operator copies what it keeps (into its packed weights).
struct QS8ConvParams {
  ConvShape shape;
  const int8_t* weights = nullptr;
  const int32_t* bias = nullptr;
  int32_t input_zero_point = 0;
  const RequantTable* table = nullptr;
  RequantParams rq;
};

// groups == 1: im2col + GEMM, or GEMM straight on NHWC for 1x1 stride-1 layers
// (conv2d_gemm.cc).
Status create_conv2d_gemm(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out);

// 3x3 stride-1 or stride-2, dilation-1 groups-1 geometry (Winograd F(2x2, 3x3) or its
// stride-2 form may apply).
bool conv2d_winograd_shape(const ConvShape& s);
// The path has that shape's Winograd form.
bool conv2d_winograd_available(const QS8WinogradConfig& cfg, const ConvShape& s);
// The layer's weights and input zero point are inside that form's exact int32 bound.
bool conv2d_winograd_exact(const QS8ConvParams& p);

// Winograd F(2x2, 3x3) or its stride-2 form (conv2d_winograd.cc); null when the path
// has no such kernels, the shape is neither, or the layer is outside the exact bound.
Status create_conv2d_winograd(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out);

// Given the GEMM form *op of a layer, replaces it by the Winograd form where the
// load's WinogradMode says so (conv2d_select.cc); sets (*op)->choice either way for
// the layers where Winograd applies.
Status select_conv2d_winograd(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* op);

// groups == in_c == out_c (depthwise) (conv2d_depthwise.cc).
Status create_conv2d_depthwise(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out);

// 1x1 depthwise, stride 1, unpadded (conv2d_dw1x1.cc).
Status create_conv2d_depthwise_1x1(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* out);

// int8 fully connected: rows x k input, (n, k) weights (conv2d_gemm.cc).
Status create_fully_connected_gemm(const OpBuildContext& c, size_t rows, size_t k, size_t n, const int8_t* weights,
                                   const int32_t* bias, int32_t input_zero_point, const RequantTable& table,
                                   const RequantParams& rq, std::unique_ptr<Operator>* out);

// A checked float convolution: shape, constant OHWI weights, bias (may be null)
// and the output clamp.
struct F32ConvLayer {
  ConvShape shape;
  const float* weights = nullptr;
  const float* bias = nullptr;
  float out_min = 0, out_max = 0;
};

// float Conv2D on the path's float kernels (conv2d_f32.cc): groups == 1 and
// depthwise (groups == in_c == out_c); null for other groups or the reference path.
Status create_conv2d_f32(const OpBuildContext& c, const F32ConvLayer& p, std::unique_ptr<Operator>* out);

// float fully connected: rows x k input, (n, k) weights (conv2d_f32.cc).
Status create_fully_connected_f32(const OpBuildContext& c, size_t rows, size_t k, size_t n, const float* weights,
                                  const float* bias, float out_min, float out_max, std::unique_ptr<Operator>* out);

}  // namespace octet::rt

#include "tests/support/demo_reference.h"

#include <cstddef>

#include "kernels/reference/conv-shape.h"
#include "kernels/reference/qs8-binary-reference.h"
#include "kernels/reference/qs8-conv2d-reference.h"
#include "kernels/reference/qs8-fully-connected-reference.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/qs8-pool-reference.h"
#include "kernels/reference/qs8-quantize-reference.h"
#include "kernels/reference/qs8-requantize-reference.h"
#include "kernels/reference/qs8-softmax-reference.h"
#include "kernels/reference/requantize.h"

namespace octet_test {

const char* const kDemoLayerNames[kDemoLayers] = {"image_q", "conv1",  "dw",      "pw",     "pw2", "add",     "hswish",
                                                  "maxpool", "avgpool", "concat", "gap",    "flatten", "fc", "softmax"};
// Tensor 0 is the float image; the int8 activations follow in this order.
const int kDemoLayerTensor[kDemoLayers] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

namespace {

using octet::ConvShape;
using octet::DemoConv;

// Output extent written out here rather than taken from conv-shape.h.
int out_size(int in, int kernel, int stride, int pad) { return (in + 2 * pad - kernel) / stride + 1; }

std::vector<int8_t> conv(const DemoConv& c, const std::vector<int8_t>& x, int h, int w, int32_t in_zero_point) {
  ConvShape s;
  s.batch = 1;
  s.in_h = h;
  s.in_w = w;
  s.in_c = c.in_c;
  s.out_c = c.out_c;
  s.kernel_h = s.kernel_w = c.kernel;
  s.stride_h = s.stride_w = c.stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = c.pad;
  s.groups = c.groups;
  s.out_h = out_size(h, c.kernel, c.stride, c.pad);
  s.out_w = out_size(w, c.kernel, c.stride, c.pad);
  octet::RequantParams rq;
  rq.m0 = c.requant.multiplier.data();
  rq.shift = c.requant.shift.data();
  rq.per_channel = c.requant.multiplier.size() > 1;
  rq.zero_point = c.out_zero_point;
  rq.qmin = c.qmin;
  rq.qmax = c.qmax;
  std::vector<int8_t> y(static_cast<size_t>(s.out_h) * s.out_w * s.out_c);
  octet::qs8_conv2d__reference(s, x.data(), in_zero_point, c.weights.data(), c.bias.data(), rq, y.data(), 0,
                               static_cast<size_t>(s.out_h));
  return y;
}

ConvShape pool_shape(int h, int w, int c, int kernel, int stride, int pad) {
  ConvShape s;
  s.batch = 1;
  s.in_h = h;
  s.in_w = w;
  s.in_c = s.out_c = c;
  s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
  s.out_h = out_size(h, kernel, stride, pad);
  s.out_w = out_size(w, kernel, stride, pad);
  return s;
}

std::vector<int8_t> requantize(const std::vector<int8_t>& x, const octet::DemoQuant& from, const octet::DemoQuant& to) {
  octet::QRequantizeParams p;
  if (!octet::compute_qs8_requantize_params(from.scale, from.zero_point, to.scale, to.zero_point, &p)) return {};
  std::vector<int8_t> y(x.size());
  octet::qs8_requantize__reference(x.size(), x.data(), p, y.data());
  return y;
}

}  // namespace

DemoTrace demo_reference(const octet::DemoModel& m, const float* image_nchw) {
  DemoTrace t;
  auto& L = t.layers;
  L.resize(kDemoLayers);
  const int H = m.height, W = m.width, C = m.channels;

  // Quantize, NCHW -> NHWC.
  std::vector<float> nhwc(static_cast<size_t>(H) * W * C);
  for (int c = 0; c < C; ++c)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) nhwc[(static_cast<size_t>(y) * W + x) * C + c] = image_nchw[(static_cast<size_t>(c) * H + y) * W + x];
  L[0].resize(nhwc.size());
  octet::qs8_quantize__reference(nhwc.size(), nhwc.data(), m.q_input.scale, m.q_input.zero_point, L[0].data());

  // conv1 (3x3 stride 2), depthwise 3x3, 1x1, 1x1.
  const int h2 = out_size(H, m.conv1.kernel, m.conv1.stride, m.conv1.pad);
  const int w2 = out_size(W, m.conv1.kernel, m.conv1.stride, m.conv1.pad);
  L[1] = conv(m.conv1, L[0], H, W, m.q_input.zero_point);
  L[2] = conv(m.dw, L[1], h2, w2, m.q_conv1.zero_point);
  L[3] = conv(m.pw, L[2], h2, w2, m.q_dw.zero_point);
  L[4] = conv(m.pw2, L[3], h2, w2, m.q_pw.zero_point);

  // Residual add of pw and pw2 (same shapes: a rank-1 broadcast of n elements).
  octet::QAddParams add;
  octet::compute_qs8_add_params(m.q_pw.scale, m.q_pw.zero_point, m.q_pw2.scale, m.q_pw2.zero_point, m.q_add.scale,
                                m.q_add.zero_point, false, -128, 127, &add);
  octet::BroadcastShape bs;
  bs.rank = 1;
  bs.out_dims[0] = static_cast<int64_t>(L[3].size());
  bs.a_strides[0] = bs.b_strides[0] = 1;
  L[5].resize(L[3].size());
  octet::qs8_add__reference(bs, L[3].data(), L[4].data(), add, L[5].data());

  // HardSwish through the model's table.
  L[6].resize(L[5].size());
  octet::qs8_lut__reference(L[5].size(), L[5].data(), m.hswish_table, L[6].data());

  // MaxPool 2x2 stride 2 (quantization unchanged).
  const int c16 = m.pw2.out_c;
  const ConvShape mp = pool_shape(h2, w2, c16, 2, 2, 0);
  L[7].resize(static_cast<size_t>(mp.out_h) * mp.out_w * c16);
  octet::qs8_maxpool2d__reference(mp, L[6].data(), -128, 127, L[7].data());

  // AveragePool 3x3 stride 1 pad 1, padding not counted.
  const ConvShape ap = pool_shape(mp.out_h, mp.out_w, c16, 3, 1, 1);
  std::vector<octet::QuantizedMultiplier> mults;
  octet::compute_qs8_avgpool_multipliers(m.q_hswish.scale, m.q_avg.scale, 9, &mults);
  octet::QAvgPoolParams avg;
  avg.input_zero_point = m.q_hswish.zero_point;
  avg.output_zero_point = m.q_avg.zero_point;
  avg.count_include_pad = false;
  avg.multipliers = mults.data();
  L[8].resize(static_cast<size_t>(ap.out_h) * ap.out_w * c16);
  octet::qs8_avgpool2d__reference(ap, L[7].data(), avg, L[8].data());

  // Concat on channels: both inputs requantized to the concat's quantization (an
  // exact copy where it is already equal).
  const std::vector<int8_t> a = requantize(L[7], m.q_hswish, m.q_concat);
  const std::vector<int8_t> b = requantize(L[8], m.q_avg, m.q_concat);
  const size_t pixels = static_cast<size_t>(ap.out_h) * ap.out_w;
  if (a.size() != pixels * c16 || b.size() != pixels * c16) return t;
  for (size_t p = 0; p < pixels; ++p) {
    L[9].insert(L[9].end(), a.begin() + p * c16, a.begin() + (p + 1) * c16);
    L[9].insert(L[9].end(), b.begin() + p * c16, b.begin() + (p + 1) * c16);
  }

  // Global average pool: M = S_in / (S_out * H * W).
  const int c32 = 2 * c16;
  octet::QGlobalAvgPoolParams gap;
  gap.input_zero_point = m.q_concat.zero_point;
  gap.output_zero_point = m.q_gap.zero_point;
  octet::quantize_multiplier(static_cast<double>(m.q_concat.scale) / (static_cast<double>(m.q_gap.scale) * static_cast<double>(pixels)),
                             &gap.multiplier);
  L[10].resize(c32);
  octet::qs8_global_avgpool__reference(1, pixels, c32, L[9].data(), gap, L[10].data());

  // Flatten: the same bytes.
  L[11] = L[10];

  // Fully connected.
  octet::RequantParams rq;
  rq.m0 = m.fc_requant.multiplier.data();
  rq.shift = m.fc_requant.shift.data();
  rq.per_channel = m.fc_requant.multiplier.size() > 1;
  rq.zero_point = m.q_fc.zero_point;
  L[12].resize(m.classes);
  octet::qs8_fully_connected__reference(c32, m.classes, L[11].data(), m.q_gap.zero_point, m.fc_weights.data(), m.fc_bias.data(), rq,
                                        L[12].data(), 0, 1);

  // Softmax with the model's exp table, M0 * 2^-shift = 1 / S_out.
  octet::QSoftmaxParams sp;
  sp.exp_table = m.softmax_table;
  octet::quantize_multiplier(1.0 / static_cast<double>(m.q_softmax.scale), &sp.inv_output_scale);
  sp.output_zero_point = m.q_softmax.zero_point;
  L[13].resize(m.classes);
  octet::qs8_softmax__reference(1, m.classes, L[12].data(), sp, L[13].data());

  // Dequantize.
  t.probabilities.resize(m.classes);
  octet::qs8_dequantize__reference(m.classes, L[13].data(), m.q_softmax.scale, m.q_softmax.zero_point, t.probabilities.data());
  return t;
}

}  // namespace octet_test

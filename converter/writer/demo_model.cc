#include "converter/writer/demo_model.h"

#include <cmath>
#include <random>

#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/qs8-softmax-reference.h"

namespace octet {

namespace {

// Weights uniform in [-127, 127]; per-channel scales chosen so a typical
// accumulator lands inside the output range.
DemoConv make_conv(std::mt19937& rng, int in_c, int out_c, int kernel, int stride, int pad, int groups,
                   const DemoQuant& in, const DemoQuant& out, bool relu6) {
  DemoConv c;
  c.in_c = in_c;
  c.out_c = out_c;
  c.kernel = kernel;
  c.stride = stride;
  c.pad = pad;
  c.groups = groups;
  const int k = kernel * kernel * (in_c / groups);
  std::uniform_int_distribution<int> w(-127, 127);
  std::uniform_real_distribution<float> spread(0.5f, 1.5f);
  for (int i = 0; i < out_c * k; ++i) c.weights.push_back(static_cast<int8_t>(w(rng)));
  for (int o = 0; o < out_c; ++o) {
    // acc std ~ sqrt(k) * 60 * 73; aim for ~40 output steps.
    const float m = 40.0f / (std::sqrt(static_cast<float>(k)) * 60.0f * 73.0f) * spread(rng);
    c.weight_scales.push_back(m * out.scale / in.scale);
    std::uniform_int_distribution<int> b(-2000, 2000);
    c.bias.push_back(b(rng));
  }
  compute_requantization(in.scale, c.weight_scales, out.scale, &c.requant);
  c.out_zero_point = out.zero_point;
  if (relu6) {
    c.qmin = std::max<int32_t>(-128, out.zero_point);
    c.qmax = std::min<int32_t>(127, out.zero_point + static_cast<int32_t>(std::lround(6.0f / out.scale)));
  }
  return c;
}

int add_conv(ModelWriter& w, const DemoConv& c, int input, int output, const std::string& name) {
  const std::vector<int32_t> wshape = {c.out_c, c.kernel, c.kernel, c.in_c / c.groups};
  QuantParams wq{c.weight_scales, std::vector<int32_t>(c.out_c, 0), 0};
  const int wt = w.add_constant(name + ".weight", fb::ElementType::INT8, wshape, c.weights.data(), c.weights.size(), &wq);
  const int bt = w.add_constant(name + ".bias", fb::ElementType::INT32, {c.out_c}, c.bias.data(), c.bias.size() * 4);
  const DemoConv* cp = &c;
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [cp](flatbuffers::FlatBufferBuilder& fbb) {
        const auto rq = fb::CreateRequantization(fbb, fbb.CreateVector(cp->requant.multiplier), fbb.CreateVector(cp->requant.shift),
                                                 cp->out_zero_point, cp->qmin, cp->qmax);
        return fb::CreateConv2DOptions(fbb, cp->stride, cp->stride, 1, 1, cp->pad, cp->pad, cp->pad, cp->pad, cp->groups, rq).Union();
      },
      {input, wt, bt}, {output}, name);
  return output;
}

}  // namespace

DemoModel make_demo_model(uint32_t seed) {
  DemoModel m;
  std::mt19937 rng(seed);
  m.q_input = {4.0f / 255.0f, 0};
  m.q_conv1 = {6.0f / 255.0f, -128};
  m.q_dw = {6.0f / 255.0f, -128};
  m.q_pw = {0.1f, 0};
  m.q_pw2 = {0.08f, 3};
  m.q_add = {0.15f, -5};
  m.q_hswish = {0.1f, -20};
  m.q_avg = {0.08f, -10};
  m.q_concat = {0.1f, -20};
  m.q_gap = {0.05f, -30};
  m.q_fc = {0.2f, 0};
  m.q_softmax = {1.0f / 256.0f, -128};
  m.conv1 = make_conv(rng, 3, 8, 3, 2, 1, 1, m.q_input, m.q_conv1, true);
  m.dw = make_conv(rng, 8, 8, 3, 1, 1, 8, m.q_conv1, m.q_dw, true);
  m.pw = make_conv(rng, 8, 16, 1, 1, 0, 1, m.q_dw, m.q_pw, false);
  m.pw2 = make_conv(rng, 16, 16, 1, 1, 0, 1, m.q_pw, m.q_pw2, false);
  DemoConv fc = make_conv(rng, 32, m.classes, 1, 1, 0, 1, m.q_gap, m.q_fc, false);
  m.fc_weights = fc.weights;
  m.fc_bias = fc.bias;
  m.fc_weight_scales = fc.weight_scales;
  m.fc_requant = fc.requant;
  // HardSwish reads the Add output; its table maps q_add -> q_hswish.
  build_qs8_lut(UnaryFunction::kHardSwish, 0, 0, m.q_add.scale, m.q_add.zero_point, m.q_hswish.scale, m.q_hswish.zero_point,
                m.hswish_table);
  build_qs8_softmax_table(1.0f, m.q_fc.scale, m.softmax_table);
  return m;
}

ModelWriter write_demo_model(const DemoModel& m) {
  ModelWriter w;
  const auto I8 = fb::ElementType::INT8;
  auto act = [&](const std::string& name, std::vector<int32_t> shape, const DemoQuant& q) {
    QuantParams qp = QuantParams::per_tensor(q.scale, q.zero_point);
    return w.add_tensor(name, I8, shape, &qp);
  };
  const int H = m.height, W = m.width;
  const int image = w.add_tensor("image", fb::ElementType::FLOAT32, {1, H, W, m.channels});
  const int x0 = act("image_q", {1, H, W, m.channels}, m.q_input);
  const int x1 = act("conv1", {1, H / 2, W / 2, 8}, m.q_conv1);
  const int x2 = act("dw", {1, H / 2, W / 2, 8}, m.q_dw);
  const int x3 = act("pw", {1, H / 2, W / 2, 16}, m.q_pw);
  const int x4 = act("pw2", {1, H / 2, W / 2, 16}, m.q_pw2);
  const int x5 = act("add", {1, H / 2, W / 2, 16}, m.q_add);
  const int x6 = act("hswish", {1, H / 2, W / 2, 16}, m.q_hswish);
  const int x7 = act("maxpool", {1, H / 4, W / 4, 16}, m.q_hswish);
  const int x8 = act("avgpool", {1, H / 4, W / 4, 16}, m.q_avg);
  const int x9 = act("concat", {1, H / 4, W / 4, 32}, m.q_concat);
  const int x10 = act("gap", {1, 1, 1, 32}, m.q_gap);
  const int x11 = act("flatten", {1, 32}, m.q_gap);
  const int x12 = act("fc", {1, m.classes}, m.q_fc);
  const int x13 = act("softmax", {1, m.classes}, m.q_softmax);
  const int probs = w.add_tensor("probabilities", fb::ElementType::FLOAT32, {1, m.classes});

  w.add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); },
                 {image}, {x0}, "quantize");
  add_conv(w, m.conv1, x0, x1, "conv1");
  add_conv(w, m.dw, x1, x2, "dw");
  add_conv(w, m.pw, x2, x3, "pw");
  add_conv(w, m.pw2, x3, x4, "pw2");
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); }, {x3, x4}, {x5},
                 "residual");
  const DemoModel* mp = &m;
  w.add_operator(
      fb::OperatorOptions::UnaryOptions,
      [mp](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateUnaryOptions(f, fb::UnaryKind::HARDSWISH, 0, 0, f.CreateVector(mp->hswish_table, 256)).Union();
      },
      {x5}, {x6}, "hardswish");
  w.add_operator(fb::OperatorOptions::Pool2DOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreatePool2DOptions(f, fb::PoolKind::MAXIMUM, 2, 2, 2, 2).Union(); },
                 {x6}, {x7}, "maxpool");
  w.add_operator(fb::OperatorOptions::Pool2DOptions,
                 [](flatbuffers::FlatBufferBuilder& f) {
                   return fb::CreatePool2DOptions(f, fb::PoolKind::AVERAGE, 3, 3, 1, 1, 1, 1, 1, 1, false).Union();
                 },
                 {x7}, {x8}, "avgpool");
  w.add_operator(fb::OperatorOptions::ConcatOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateConcatOptions(f, 3).Union(); },
                 {x7, x8}, {x9}, "concat");
  w.add_operator(fb::OperatorOptions::GlobalAveragePoolOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateGlobalAveragePoolOptions(f).Union(); }, {x9}, {x10}, "gap");
  w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateReshapeOptions(f).Union(); },
                 {x10}, {x11}, "flatten");
  QuantParams fq{m.fc_weight_scales, std::vector<int32_t>(m.classes, 0), 0};
  const int fw = w.add_constant("fc.weight", I8, {m.classes, 32}, m.fc_weights.data(), m.fc_weights.size(), &fq);
  const int fbias = w.add_constant("fc.bias", fb::ElementType::INT32, {m.classes}, m.fc_bias.data(), m.fc_bias.size() * 4);
  w.add_operator(
      fb::OperatorOptions::FullyConnectedOptions,
      [mp](flatbuffers::FlatBufferBuilder& f) {
        const auto rq = fb::CreateRequantization(f, f.CreateVector(mp->fc_requant.multiplier), f.CreateVector(mp->fc_requant.shift),
                                                 mp->q_fc.zero_point);
        return fb::CreateFullyConnectedOptions(f, rq).Union();
      },
      {x11, fw, fbias}, {x12}, "fc");
  w.add_operator(
      fb::OperatorOptions::SoftmaxOptions,
      [mp](flatbuffers::FlatBufferBuilder& f) { return fb::CreateSoftmaxOptions(f, 1.0f, f.CreateVector(mp->softmax_table, 256)).Union(); },
      {x12}, {x13}, "softmax");
  w.add_operator(fb::OperatorOptions::DequantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); },
                 {x13}, {probs}, "dequantize");
  w.add_input("image", image, /*nchw=*/true);
  w.add_output("probabilities", probs);
  w.set_metadata("octet-make-demo 0.1", "(generated)", "", "none", "octet demo network with pseudo-random weights");
  return w;
}

}  // namespace octet

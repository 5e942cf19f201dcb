#include "tests/simd/conv_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "converter/writer/model_writer.h"
#include "kernels/reference/conv-shape.h"

namespace octet_test {

namespace fb = octet::fb;

std::string ConvCase::describe() const {
  std::ostringstream s;
  s << "conv n" << batch << " " << in_h << "x" << in_w << "x" << in_c << " -> " << out_c << " k" << kernel_h << "x"
    << kernel_w << " s" << stride_h << "x" << stride_w << " d" << dilation_h << "x" << dilation_w << " pad " << pad_top
    << "," << pad_left << "," << pad_bottom << "," << pad_right << " g" << groups << " zp " << input_zero_point << "/"
    << output_zero_point << " clamp [" << qmin << "," << qmax << "]" << (bias ? "" : " no-bias")
    << (per_channel ? "" : " per-tensor") << (fill_weights != 0 ? " weights all " + std::to_string(fill_weights) : "")
    << " seed " << seed;
  return s.str();
}

std::string FcCase::describe() const {
  std::ostringstream s;
  s << "fc " << rows << "x" << k << " -> " << n << " zp " << input_zero_point << "/" << output_zero_point << " clamp ["
    << qmin << "," << qmax << "]" << (bias ? "" : " no-bias") << " seed " << seed;
  return s.str();
}

namespace {

// Weights in [-127, 127] with some -128s, per-channel scales and a bias; the output
// scale puts typical accumulators across the int8 range so clamps and rounding
// both matter.
struct Params {
  std::vector<int8_t> w;
  std::vector<int32_t> bias;
  std::vector<float> w_scales;
  float in_scale = 0.02f, out_scale = 0;
};

Params make_params(uint32_t seed, int channels, size_t per_channel_k, bool per_channel, float out_scale) {
  std::mt19937 rng(seed);
  Params p;
  p.w.resize(static_cast<size_t>(channels) * per_channel_k);
  for (auto& v : p.w) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  p.bias.resize(channels);
  for (auto& b : p.bias) b = static_cast<int32_t>(rng() % 20001) - 10000;
  p.w_scales.resize(per_channel ? channels : 1);
  for (auto& s : p.w_scales) s = 0.001f * (1.0f + static_cast<float>(rng() % 1000) / 250.0f);
  // sum of K products of |x - zp| ~ 74 and |w| ~ 64, random signs: about sqrt(K) * 4700.
  const float typical = 4700.0f * std::sqrt(static_cast<float>(per_channel_k)) * p.in_scale * p.w_scales[0];
  p.out_scale = out_scale > 0 ? out_scale : typical / 40.0f;
  return p;
}

}  // namespace

std::vector<uint8_t> conv_model(const ConvCase& c) {
  const int64_t oh = octet::conv_output_size(c.in_h, c.pad_top, c.pad_bottom, c.kernel_h, c.stride_h, c.dilation_h);
  const int64_t ow = octet::conv_output_size(c.in_w, c.pad_left, c.pad_right, c.kernel_w, c.stride_w, c.dilation_w);
  EXPECT_TRUE(oh > 0 && ow > 0) << c.describe();
  if (oh <= 0 || ow <= 0) return {};
  const int group_in = c.in_c / c.groups;
  const size_t k = static_cast<size_t>(c.kernel_h) * c.kernel_w * group_in;
  Params p = make_params(c.seed, c.out_c, k, c.per_channel, c.output_scale);
  if (c.fill_weights != 0) std::fill(p.w.begin(), p.w.end(), static_cast<int8_t>(c.fill_weights));
  octet::ModelWriter w;
  const auto in_q = octet::QuantParams::per_tensor(p.in_scale, c.input_zero_point);
  const auto out_q = octet::QuantParams::per_tensor(p.out_scale, c.output_zero_point);
  octet::QuantParams w_q{p.w_scales, std::vector<int32_t>(p.w_scales.size(), 0), c.per_channel ? 0 : -1};
  const int x = w.add_tensor("x", fb::ElementType::INT8, {c.batch, c.in_h, c.in_w, c.in_c}, &in_q);
  w.add_input("x", x);
  const int wt = w.add_constant("w", fb::ElementType::INT8, {c.out_c, c.kernel_h, c.kernel_w, group_in}, p.w.data(),
                                p.w.size(), &w_q);
  std::vector<int> ins{x, wt};
  if (c.bias) {
    ins.push_back(w.add_constant("b", fb::ElementType::INT32, {c.out_c}, p.bias.data(), p.bias.size() * 4));
  }
  const int y = w.add_tensor("y", fb::ElementType::INT8, {c.batch, static_cast<int>(oh), static_cast<int>(ow), c.out_c},
                             &out_q);
  octet::RequantizationValues rq;
  EXPECT_TRUE(octet::compute_requantization(p.in_scale, p.w_scales, p.out_scale, &rq)) << c.describe();
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        const auto r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift),
                                                c.output_zero_point, c.qmin, c.qmax);
        return fb::CreateConv2DOptions(f, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w, c.pad_top, c.pad_left,
                                       c.pad_bottom, c.pad_right, c.groups, r)
            .Union();
      },
      ins, {y}, "conv");
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> fc_model(const FcCase& c) {
  Params p = make_params(c.seed, c.n, static_cast<size_t>(c.k), true, 0);
  octet::ModelWriter w;
  const auto in_q = octet::QuantParams::per_tensor(p.in_scale, c.input_zero_point);
  const auto out_q = octet::QuantParams::per_tensor(p.out_scale, c.output_zero_point);
  octet::QuantParams w_q{p.w_scales, std::vector<int32_t>(p.w_scales.size(), 0), 0};
  const int x = w.add_tensor("x", fb::ElementType::INT8, {c.rows, c.k}, &in_q);
  w.add_input("x", x);
  const int wt = w.add_constant("w", fb::ElementType::INT8, {c.n, c.k}, p.w.data(), p.w.size(), &w_q);
  std::vector<int> ins{x, wt};
  if (c.bias) ins.push_back(w.add_constant("b", fb::ElementType::INT32, {c.n}, p.bias.data(), p.bias.size() * 4));
  const int y = w.add_tensor("y", fb::ElementType::INT8, {c.rows, c.n}, &out_q);
  octet::RequantizationValues rq;
  EXPECT_TRUE(octet::compute_requantization(p.in_scale, p.w_scales, p.out_scale, &rq)) << c.describe();
  w.add_operator(
      fb::OperatorOptions::FullyConnectedOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        const auto r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift),
                                                c.output_zero_point, c.qmin, c.qmax);
        return fb::CreateFullyConnectedOptions(f, r).Union();
      },
      ins, {y}, "fc");
  w.add_output("y", y);
  return w.finish();
}

}  // namespace octet_test

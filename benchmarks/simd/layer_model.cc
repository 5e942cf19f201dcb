#include "benchmarks/simd/layer_model.h"

#include <random>
#include <sstream>

#include "converter/writer/model_writer.h"

namespace octet_bench {

namespace fb = octet::fb;

std::string ConvLayer::label() const {
  std::ostringstream s;
  s << net << "/" << in_h << "x" << in_w << "x" << in_c << "->" << out_c << "/k" << kernel << "s" << stride
    << (groups > 1 ? "/dw" : "");
  return s.str();
}

std::vector<uint8_t> conv_layer_model(const ConvLayer& l) {
  std::mt19937 rng(7);
  const int group_in = l.in_c / l.groups;
  std::vector<int8_t> w(static_cast<size_t>(l.out_c) * l.kernel * l.kernel * group_in);
  for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<int32_t> bias(l.out_c);
  for (auto& b : bias) b = static_cast<int32_t>(rng() % 2001) - 1000;
  std::vector<float> ws(l.out_c);
  for (auto& s : ws) s = 0.001f * (1.0f + static_cast<float>(rng() % 100) / 100.0f);
  const float in_scale = 0.02f, out_scale = 0.05f * static_cast<float>(l.kernel);
  octet::ModelWriter mw;
  const auto in_q = octet::QuantParams::per_tensor(in_scale, -3);
  const auto out_q = octet::QuantParams::per_tensor(out_scale, 5);
  octet::QuantParams w_q{ws, std::vector<int32_t>(ws.size(), 0), 0};
  const int x = mw.add_tensor("x", fb::ElementType::INT8, {1, l.in_h, l.in_w, l.in_c}, &in_q);
  mw.add_input("x", x);
  const int wt = mw.add_constant("w", fb::ElementType::INT8, {l.out_c, l.kernel, l.kernel, group_in}, w.data(),
                                 w.size(), &w_q);
  const int b = mw.add_constant("b", fb::ElementType::INT32, {l.out_c}, bias.data(), bias.size() * 4);
  const int y = mw.add_tensor("y", fb::ElementType::INT8, {1, l.out_h(), l.out_w(), l.out_c}, &out_q);
  octet::RequantizationValues rq;
  octet::compute_requantization(in_scale, ws, out_scale, &rq);
  mw.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        const auto r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), 5, 5, 127);
        return fb::CreateConv2DOptions(f, l.stride, l.stride, 1, 1, l.pad, l.pad, l.pad, l.pad, l.groups, r).Union();
      },
      {x, wt, b}, {y}, "conv");
  mw.add_output("y", y);
  return mw.finish();
}

LoadedLayer::LoadedLayer(const std::vector<uint8_t>& file, const char* path, int threads, int winograd) {
  char err[512] = {0};
  octet_load_options lo;
  octet_load_options_init(&lo);
  lo.kernel_path = path;
  lo.winograd = winograd;
  if (octet_model_load_memory_ex(file.data(), file.size(), &lo, &model, err, sizeof(err)) != OCTET_OK) {
    error = err;
    return;
  }
  octet_session_options so;
  octet_session_options_init(&so);
  so.num_threads = threads;
  if (octet_session_create(model, &so, &session, err, sizeof(err)) != OCTET_OK) {
    error = err;
    return;
  }
  octet_tensor_info info;
  octet_model_input_info(model, 0, &info);
  std::vector<uint8_t> in(info.raw_size);
  std::mt19937 rng(3);
  for (auto& v : in) v = static_cast<uint8_t>(rng());
  octet_session_set_input_raw(session, 0, in.data(), in.size());
  octet_operator_info oi;
  if (octet_model_operator_info(model, 0, &oi) == OCTET_OK) kernel = oi.kernel;
}

LoadedLayer::~LoadedLayer() {
  octet_session_release(session);
  octet_model_release(model);
}

}  // namespace octet_bench

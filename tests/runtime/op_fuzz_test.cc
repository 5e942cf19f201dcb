// Random one-operator models of every operator kind: shapes with 0-sized and
// 1-sized dimensions, ranks 0 to 5, strides, dilations, pads, groups, broadcasts,
// axes, modes, types and quantizations, slice steps of either sign, batched matrix
// products with broadcast batches, layer norms, reductions over axis sets, built
// mostly consistent and sometimes with one dimension off. Each must be refused
// cleanly (INVALID_MODEL or UNSUPPORTED with a message) or load and run, reading and writing only inside
// its tensors (ASan, with the file in an exact-size block), and give the same
// bytes at 1 and 3 threads (checked on a fifth of them). The point is the
// operators' create() checks: every model they accept, their kernels must handle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/reference/qs8-softmax-reference.h"
#include "octet/schema/octet_generated.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;
using octet::ModelWriter;
using octet::QuantParams;
using Shape = std::vector<int32_t>;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  float uniform_f(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::mt19937& rng() { return rng_; }

  // A dimension: mostly 1 to `hi`, sometimes 0.
  int32_t dim(int hi) { return chance(0.08) ? 0 : uniform(1, hi); }
  Shape shape(int rank, int hi) {
    Shape s;
    for (int i = 0; i < rank; ++i) s.push_back(dim(hi));
    return s;
  }
  // Sometimes one dimension off by one, or one dimension more or less.
  Shape perturb(Shape s) {
    if (!chance(0.12)) return s;
    const int what = uniform(0, 2);
    if (what == 0 && !s.empty()) {
      int32_t& d = s[uniform(0, static_cast<int>(s.size()) - 1)];
      d = std::max(0, d + (chance(0.5) ? 1 : -1));
    } else if (what == 1) {
      s.insert(s.begin(), 1);
    } else if (!s.empty()) {
      s.pop_back();
    }
    return s;
  }
  fb::ElementType type(bool allow_int32) {
    const int r = uniform(0, 99);
    if (r < 65) return fb::ElementType::INT8;
    if (r < 95 || !allow_int32) return fb::ElementType::FLOAT32;
    return fb::ElementType::INT32;
  }
  QuantParams quant() { return QuantParams::per_tensor(uniform_f(0.01f, 1.0f), uniform(-128, 127)); }
  // An activation tensor of `type` (quantized when int8).
  int tensor(ModelWriter& w, const std::string& name, fb::ElementType type, const Shape& shape) {
    if (type != fb::ElementType::INT8) return w.add_tensor(name, type, shape);
    const QuantParams q = quant();
    return w.add_tensor(name, type, shape, &q);
  }
  int tensor_q(ModelWriter& w, const std::string& name, fb::ElementType type, const Shape& shape, const QuantParams& q) {
    return type == fb::ElementType::INT8 ? w.add_tensor(name, type, shape, &q) : w.add_tensor(name, type, shape);
  }
  // Clamp bounds: mostly the full range, sometimes narrower, rarely invalid.
  std::pair<int32_t, int32_t> clamp() {
    if (chance(0.6)) return {-128, 127};
    if (chance(0.05)) return {uniform(-130, 127), uniform(-128, 130)};
    const int lo = uniform(-128, 100);
    return {lo, uniform(lo, 127)};
  }
  fb::FloatClamp float_clamp() {
    if (chance(0.6)) return fb::FloatClamp(-1e30f, 1e30f);
    const float lo = uniform_f(-2, 1);
    return fb::FloatClamp(lo, lo + uniform_f(0, 2));
  }

 private:
  std::mt19937 rng_;
};

int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

int32_t conv_out(int32_t in, int pad0, int pad1, int k, int stride, int dilation) {
  const int span = dilation * (k - 1) + 1;
  return in + pad0 + pad1 < span ? 0 : (in + pad0 + pad1 - span) / stride + 1;
}

using Builder = std::function<std::vector<uint8_t>(Gen&)>;

// inputs[0] (the graph input; the others are constants or -1) -> op -> output
// (the graph output).
std::vector<uint8_t> unary_graph(ModelWriter& w, fb::OperatorOptions kind, ModelWriter::OptionsFn options, std::vector<int> inputs,
                                 int output) {
  w.add_input("in", inputs[0]);
  w.add_operator(kind, std::move(options), inputs, {output}, "op");
  w.add_output("out", output);
  return w.finish();
}

std::vector<uint8_t> build_conv(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const int n = g.chance(0.8) ? 1 : g.uniform(0, 2), h = g.uniform(0, 6), wd = g.uniform(0, 6), cin = g.uniform(1, 4);
  int groups = g.uniform(0, 2) == 0 ? cin : (g.chance(0.5) || cin % 2 != 0 ? 1 : 2);
  if (g.chance(0.05)) groups = g.uniform(0, 3);
  const int cout = std::max(1, groups) * g.uniform(1, 2) + (g.chance(0.05) ? 1 : 0);
  const int kh = g.uniform(1, 3), kw = g.uniform(1, 3), sh = g.uniform(1, 3), sw = g.uniform(1, 3);
  const int dh = g.uniform(1, 2), dw = g.uniform(1, 2);
  const int pt = g.uniform(0, 2), pl = g.uniform(0, 2), pb = g.uniform(0, 2), pr = g.uniform(0, 2);
  const QuantParams qin = g.quant(), qout = g.quant();
  const int x = g.tensor_q(w, "x", t, {n, h, wd, cin}, qin);
  const Shape ws = g.perturb({cout, kh, kw, std::max(1, cin / std::max(1, groups))});
  const int64_t wn = std::max<int64_t>(0, elements(ws));
  std::vector<float> scales;
  for (int c = 0; c < (ws.empty() ? 1 : std::max(1, ws[0])); ++c) scales.push_back(g.uniform_f(0.001f, 0.05f));
  int wt;
  if (t == fb::ElementType::INT8) {
    std::vector<int8_t> data(wn);
    for (int8_t& v : data) v = static_cast<int8_t>(g.uniform(-127, 127));
    const bool per_channel = !ws.empty() && ws[0] >= 1 && g.chance(0.9);
    const QuantParams wq = per_channel ? QuantParams{scales, std::vector<int32_t>(scales.size(), 0), 0} : QuantParams::per_tensor(scales[0], 0);
    wt = w.add_constant("w", t, ws, data.data(), data.size(), &wq);
  } else {
    std::vector<float> data(wn);
    for (float& v : data) v = g.uniform_f(-1, 1);
    wt = w.add_constant("w", t, ws, data.data(), data.size() * 4);
  }
  int bt = -1;
  if (g.chance(0.8)) {
    if (t == fb::ElementType::INT8) {
      std::vector<int32_t> b(cout);
      for (int32_t& v : b) v = g.uniform(-5000, 5000);
      bt = w.add_constant("b", fb::ElementType::INT32, {cout}, b.data(), b.size() * 4);
    } else {
      std::vector<float> b(cout);
      for (float& v : b) v = g.uniform_f(-1, 1);
      bt = w.add_constant("b", fb::ElementType::FLOAT32, {cout}, b.data(), b.size() * 4);
    }
  }
  const Shape ys = g.perturb({n, conv_out(h, pt, pb, kh, sh, dh), conv_out(wd, pl, pr, kw, sw, dw), cout});
  const int y = g.tensor_q(w, "y", t, ys, qout);
  octet::RequantizationValues rq;
  octet::compute_requantization(qin.scales[0], std::vector<float>(scales.begin(), scales.begin() + std::min<size_t>(scales.size(), cout)),
                                qout.scales[0], &rq);
  if (g.chance(0.3) && !rq.multiplier.empty()) {
    rq.multiplier.resize(1);
    rq.shift.resize(1);
  }
  const auto [lo, hi] = g.clamp();
  const fb::FloatClamp fc = g.float_clamp();
  const int32_t zp = qout.zero_points[0];
  w.add_input("x", x);
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        flatbuffers::Offset<fb::Requantization> r;
        if (t == fb::ElementType::INT8) r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), zp, lo, hi);
        return fb::CreateConv2DOptions(f, sh, sw, dh, dw, pt, pl, pb, pr, groups, r, &fc).Union();
      },
      {x, wt, bt}, {y}, "conv");
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> build_fully_connected(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const int k = g.uniform(1, 5), nout = g.uniform(1, 4);
  Shape xs = g.shape(g.uniform(0, 2), 3);
  xs.push_back(k);
  const QuantParams qin = g.quant(), qout = g.quant();
  const int x = g.tensor_q(w, "x", t, g.perturb(xs), qin);
  std::vector<float> scales;
  for (int c = 0; c < nout; ++c) scales.push_back(g.uniform_f(0.001f, 0.05f));
  int wt;
  if (t == fb::ElementType::INT8) {
    std::vector<int8_t> data(nout * k);
    for (int8_t& v : data) v = static_cast<int8_t>(g.uniform(-127, 127));
    const QuantParams wq{scales, std::vector<int32_t>(nout, 0), 0};
    wt = w.add_constant("w", t, {nout, k}, data.data(), data.size(), &wq);
  } else {
    std::vector<float> data(nout * k);
    for (float& v : data) v = g.uniform_f(-1, 1);
    wt = w.add_constant("w", t, {nout, k}, data.data(), data.size() * 4);
  }
  int bt = -1;
  if (g.chance(0.7)) {
    std::vector<int32_t> b(nout);
    for (int32_t& v : b) v = g.uniform(-3000, 3000);
    std::vector<float> bf(nout, 0.25f);
    bt = t == fb::ElementType::INT8 ? w.add_constant("b", fb::ElementType::INT32, {nout}, b.data(), b.size() * 4)
                                    : w.add_constant("b", fb::ElementType::FLOAT32, {nout}, bf.data(), bf.size() * 4);
  }
  Shape ys = xs;
  ys.back() = nout;
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), qout);
  octet::RequantizationValues rq;
  octet::compute_requantization(qin.scales[0], scales, qout.scales[0], &rq);
  const auto [lo, hi] = g.clamp();
  const fb::FloatClamp fc = g.float_clamp();
  const int32_t zp = qout.zero_points[0];
  return unary_graph(
      w, fb::OperatorOptions::FullyConnectedOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        flatbuffers::Offset<fb::Requantization> r;
        if (t == fb::ElementType::INT8) r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), zp, lo, hi);
        return fb::CreateFullyConnectedOptions(f, r, &fc).Union();
      },
      {x, wt, bt}, y);
}

std::vector<uint8_t> build_binary(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape out = g.shape(g.uniform(0, 4), 3);
  auto operand = [&]() {
    Shape s(out.end() - g.uniform(0, static_cast<int>(out.size())), out.end());
    for (int32_t& d : s) {
      if (g.chance(0.3)) d = 1;
    }
    return g.perturb(s);
  };
  const Shape as = operand(), bs = operand();
  Shape ys(std::max(as.size(), bs.size()));
  for (size_t i = 0; i < ys.size(); ++i) {
    const size_t ai = i + as.size() - ys.size(), bi = i + bs.size() - ys.size();
    const int32_t ad = i + as.size() >= ys.size() ? as[ai] : 1, bd = i + bs.size() >= ys.size() ? bs[bi] : 1;
    ys[i] = ad == 1 ? bd : ad;
  }
  const int a = g.tensor(w, "a", t, as);
  const int b = g.chance(0.1) && t != fb::ElementType::INT32 ? -2 : g.tensor(w, "b", t, bs);
  int bt = b;
  if (b == -2) {  // a constant second operand
    std::vector<uint8_t> data(elements(bs) * (t == fb::ElementType::INT8 ? 1 : 4), 3);
    const QuantParams q = g.quant();
    bt = w.add_constant("b", t, bs, data.data(), data.size(), t == fb::ElementType::INT8 ? &q : nullptr);
  }
  const int y = g.tensor(w, "y", t, g.perturb(ys));
  // Every kind (Div and Pow refused for int8), rarely one past the last.
  const auto kind = static_cast<fb::BinaryKind>(g.chance(0.02) ? 7 : g.uniform(0, 6));
  const auto [lo, hi] = g.clamp();
  const fb::FloatClamp fc = g.float_clamp();
  w.add_input("a", a);
  if (b != -2) w.add_input("b", b);
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, kind, lo, hi, &fc).Union(); }, {a, bt}, {y},
                 "binary");
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> build_concat(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const int rank = g.uniform(1, 4);
  const Shape base = g.shape(rank, 3);
  const int axis = g.uniform(-rank, rank - 1);
  const int a = axis < 0 ? axis + rank : axis;
  const int n = g.uniform(1, 3);
  std::vector<int> ins;
  int32_t total = 0;
  for (int i = 0; i < n; ++i) {
    Shape s = base;
    s[a] = g.uniform(0, 3);
    total += s[a];
    const int tt = g.tensor(w, "x" + std::to_string(i), t, g.perturb(s));
    w.add_input("x" + std::to_string(i), tt);
    ins.push_back(tt);
  }
  Shape ys = base;
  ys[a] = total;
  const int y = g.tensor(w, "y", t, g.perturb(ys));
  w.add_operator(fb::OperatorOptions::ConcatOptions, [axis](flatbuffers::FlatBufferBuilder& f) { return fb::CreateConcatOptions(f, axis).Union(); },
                 ins, {y}, "concat");
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> build_pool(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const bool max = g.chance(0.5);
  const int n = g.chance(0.8) ? 1 : g.uniform(0, 2), h = g.uniform(0, 6), wd = g.uniform(0, 6), c = g.dim(3);
  const int kh = g.uniform(1, 3), kw = g.uniform(1, 3), sh = g.uniform(1, 3), sw = g.uniform(1, 3);
  const int pt = g.uniform(0, kh - 1), pl = g.uniform(0, kw - 1), pb = g.uniform(0, kh - 1), pr = g.uniform(0, kw - 1);
  const bool include_pad = g.chance(0.5);
  const QuantParams qin = g.quant();
  const QuantParams qout = max && g.chance(0.9) ? qin : g.quant();
  const int x = g.tensor_q(w, "x", t, {n, h, wd, c}, qin);
  const int y = g.tensor_q(w, "y", t, g.perturb({n, conv_out(h, pt, pb, kh, sh, 1), conv_out(wd, pl, pr, kw, sw, 1), c}), qout);
  const auto [lo, hi] = g.clamp();
  const fb::FloatClamp fc = g.float_clamp();
  return unary_graph(
      w, fb::OperatorOptions::Pool2DOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreatePool2DOptions(f, max ? fb::PoolKind::MAXIMUM : fb::PoolKind::AVERAGE, kh, kw, sh, sw, pt, pl, pb, pr, include_pad, lo,
                                       hi, &fc)
            .Union();
      },
      {x}, y);
}

std::vector<uint8_t> build_global_average_pool(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const Shape xs = {g.chance(0.8) ? 1 : g.uniform(0, 2), g.dim(5), g.dim(5), g.dim(4)};
  const int x = g.tensor(w, "x", t, xs);
  const int y = g.tensor(w, "y", t, g.perturb({xs[0], 1, 1, xs[3]}));
  const auto [lo, hi] = g.clamp();
  return unary_graph(
      w, fb::OperatorOptions::GlobalAveragePoolOptions,
      [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateGlobalAveragePoolOptions(f, lo, hi).Union(); }, {x}, y);
}

std::vector<uint8_t> build_unary(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape s = g.shape(g.uniform(0, 3), 4);
  const int x = g.tensor(w, "x", t, s);
  const int y = g.tensor(w, "y", t, g.perturb(s));
  const auto kind = static_cast<fb::UnaryKind>(g.chance(0.02) ? 20 : g.uniform(0, 19));
  const float alpha = g.uniform_f(-2, 2), beta = g.uniform_f(-2, 2);
  std::vector<int8_t> table(g.chance(0.95) ? 256 : 255);
  for (int8_t& v : table) v = static_cast<int8_t>(g.uniform(-128, 127));
  const bool with_table = t == fb::ElementType::INT8 || g.chance(0.2);
  return unary_graph(
      w, fb::OperatorOptions::UnaryOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateUnaryOptions(f, kind, alpha, beta, with_table ? f.CreateVector(table) : 0).Union();
      },
      {x}, y);
}

// A shape with `count` elements: the factors of count spread over a random rank.
Shape shape_with(Gen& g, int64_t count) {
  Shape s;
  const int rank = g.uniform(0, 4);
  if (rank == 0) return count == 1 ? s : Shape{static_cast<int32_t>(count)};
  s.assign(rank, 1);
  int64_t left = count;
  if (left == 0) {
    s[g.uniform(0, rank - 1)] = 0;
    return s;
  }
  for (int64_t p = 2; left > 1 && p <= left; ++p) {
    while (left % p == 0) {
      s[g.uniform(0, rank - 1)] *= static_cast<int32_t>(p);
      left /= p;
    }
  }
  return s;
}

std::vector<uint8_t> build_reshape(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape s = g.shape(g.uniform(0, 4), 4);
  const QuantParams q = g.quant();
  const int x = g.tensor_q(w, "x", t, s, q);
  const int y = g.tensor_q(w, "y", t, g.perturb(shape_with(g, elements(s))), g.chance(0.9) ? q : g.quant());
  return unary_graph(w, fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateReshapeOptions(f).Union(); },
                     {x}, y);
}

std::vector<uint8_t> build_transpose(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape s = g.shape(g.uniform(0, 5), 3);
  std::vector<int32_t> perm(s.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int32_t>(i);
  std::shuffle(perm.begin(), perm.end(), g.rng());
  if (g.chance(0.05) && !perm.empty()) perm[0] = g.uniform(-1, static_cast<int>(perm.size()));
  Shape ys(s.size());
  for (size_t i = 0; i < s.size(); ++i) ys[i] = perm[i] >= 0 && perm[i] < static_cast<int>(s.size()) ? s[perm[i]] : 1;
  const QuantParams q = g.quant();
  const int x = g.tensor_q(w, "x", t, s, q);
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), q);
  return unary_graph(
      w, fb::OperatorOptions::TransposeOptions,
      [perm](flatbuffers::FlatBufferBuilder& f) { return fb::CreateTransposeOptions(f, f.CreateVector(perm)).Union(); }, {x}, y);
}

std::vector<uint8_t> build_resize(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const int n = g.chance(0.8) ? 1 : g.uniform(0, 2), h = g.dim(4), wd = g.dim(4), c = g.dim(3);
  const int oh = g.uniform(0, 7), ow = g.uniform(0, 7);
  const int x = g.tensor(w, "x", t, {n, h, wd, c});
  const int y = g.tensor(w, "y", t, g.perturb({n, oh, ow, c}));
  const auto mode = static_cast<fb::ResizeMode>(g.uniform(0, 1));
  const auto ct = static_cast<fb::CoordinateTransform>(g.uniform(0, 3));
  const auto nr = static_cast<fb::NearestRounding>(g.uniform(0, 3));
  float sh = 0, sw = 0;
  if (g.chance(0.3)) {
    sh = g.chance(0.5) && h > 0 ? static_cast<float>(oh) / h : g.uniform_f(0.1f, 5.0f);
    sw = g.chance(0.5) && wd > 0 ? static_cast<float>(ow) / wd : g.uniform_f(0.1f, 5.0f);
  }
  return unary_graph(
      w, fb::OperatorOptions::ResizeOptions,
      [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateResizeOptions(f, mode, ct, nr, sh, sw).Union(); }, {x}, y);
}

std::vector<uint8_t> build_pad(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape s = g.shape(g.uniform(0, 4), 3);
  std::vector<int32_t> pads(2 * s.size());
  for (int32_t& p : pads) p = g.chance(0.5) ? 0 : g.uniform(0, 3);
  if (g.chance(0.03) && !pads.empty()) pads[0] = -1;
  Shape ys = s;
  for (size_t i = 0; i < s.size(); ++i) ys[i] += pads[i] + pads[s.size() + i];
  const auto mode = static_cast<fb::PadMode>(g.uniform(0, 2));
  const float constant = g.uniform_f(-3, 3);
  const QuantParams q = g.quant();
  const int x = g.tensor_q(w, "x", t, s, q);
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), q);
  return unary_graph(
      w, fb::OperatorOptions::PadOptions,
      [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreatePadOptions(f, f.CreateVector(pads), mode, constant).Union(); }, {x}, y);
}

std::vector<uint8_t> build_softmax(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : fb::ElementType::FLOAT32;
  const Shape s = g.shape(g.uniform(1, 3), 5);
  const QuantParams qin = g.quant();
  const QuantParams qout = g.chance(0.8) ? QuantParams::per_tensor(1.0f / 256.0f, -128) : g.quant();
  const int x = g.tensor_q(w, "x", t, s, qin);
  const int y = g.tensor_q(w, "y", t, g.perturb(s), qout);
  const float beta = g.uniform_f(0.1f, 3.0f);
  std::vector<int32_t> table(256);
  octet::build_qs8_softmax_table(beta, qin.scales[0], table.data());
  if (g.chance(0.05)) table[g.uniform(0, 255)] = g.chance(0.5) ? -1 : (1 << 23) + 1;
  const bool with_table = t == fb::ElementType::INT8 ? g.chance(0.97) : g.chance(0.2);
  return unary_graph(
      w, fb::OperatorOptions::SoftmaxOptions,
      [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateSoftmaxOptions(f, beta, with_table ? f.CreateVector(table) : 0).Union(); },
      {x}, y);
}

std::vector<uint8_t> build_quantize(Gen& g) {
  ModelWriter w;
  const int kind = g.uniform(0, 2);  // Quantize, Dequantize, Requantize
  const Shape s = g.shape(g.uniform(0, 4), 4);
  const fb::ElementType in_t = kind == 0 ? fb::ElementType::FLOAT32 : fb::ElementType::INT8;
  const fb::ElementType out_t = kind == 1 ? fb::ElementType::FLOAT32 : fb::ElementType::INT8;
  const int x = g.tensor(w, "x", g.chance(0.05) ? g.type(true) : in_t, s);
  const int y = g.tensor(w, "y", g.chance(0.05) ? g.type(true) : out_t, g.perturb(s));
  if (kind == 0) {
    return unary_graph(w, fb::OperatorOptions::QuantizeOptions,
                       [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); }, {x}, y);
  }
  if (kind == 1) {
    return unary_graph(w, fb::OperatorOptions::DequantizeOptions,
                       [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {x}, y);
  }
  return unary_graph(w, fb::OperatorOptions::RequantizeOptions,
                     [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateRequantizeOptions(f).Union(); }, {x}, y);
}

std::vector<uint8_t> build_slice(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const Shape s = g.shape(g.uniform(0, 4), 5);
  std::vector<int32_t> begin, end, step;
  Shape ys;
  for (int32_t dim : s) {
    int32_t st = g.chance(0.5) ? 1 : g.uniform(1, 3) * (g.chance(0.5) ? 1 : -1);
    if (g.chance(0.02)) st = 0;
    if (g.chance(0.02)) st = g.chance(0.5) ? 2147483647 : -2147483647 - 1;
    const int32_t lo = st > 0 ? 0 : -1, hi = st > 0 ? dim : dim - 1;
    int32_t b = g.uniform(std::min(lo, hi), std::max(lo, hi)), e = g.uniform(std::min(lo, hi), std::max(lo, hi));
    if (g.chance(0.03)) b += g.chance(0.5) ? 1 : -1;  // just out of range
    if (g.chance(0.03)) e = g.chance(0.5) ? 2147483647 : -2147483647 - 1;
    begin.push_back(b);
    end.push_back(e);
    step.push_back(st);
    const int64_t span = st > 0 ? int64_t{e} - b : int64_t{b} - e, stride = st > 0 ? int64_t{st} : -int64_t{st};
    ys.push_back(st == 0 || span <= 0 ? 0 : static_cast<int32_t>(std::min<int64_t>((span + stride - 1) / stride, 1000)));
  }
  if (g.chance(0.03) && !begin.empty()) begin.pop_back();
  if (g.chance(0.03)) step.push_back(1);
  const QuantParams q = g.quant();
  const int x = g.tensor_q(w, "x", t, s, q);
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), g.chance(0.95) ? q : g.quant());
  return unary_graph(
      w, fb::OperatorOptions::SliceOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateSliceOptions(f, f.CreateVector(begin), f.CreateVector(end), f.CreateVector(step)).Union();
      },
      {x}, y);
}

std::vector<uint8_t> build_batch_matmul(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.75) ? fb::ElementType::INT8 : g.chance(0.95) ? fb::ElementType::FLOAT32 : fb::ElementType::INT32;
  const bool transpose_b = g.chance(0.4);
  const int32_t m = g.dim(4), k = g.dim(6), n = g.dim(4);
  const Shape batch = g.shape(g.uniform(0, 2), 3);
  auto operand_batch = [&]() {
    Shape b(batch.end() - g.uniform(0, static_cast<int>(batch.size())), batch.end());
    for (int32_t& d : b) {
      if (g.chance(0.3)) d = 1;
    }
    return b;
  };
  Shape as = operand_batch(), bs = operand_batch();
  Shape ys(std::max(as.size(), bs.size()));
  for (size_t i = 0; i < ys.size(); ++i) {
    const size_t ai = i + as.size() - ys.size(), bi = i + bs.size() - ys.size();
    const int32_t ad = i + as.size() >= ys.size() ? as[ai] : 1, bd = i + bs.size() >= ys.size() ? bs[bi] : 1;
    ys[i] = ad == 1 ? bd : ad;
  }
  as.insert(as.end(), {m, k});
  bs.insert(bs.end(), {transpose_b ? n : k, transpose_b ? k : n});
  ys.insert(ys.end(), {m, n});
  const QuantParams qa = g.quant(), qb = g.quant(), qo = g.quant();
  const int a = g.tensor_q(w, "a", t, g.perturb(as), qa);
  int b;
  const bool b_constant = g.chance(0.3) && t != fb::ElementType::INT32;
  const Shape bshape = g.perturb(bs);
  if (b_constant) {
    std::vector<uint8_t> data(std::max<int64_t>(0, elements(bshape)) * (t == fb::ElementType::INT8 ? 1 : 4));
    for (uint8_t& v : data) v = static_cast<uint8_t>(g.uniform(0, 255));
    if (t == fb::ElementType::FLOAT32) {
      for (size_t i = 0; i + 4 <= data.size(); i += 4) {
        const float f = g.uniform_f(-1, 1);
        std::memcpy(&data[i], &f, 4);
      }
    }
    b = w.add_constant("b", t, bshape, data.data(), data.size(), t == fb::ElementType::INT8 ? &qb : nullptr);
  } else {
    b = g.tensor_q(w, "b", t, bshape, qb);
  }
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), qo);
  octet::RequantizationValues rq;
  octet::compute_requantization(qa.scales[0] * qb.scales[0], {1.0f}, qo.scales[0], &rq);
  if (g.chance(0.03) && !rq.multiplier.empty()) {  // two entries, or none
    if (g.chance(0.5)) {
      rq.multiplier.push_back(rq.multiplier[0]);
      rq.shift.push_back(rq.shift[0]);
    } else {
      rq.multiplier.clear();
      rq.shift.clear();
    }
  }
  const bool with_rq = t == fb::ElementType::INT8 ? g.chance(0.97) : g.chance(0.1);
  const auto [lo, hi] = g.clamp();
  const fb::FloatClamp fc = g.float_clamp();
  const int32_t zp = g.chance(0.97) ? qo.zero_points[0] : qo.zero_points[0] ^ 1;
  w.add_input("a", a);
  if (!b_constant) w.add_input("b", b);
  w.add_operator(
      fb::OperatorOptions::BatchMatMulOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        flatbuffers::Offset<fb::Requantization> r;
        if (with_rq) r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), zp, lo, hi);
        return fb::CreateBatchMatMulOptions(f, transpose_b, r, &fc).Union();
      },
      {a, b}, {y}, "matmul");
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> build_layer_norm(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.chance(0.85) ? fb::ElementType::FLOAT32 : g.type(true);
  Shape s = g.shape(g.uniform(0, 2), 4);
  s.push_back(g.dim(8));
  const int32_t c = s.back();
  const int x = g.tensor(w, "x", t, s);
  const int y = g.tensor(w, "y", t, g.perturb(s));
  const Shape gs = g.perturb({c});
  std::vector<float> gamma(std::max<int64_t>(0, elements(gs))), beta(std::max(0, c));
  for (float& v : gamma) v = g.uniform_f(0.5f, 2);
  for (float& v : beta) v = g.uniform_f(-1, 1);
  int gt;
  if (g.chance(0.03)) {
    gt = w.add_tensor("gamma", fb::ElementType::FLOAT32, gs);  // not a constant
    w.add_input("gamma", gt);
  } else {
    gt = w.add_constant("gamma", fb::ElementType::FLOAT32, gs, gamma.data(), gamma.size() * 4);
  }
  const int bt = g.chance(0.3) ? -1 : w.add_constant("beta", fb::ElementType::FLOAT32, {c}, beta.data(), beta.size() * 4);
  float eps = g.chance(0.8) ? 1e-5f : g.chance(0.5) ? 0.0f : g.uniform_f(1e-7f, 1.0f);
  if (g.chance(0.03)) eps = g.chance(0.5) ? -1e-5f : std::numeric_limits<float>::quiet_NaN();
  return unary_graph(
      w, fb::OperatorOptions::LayerNormOptions, [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateLayerNormOptions(f, eps).Union(); },
      {x, gt, bt}, y);
}

std::vector<uint8_t> build_reduce(Gen& g) {
  ModelWriter w;
  const fb::ElementType t = g.type(true);
  const int rank = g.uniform(0, 4);
  const Shape s = g.shape(rank, 5);
  const auto kind = static_cast<fb::ReduceKind>(g.chance(0.02) ? 4 : g.uniform(0, 3));
  const bool keepdims = g.chance(0.5);
  std::vector<int32_t> axes;
  std::vector<bool> reduced(rank, false);
  for (int d = 0; d < rank; ++d) {
    if (!g.chance(0.5)) continue;
    axes.push_back(g.chance(0.5) ? d : d - rank);
    reduced[d] = true;
  }
  std::shuffle(axes.begin(), axes.end(), g.rng());
  if (axes.empty()) reduced.assign(rank, true);  // an empty list reduces every axis
  if (g.chance(0.04)) axes.push_back(g.chance(0.5) ? rank : (axes.empty() ? 0 : axes[0]));  // out of range or twice
  Shape ys;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) ys.push_back(s[d]);
    else if (keepdims) ys.push_back(1);
  }
  const QuantParams q = g.quant();
  const bool minmax = kind == fb::ReduceKind::MAXIMUM || kind == fb::ReduceKind::MINIMUM;
  const int x = g.tensor_q(w, "x", t, s, q);
  const int y = g.tensor_q(w, "y", t, g.perturb(ys), minmax && g.chance(0.9) ? q : g.quant());
  const auto [lo, hi] = g.clamp();
  const bool with_axes = !axes.empty() || g.chance(0.5);
  return unary_graph(
      w, fb::OperatorOptions::ReduceOptions,
      [=](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateReduceOptions(f, kind, with_axes ? f.CreateVector(axes) : 0, keepdims, lo, hi).Union();
      },
      {x}, y);
}

struct Kind {
  const char* name;
  Builder build;
};

const Kind kKinds[] = {
    {"Conv2D", build_conv},           {"FullyConnected", build_fully_connected}, {"Binary", build_binary},
    {"Concat", build_concat},         {"Pool2D", build_pool},                    {"GlobalAveragePool", build_global_average_pool},
    {"Unary", build_unary},           {"Reshape", build_reshape},                {"Transpose", build_transpose},
    {"Resize", build_resize},         {"Pad", build_pad},                        {"Softmax", build_softmax},
    {"Quantize", build_quantize},     {"Slice", build_slice},                    {"BatchMatMul", build_batch_matmul},
    {"LayerNorm", build_layer_norm},  {"Reduce", build_reduce},
};

#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr int kTrialsPerKind = 250;
#else
constexpr int kTrialsPerKind = 500;
#endif
// A session with its own thread pool costs a few milliseconds to set up on a small
// machine: every fifth accepted model is also run at 3 threads.
constexpr int kThreadedEvery = 5;

class OpFuzz : public testing::TestWithParam<int> {};

TEST_P(OpFuzz, RefusedCleanlyOrRunsIdenticallyAtAnyThreadCount) {
  const Kind& kind = kKinds[GetParam()];
  Gen g(1000u * static_cast<uint32_t>(GetParam()) + 17u);
  int accepted = 0, refused = 0;
  for (int trial = 0; trial < kTrialsPerKind; ++trial) {
    const std::vector<uint8_t> bytes = kind.build(g);
    std::shared_ptr<const octet::rt::Model> m;
    const octet::rt::Status st = load_exact(bytes.data(), bytes.size(), &m);
    if (!st.ok()) {
      ASSERT_TRUE(st.code() == OCTET_INVALID_MODEL || st.code() == OCTET_UNSUPPORTED) << trial << ": " << st.message();
      ASSERT_FALSE(st.message().empty()) << trial;
      ++refused;
      continue;
    }
    ++accepted;
    std::vector<std::vector<uint8_t>> one, three;
    const octet::rt::Status r1 = run_once(m, static_cast<uint32_t>(trial), &one, 1);
    ASSERT_TRUE(r1.ok()) << trial << ": " << r1.message();
    if (accepted % kThreadedEvery != 0) continue;
    const octet::rt::Status r3 = run_once(m, static_cast<uint32_t>(trial), &three, 3);
    ASSERT_TRUE(r3.ok()) << trial << ": " << r3.message();
    ASSERT_EQ(one, three) << kind.name << " trial " << trial << ": results differ between 1 and 3 threads";
  }
  std::printf("%-18s %4d accepted, %4d refused\n", kind.name, accepted, refused);
  // Most models are built consistent: a kind refused nearly always tests nothing.
  EXPECT_GT(accepted, kTrialsPerKind / 4) << kind.name;
  EXPECT_GT(refused, 0) << kind.name;
}

INSTANTIATE_TEST_SUITE_P(Kinds, OpFuzz, testing::Range(0, static_cast<int>(sizeof(kKinds) / sizeof(kKinds[0]))),
                         [](const testing::TestParamInfo<int>& info) { return std::string(kKinds[info.param].name); });

}  // namespace
}  // namespace octet_test

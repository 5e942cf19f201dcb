// Slice, BatchMatMul, LayerNorm, Reduce, the Div / Maximum / Minimum / Pow binary
// kinds and the Sqrt ... Floor unary kinds as one-operator models through the loader
// and a session: results against oracles written here (exact for int8, a relative
// bound for float), identical bytes at 1 and 4 threads, and each create() check
// refusing a model that breaks it, with a message naming what is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/requantize.h"
#include "octet/schema/octet_generated.h"
#include "runtime/session.h"
#include "tests/kernels/oracle.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;
using octet::ModelWriter;
using octet::QuantParams;
using octet::rt::Model;
using octet::rt::Status;
using Shape = std::vector<int32_t>;
using Bytes = std::vector<uint8_t>;

template <typename T>
Bytes bytes_of(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}
template <typename T>
std::vector<T> values_of(const Bytes& b) {
  std::vector<T> v(b.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), b.data(), b.size());
  return v;
}

// A one-operator model: graph inputs (with the bytes fed to them), the operator, one
// graph output.
struct OneOp {
  ModelWriter w;
  std::vector<Bytes> feeds;
  int output = -1;

  int input(const std::string& name, fb::ElementType t, const Shape& s, const Bytes& data, const QuantParams* q = nullptr) {
    const int i = w.add_tensor(name, t, s, q);
    w.add_input(name, i);
    feeds.push_back(data);
    return i;
  }
  int out(fb::ElementType t, const Shape& s, const QuantParams* q = nullptr) { return output = w.add_tensor("y", t, s, q); }
  void op(fb::OperatorOptions kind, ModelWriter::OptionsFn options, const std::vector<int>& inputs) {
    w.add_operator(kind, std::move(options), inputs, {output}, "op");
    w.add_output("y", output);
  }
};

// Loads and runs the model at `threads` threads; the output's bytes, or the failure in *error.
Bytes run(OneOp& m, int threads, std::string* error) {
  const Bytes file = m.w.finish();
  std::shared_ptr<const Model> model;
  Status st = load_exact(file.data(), file.size(), &model);
  std::unique_ptr<octet::rt::Session> s;
  if (st.ok()) {
    octet::rt::SessionOptions o;
    o.num_threads = threads;
    st = octet::rt::Session::Create(model, o, &s);
  }
  for (size_t i = 0; st.ok() && i < m.feeds.size(); ++i) st = s->set_input_raw(i, m.feeds[i].data(), m.feeds[i].size());
  if (st.ok()) st = s->invoke();
  Bytes y;
  if (st.ok()) {
    y.resize(model->tensors()[model->outputs()[0].tensor].bytes);
    st = s->get_output_raw(0, y.data(), y.size());
  }
  *error = st.ok() ? "" : st.message();
  return y;
}

// The output at 1 thread, checked equal at 4.
Bytes run_checked(OneOp& m) {
  std::string e1, e4;
  const Bytes one = run(m, 1, &e1);
  EXPECT_EQ(e1, "");
  const Bytes four = run(m, 4, &e4);
  EXPECT_EQ(e4, "");
  EXPECT_EQ(one, four) << "results differ between 1 and 4 threads";
  return one;
}

testing::AssertionResult Refused(OneOp& m, std::initializer_list<const char*> parts) {
  const Bytes file = m.w.finish();
  std::shared_ptr<const Model> model;
  const Status st = load_exact(file.data(), file.size(), &model);
  if (st.ok()) return testing::AssertionFailure() << "the model loaded";
  if (st.code() != OCTET_INVALID_MODEL && st.code() != OCTET_UNSUPPORTED) return testing::AssertionFailure() << "status " << st.code();
  for (const char* p : parts) {
    if (st.message().find(p) == std::string::npos) return testing::AssertionFailure() << "message \"" << st.message() << "\" lacks \"" << p << "\"";
  }
  return testing::AssertionSuccess() << st.message();
}

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

// Multi-index of flat index `flat` in shape s, and back (a dimension of 1 repeats).
std::vector<int64_t> unflatten(int64_t flat, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (size_t d = s.size(); d-- > 0;) {
    idx[d] = flat % s[d];
    flat /= s[d];
  }
  return idx;
}
int64_t flatten_broadcast(const std::vector<int64_t>& idx, const Shape& s) {
  const size_t off = idx.size() - s.size();
  int64_t flat = 0;
  for (size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + (s[d] == 1 ? 0 : idx[off + d]);
  return flat;
}

// ---------------------------------------------------------------------------
// Slice

struct SliceCase {
  Shape in;
  std::vector<int32_t> begin, end, step;
  Shape out;
};

ModelWriter::OptionsFn slice_options(const SliceCase& c) {
  return [c](flatbuffers::FlatBufferBuilder& f) {
    return fb::CreateSliceOptions(f, f.CreateVector(c.begin), f.CreateVector(c.end), f.CreateVector(c.step)).Union();
  };
}

TEST(SliceOp, EveryTypeBothDirections) {
  const SliceCase cases[] = {
      {{3, 4, 5}, {2, 0, 4}, {-1, 4, 0}, {-1, 2, -2}, {3, 2, 2}},
      {{1, 26, 40}, {0, 0, 1}, {1, 26, 40}, {1, 1, 1}, {1, 26, 39}},  // SVTR: drop the class token
      {{6}, {5}, {-1}, {-1}, {6}},                                     // reverse
      {{4, 4}, {1, 3}, {4, 0}, {2, -3}, {2, 1}},
  };
  std::mt19937 rng(200);
  for (const SliceCase& c : cases)
    for (fb::ElementType t : {fb::ElementType::INT8, fb::ElementType::FLOAT32, fb::ElementType::INT32}) {
      const size_t elem = t == fb::ElementType::INT8 ? 1 : 4;
      Bytes x(numel(c.in) * elem);
      for (uint8_t& b : x) b = static_cast<uint8_t>(rng());
      const QuantParams q = QuantParams::per_tensor(0.1f, 3);
      const QuantParams* qp = t == fb::ElementType::INT8 ? &q : nullptr;
      OneOp m;
      const int xi = m.input("x", t, c.in, x, qp);
      m.out(t, c.out, qp);
      m.op(fb::OperatorOptions::SliceOptions, slice_options(c), {xi});
      const Bytes y = run_checked(m);
      ASSERT_EQ(y.size(), numel(c.out) * elem);
      Shape in_dims = c.in;
      for (int64_t o = 0; o < numel(c.out); ++o) {
        const std::vector<int64_t> oi = unflatten(o, c.out);
        std::vector<int64_t> ii(oi.size());
        for (size_t d = 0; d < oi.size(); ++d) ii[d] = c.begin[d] + oi[d] * c.step[d];
        const int64_t src = flatten_broadcast(ii, in_dims);
        ASSERT_EQ(std::memcmp(&y[o * elem], &x[src * elem], elem), 0) << o;
      }
    }
}

TEST(SliceOp, RefusesInconsistentParameters) {
  const auto refused = [](SliceCase c, Shape out_override, std::initializer_list<const char*> parts, bool other_quant = false) {
    OneOp m;
    const QuantParams q = QuantParams::per_tensor(0.1f, 3), q2 = QuantParams::per_tensor(0.2f, 3);
    const int xi = m.input("x", fb::ElementType::INT8, c.in, Bytes(numel(c.in)), &q);
    m.out(fb::ElementType::INT8, out_override.empty() ? c.out : out_override, other_quant ? &q2 : &q);
    m.op(fb::OperatorOptions::SliceOptions, slice_options(c), {xi});
    return Refused(m, parts);
  };
  EXPECT_TRUE(refused({{4, 4}, {0, 0}, {4, 4}, {1, 0}, {4, 4}}, {}, {"step of axis 1 is 0"}));
  EXPECT_TRUE(refused({{4, 4}, {0, 0}, {5, 4}, {1, 1}, {4, 4}}, {}, {"axis 0 of size 4", "begin 0 and end 5", "[0, 4]"}));
  EXPECT_TRUE(refused({{4, 4}, {4, 0}, {0, 4}, {-1, 1}, {4, 4}}, {}, {"axis 0", "[-1, 3]"}));     // begin = dim backwards
  EXPECT_TRUE(refused({{4, 4}, {-1, 0}, {4, 4}, {1, 1}, {4, 4}}, {}, {"begin -1"}));
  EXPECT_TRUE(refused({{4, 4}, {0, 0}, {4, 4}, {2, 1}, {4, 4}}, {}, {"output shape [4,4], expected [2,4]"}));
  EXPECT_TRUE(refused({{4, 4}, {0}, {4}, {1}, {4, 4}}, {}, {"one entry per input axis (rank 2)"}));
  EXPECT_TRUE(refused({{4, 4}, {0, 0}, {4, 4}, {1, 1}, {4, 4}}, {}, {"quantization must be equal"}, true));
  EXPECT_TRUE(refused({{4, 4}, {0, 0}, {4, 4}, {1, 1}, {4, 4}}, {16}, {"output rank 1"}));
}

// ---------------------------------------------------------------------------
// BatchMatMul

struct MatMulModel {
  Shape a, b, y;
  bool transpose_b = false;
  bool b_constant = false;
  float sa = 0.02f, sb = 0.03f, so = 0.25f;
  int32_t za = 5, zb = -3, zo = -10;
  std::vector<int32_t> m0, shift;  // empty: from the scales
  int32_t qmin = -128, qmax = 127;
};

// Builds the int8 model with random inputs (returned in *a, *b).
void build_qs8_matmul(OneOp& m, const MatMulModel& c, std::vector<int8_t>* a, std::vector<int8_t>* b, std::mt19937& rng) {
  *a = random_s8(rng, numel(c.a));
  *b = random_s8(rng, numel(c.b));
  const QuantParams qa = QuantParams::per_tensor(c.sa, c.za), qb = QuantParams::per_tensor(c.sb, c.zb), qo = QuantParams::per_tensor(c.so, c.zo);
  const int ai = m.input("a", fb::ElementType::INT8, c.a, bytes_of(*a), &qa);
  const int bi = c.b_constant ? m.w.add_constant("b", fb::ElementType::INT8, c.b, b->data(), b->size(), &qb)
                              : m.input("b", fb::ElementType::INT8, c.b, bytes_of(*b), &qb);
  m.out(fb::ElementType::INT8, c.y, &qo);
  octet::RequantizationValues rq;
  EXPECT_TRUE(octet::compute_requantization(c.sa, {c.sb}, c.so, &rq));
  if (!c.m0.empty()) {
    rq.multiplier = c.m0;
    rq.shift = c.shift;
  }
  const bool tb = c.transpose_b;
  const int32_t zo = c.zo, lo = c.qmin, hi = c.qmax;
  m.op(fb::OperatorOptions::BatchMatMulOptions,
       [=](flatbuffers::FlatBufferBuilder& f) {
         return fb::CreateBatchMatMulOptions(f, tb, fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), zo, lo, hi))
             .Union();
       },
       {ai, bi});
}

// Calls f(out, a_index, b_index) for every product.
template <typename F>
void matmul_products(const MatMulModel& c, F&& f) {
  const size_t r = c.y.size();
  const int64_t k = c.a.back();
  for (int64_t o = 0; o < numel(c.y); ++o) {
    const std::vector<int64_t> idx = unflatten(o, c.y);
    std::vector<int64_t> ai(idx.begin(), idx.end() - 2), bi = ai;
    ai.push_back(idx[r - 2]);
    ai.push_back(0);
    bi.push_back(0);
    bi.push_back(0);
    for (int64_t kk = 0; kk < k; ++kk) {
      ai[r - 1] = kk;
      bi[r - 2] = c.transpose_b ? idx[r - 1] : kk;
      bi[r - 1] = c.transpose_b ? kk : idx[r - 1];
      f(o, flatten_broadcast(ai, c.a), flatten_broadcast(bi, c.b));
    }
  }
}

TEST(BatchMatMulOp, Int8AgainstExactOracle) {
  std::mt19937 rng(210);
  MatMulModel cases[4];
  cases[0].a = {2, 3, 8}, cases[0].b = {8, 5}, cases[0].y = {2, 3, 5}, cases[0].b_constant = true;
  cases[1].a = {2, 4, 6, 16}, cases[1].b = {2, 4, 7, 16}, cases[1].y = {2, 4, 6, 7}, cases[1].transpose_b = true;  // Q x K^T
  cases[2].a = {1, 3, 5, 4}, cases[2].b = {2, 1, 4, 6}, cases[2].y = {2, 3, 5, 6}, cases[2].qmin = -10;           // both broadcast, Relu
  cases[3].a = {40, 64}, cases[3].b = {64, 33}, cases[3].y = {40, 33}, cases[3].za = -128, cases[3].zb = 127;
  cases[3].so = 10.0f;  // sums near -64 * 128 * 128
  for (const MatMulModel& c : cases) {
    OneOp m;
    std::vector<int8_t> a, b;
    build_qs8_matmul(m, c, &a, &b, rng);
    const std::vector<int8_t> y = values_of<int8_t>(run_checked(m));
    ASSERT_EQ(int64_t(y.size()), numel(c.y));
    std::vector<int64_t> acc(y.size(), 0);
    matmul_products(c, [&](int64_t o, int64_t ia, int64_t ib) { acc[o] += (int64_t{a[ia]} - c.za) * (int64_t{b[ib]} - c.zb); });
    octet::RequantizationValues rq;
    ASSERT_TRUE(octet::compute_requantization(c.sa, {c.sb}, c.so, &rq));
    int interior = 0;
    for (size_t o = 0; o < y.size(); ++o) {
      const int8_t e = expected_requantize(acc[o], rq.multiplier[0], rq.shift[0], c.zo, c.qmin, c.qmax);
      ASSERT_EQ(y[o], e) << "output " << o << " acc " << acc[o];
      interior += e > c.qmin && e < c.qmax;
    }
    EXPECT_GT(interior, int(y.size()) / 4) << "the scales saturate most outputs";
  }
}

TEST(BatchMatMulOp, FloatAgainstDouble) {
  std::mt19937 rng(211);
  MatMulModel c;
  c.a = {3, 1, 7, 12};
  c.b = {1, 2, 9, 12};
  c.y = {3, 2, 7, 9};
  c.transpose_b = true;
  const std::vector<float> a = random_f32(rng, numel(c.a), -2, 2), b = random_f32(rng, numel(c.b), -2, 2);
  OneOp m;
  const int ai = m.input("a", fb::ElementType::FLOAT32, c.a, bytes_of(a));
  const int bi = m.w.add_constant("b", fb::ElementType::FLOAT32, c.b, b.data(), b.size() * 4);
  m.out(fb::ElementType::FLOAT32, c.y);
  const fb::FloatClamp fc(-3.0f, 3.0f);
  m.op(fb::OperatorOptions::BatchMatMulOptions, [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBatchMatMulOptions(f, true, 0, &fc).Union(); },
       {ai, bi});
  const std::vector<float> y = values_of<float>(run_checked(m));
  std::vector<double> acc(y.size(), 0), mag(y.size(), 0);
  matmul_products(c, [&](int64_t o, int64_t ia, int64_t ib) {
    acc[o] += double(a[ia]) * b[ib];
    mag[o] += std::fabs(double(a[ia]) * b[ib]);
  });
  for (size_t o = 0; o < y.size(); ++o) ASSERT_NEAR(y[o], std::min(3.0, std::max(-3.0, acc[o])), 1e-5 * mag[o]) << o;
}

TEST(BatchMatMulOp, RefusesInconsistentModels) {
  std::mt19937 rng(212);
  std::vector<int8_t> a, b;
  const auto refused = [&](MatMulModel c, std::initializer_list<const char*> parts) {
    OneOp m;
    build_qs8_matmul(m, c, &a, &b, rng);
    return Refused(m, parts);
  };
  MatMulModel ok;
  ok.a = {2, 3, 8};
  ok.b = {8, 5};
  ok.y = {2, 3, 5};
  MatMulModel c = ok;
  c.y = {2, 3, 6};
  EXPECT_TRUE(refused(c, {"output shape [2,3,6], expected [2,3,5]"}));
  c = ok;
  c.b = {7, 5};
  EXPECT_TRUE(refused(c, {"do not multiply"}));
  c = ok;
  c.a = {8};
  c.y = {5};
  EXPECT_TRUE(refused(c, {"rank >= 2"}));
  c = ok;
  c.transpose_b = true;  // B (8, 5) read as (N, K) = (8, 5): K 5 != 8
  EXPECT_TRUE(refused(c, {"(B transposed) do not multiply"}));
  c = ok;
  c.m0 = {1 << 30, 1 << 30};
  c.shift = {31, 31};
  EXPECT_TRUE(refused(c, {"one multiplier and shift", "has 2"}));
  c = ok;
  c.m0 = {12345};
  c.shift = {31};
  EXPECT_TRUE(refused(c, {"not in normal form"}));
  c = ok;
  c.qmin = 10;
  c.qmax = 5;
  EXPECT_TRUE(refused(c, {"clamp bounds"}));
  // K = 33026: 33026 * 255 * 255 >= 2^31.
  c = ok;
  c.a = {1, 33026};
  c.b = {33026, 1};
  c.y = {1, 1};
  EXPECT_TRUE(refused(c, {"33026 terms", "int32", "at most 33025"}));
  c.a = {1, 33025};
  c.b = {33025, 1};
  OneOp m;
  build_qs8_matmul(m, c, &a, &b, rng);
  std::string error;
  run(m, 1, &error);
  EXPECT_EQ(error, "") << "K = 33025 is the largest accepted";
}

// ---------------------------------------------------------------------------
// LayerNorm

TEST(LayerNormOp, AgainstLongDoubleAndThreads) {
  std::mt19937 rng(220);
  const Shape s = {1, 26, 64};
  const std::vector<float> x = random_f32(rng, numel(s), -4, 4);
  const std::vector<float> gamma = random_f32(rng, 64, 0.5f, 1.5f), beta = random_f32(rng, 64, -0.5f, 0.5f);
  for (bool with_beta : {true, false}) {
    OneOp m;
    const int xi = m.input("x", fb::ElementType::FLOAT32, s, bytes_of(x));
    const int gi = m.w.add_constant("gamma", fb::ElementType::FLOAT32, {64}, gamma.data(), 256);
    const int bi = with_beta ? m.w.add_constant("beta", fb::ElementType::FLOAT32, {64}, beta.data(), 256) : -1;
    m.out(fb::ElementType::FLOAT32, s);
    m.op(fb::OperatorOptions::LayerNormOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateLayerNormOptions(f, 1e-6f).Union(); },
         {xi, gi, bi});
    const std::vector<float> y = values_of<float>(run_checked(m));
    for (int r = 0; r < 26; ++r) {
      long double mean = 0, var = 0;
      for (int c = 0; c < 64; ++c) mean += x[r * 64 + c];
      mean /= 64;
      for (int c = 0; c < 64; ++c) var += (x[r * 64 + c] - mean) * (x[r * 64 + c] - mean);
      var /= 64;
      for (int c = 0; c < 64; ++c) {
        const long double e = (x[r * 64 + c] - mean) / std::sqrt(var + 1e-6L) * gamma[c] + (with_beta ? beta[c] : 0.0f);
        ASSERT_NEAR(y[r * 64 + c], double(e), 2e-6 * (1 + std::fabs(double(e)))) << r << " " << c;
      }
    }
  }
}

TEST(LayerNormOp, RefusesInconsistentModels) {
  const auto build = [](OneOp& m, fb::ElementType t, Shape gamma_shape, bool gamma_constant, float eps) {
    const QuantParams q = QuantParams::per_tensor(0.1f, 0);
    const QuantParams* qp = t == fb::ElementType::INT8 ? &q : nullptr;
    const int xi = m.input("x", t, {2, 8}, Bytes(16 * (t == fb::ElementType::INT8 ? 1 : 4)), qp);
    const std::vector<float> g(numel(gamma_shape), 1.0f);
    const int gi = gamma_constant ? m.w.add_constant("gamma", fb::ElementType::FLOAT32, gamma_shape, g.data(), g.size() * 4)
                                  : m.input("gamma", fb::ElementType::FLOAT32, gamma_shape, bytes_of(g));
    m.out(t, {2, 8}, qp);
    m.op(fb::OperatorOptions::LayerNormOptions, [eps](flatbuffers::FlatBufferBuilder& f) { return fb::CreateLayerNormOptions(f, eps).Union(); },
         {xi, gi});
  };
  {
    OneOp m;
    build(m, fb::ElementType::INT8, {8}, true, 1e-5f);
    EXPECT_TRUE(Refused(m, {"int8 LayerNorm is not supported"}));
  }
  {
    OneOp m;
    build(m, fb::ElementType::FLOAT32, {7}, true, 1e-5f);
    EXPECT_TRUE(Refused(m, {"gamma shape [7]", "8 channels"}));
  }
  {
    OneOp m;
    build(m, fb::ElementType::FLOAT32, {8}, false, 1e-5f);
    EXPECT_TRUE(Refused(m, {"gamma must be constant"}));
  }
  {
    OneOp m;
    build(m, fb::ElementType::FLOAT32, {8}, true, -1.0f);
    EXPECT_TRUE(Refused(m, {"epsilon -1"}));
  }
  {
    OneOp m;
    build(m, fb::ElementType::FLOAT32, {8}, true, std::numeric_limits<float>::infinity());
    EXPECT_TRUE(Refused(m, {"epsilon inf"}));
  }
}

// ---------------------------------------------------------------------------
// Reduce

struct ReduceModel {
  fb::ReduceKind kind = fb::ReduceKind::MEAN;
  Shape in;
  std::vector<int32_t> axes;
  bool keepdims = true;
  Shape out;
  float si = 0.05f, so = 0.05f;
  int32_t zi = -3, zo = 7;
  int32_t qmin = -128, qmax = 127;
};

void build_reduce(OneOp& m, const ReduceModel& c, fb::ElementType t, const Bytes& x) {
  const QuantParams qi = QuantParams::per_tensor(c.si, c.zi), qo = QuantParams::per_tensor(c.so, c.zo);
  const bool q = t == fb::ElementType::INT8;
  const int xi = m.input("x", t, c.in, x, q ? &qi : nullptr);
  m.out(t, c.out, q ? &qo : nullptr);
  m.op(fb::OperatorOptions::ReduceOptions,
       [c](flatbuffers::FlatBufferBuilder& f) {
         return fb::CreateReduceOptions(f, c.kind, f.CreateVector(c.axes), c.keepdims, c.qmin, c.qmax).Union();
       },
       {xi});
}

// Output index of input element `flat` (kept coordinates, row-major).
int64_t reduce_target(const ReduceModel& c, const std::vector<bool>& reduced, int64_t flat) {
  const std::vector<int64_t> idx = unflatten(flat, c.in);
  int64_t o = 0;
  for (size_t d = 0; d < idx.size(); ++d) {
    if (!reduced[d]) o = o * c.in[d] + idx[d];
  }
  return o;
}

TEST(ReduceOp, Int8EveryKindAgainstExactOracle) {
  std::mt19937 rng(230);
  ReduceModel shapes[3];
  shapes[0].in = {2, 3, 4, 5}, shapes[0].axes = {1, -2}, shapes[0].out = {2, 1, 1, 5};
  shapes[1].in = {1, 26, 96}, shapes[1].axes = {-1}, shapes[1].keepdims = false, shapes[1].out = {1, 26};
  shapes[2].in = {3, 4}, shapes[2].axes = {}, shapes[2].keepdims = false, shapes[2].out = {};  // every axis
  for (const ReduceModel& base : shapes)
    for (fb::ReduceKind kind : {fb::ReduceKind::MEAN, fb::ReduceKind::SUM, fb::ReduceKind::MAXIMUM, fb::ReduceKind::MINIMUM}) {
      ReduceModel c = base;
      c.kind = kind;
      const bool minmax = kind == fb::ReduceKind::MAXIMUM || kind == fb::ReduceKind::MINIMUM;
      std::vector<bool> reduced(c.in.size(), c.axes.empty());
      for (int32_t a : c.axes) reduced[a < 0 ? a + int(c.in.size()) : a] = true;
      int64_t count = 1;
      for (size_t d = 0; d < c.in.size(); ++d) count *= reduced[d] ? c.in[d] : 1;
      if (minmax) {
        c.so = c.si;
        c.zo = c.zi;
        c.qmin = -100;
      } else if (kind == fb::ReduceKind::SUM) {
        c.so = c.si * 4.0f;
      }
      const std::vector<int8_t> x = random_s8(rng, numel(c.in));
      OneOp m;
      build_reduce(m, c, fb::ElementType::INT8, bytes_of(x));
      const std::vector<int8_t> y = values_of<int8_t>(run_checked(m));
      ASSERT_EQ(int64_t(y.size()), numel(c.out));
      std::vector<int64_t> acc(y.size(), minmax ? (kind == fb::ReduceKind::MAXIMUM ? -1000 : 1000) : 0);
      for (int64_t i = 0; i < numel(c.in); ++i) {
        int64_t& a = acc[reduce_target(c, reduced, i)];
        if (kind == fb::ReduceKind::MAXIMUM) a = std::max<int64_t>(a, x[i]);
        else if (kind == fb::ReduceKind::MINIMUM) a = std::min<int64_t>(a, x[i]);
        else a += x[i] - c.zi;
      }
      octet::QuantizedMultiplier qm;
      ASSERT_TRUE(octet::quantize_multiplier(double(c.si) / (double(c.so) * (kind == fb::ReduceKind::MEAN ? count : 1)), &qm));
      for (size_t o = 0; o < y.size(); ++o) {
        const int64_t e = minmax ? clamp64(acc[o], c.qmin, c.qmax) : expected_requantize(acc[o], qm.m0, qm.shift, c.zo, c.qmin, c.qmax);
        ASSERT_EQ(y[o], e) << "kind " << int(kind) << " output " << o;
      }
    }
}

TEST(ReduceOp, FloatMeanAndMax) {
  std::mt19937 rng(231);
  ReduceModel c;
  c.in = {2, 5, 7};
  c.axes = {0, 2};
  c.keepdims = false;
  c.out = {5};
  const std::vector<float> x = random_f32(rng, numel(c.in), -10, 10);
  const std::vector<bool> reduced = {true, false, true};
  for (fb::ReduceKind kind : {fb::ReduceKind::MEAN, fb::ReduceKind::MAXIMUM}) {
    c.kind = kind;
    OneOp m;
    build_reduce(m, c, fb::ElementType::FLOAT32, bytes_of(x));
    const std::vector<float> y = values_of<float>(run_checked(m));
    std::vector<double> sum(5, 0), mx(5, -1e30);
    for (int64_t i = 0; i < numel(c.in); ++i) {
      sum[reduce_target(c, reduced, i)] += x[i];
      mx[reduce_target(c, reduced, i)] = std::max<double>(mx[reduce_target(c, reduced, i)], x[i]);
    }
    for (int o = 0; o < 5; ++o) {
      if (kind == fb::ReduceKind::MAXIMUM) ASSERT_EQ(y[o], mx[o]);
      else ASSERT_NEAR(y[o], sum[o] / 14, 1e-6);
    }
  }
}

TEST(ReduceOp, RefusesInconsistentModels) {
  const auto refused = [](ReduceModel c, std::initializer_list<const char*> parts) {
    OneOp m;
    build_reduce(m, c, fb::ElementType::INT8, Bytes(numel(c.in)));
    return Refused(m, parts);
  };
  ReduceModel ok;
  ok.in = {2, 3, 4};
  ok.axes = {1};
  ok.out = {2, 1, 4};
  ReduceModel c = ok;
  c.keepdims = false;
  EXPECT_TRUE(refused(c, {"output shape [2,1,4], expected [2,4] (reduced axes removed)"}));
  c = ok;
  c.axes = {1, -2};
  EXPECT_TRUE(refused(c, {"axis 1 listed twice"}));
  c = ok;
  c.axes = {3};
  EXPECT_TRUE(refused(c, {"axis 3 out of range for rank 3"}));
  c = ok;
  c.kind = fb::ReduceKind::MAXIMUM;
  c.so = 0.1f;
  EXPECT_TRUE(refused(c, {"quantization must be equal"}));
  c = ok;
  c.kind = static_cast<fb::ReduceKind>(9);
  EXPECT_TRUE(refused(c, {"unknown reduce kind 9"}));
  c = ok;
  c.kind = fb::ReduceKind::SUM;
  c.so = 1e-12f;
  EXPECT_TRUE(refused(c, {"scale ratio"}));
  c = ok;
  c.in = {2, 0, 4};
  EXPECT_TRUE(refused(c, {"empty axis"}));
  // 2^23 + 1 int8 elements summed could overflow: refused before any memory is planned.
  c = ok;
  c.in = {(1 << 23) + 1};
  c.axes = {0};
  c.out = {1};
  EXPECT_TRUE(refused(c, {"8388609 elements", "at most 8388608"}));
}

// ---------------------------------------------------------------------------
// Binary and unary kinds

TEST(BinaryOp, Int8MaximumMinimumRescaleEachOperand) {
  std::mt19937 rng(240);
  const float sa = 0.03f, sb = 0.011f, so = 0.05f;
  const int32_t za = 10, zb = -20, zo = -5;
  const Shape as = {2, 3, 8}, bs = {8};
  const std::vector<int8_t> a = random_s8(rng, numel(as)), b = random_s8(rng, numel(bs));
  for (fb::BinaryKind kind : {fb::BinaryKind::MAXIMUM, fb::BinaryKind::MINIMUM}) {
    OneOp m;
    const QuantParams qa = QuantParams::per_tensor(sa, za), qb = QuantParams::per_tensor(sb, zb), qo = QuantParams::per_tensor(so, zo);
    const int ai = m.input("a", fb::ElementType::INT8, as, bytes_of(a), &qa);
    const int bi = m.input("b", fb::ElementType::INT8, bs, bytes_of(b), &qb);
    m.out(fb::ElementType::INT8, as, &qo);
    m.op(fb::OperatorOptions::BinaryOptions, [kind](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, kind, -120, 120).Union(); },
         {ai, bi});
    const std::vector<int8_t> y = values_of<int8_t>(run_checked(m));
    // Add's multipliers: shift 30 down until round(max ratio * 2^shift) < 2^20.
    const double ra = double(sa) / so, rb = double(sb) / so;
    int shift = 30;
    while (std::floor(std::ldexp(std::max(ra, rb), shift) + 0.5) >= (1 << 20)) --shift;
    const int64_t am = int64_t(std::floor(std::ldexp(ra, shift) + 0.5)), bm = int64_t(std::floor(std::ldexp(rb, shift) + 0.5));
    for (int64_t o = 0; o < numel(as); ++o) {
      const int64_t va = static_cast<int64_t>(floor_div((a[o] - za) * am + pow2(shift - 1), pow2(shift)));
      const int64_t vb = static_cast<int64_t>(floor_div((b[o % 8] - zb) * bm + pow2(shift - 1), pow2(shift)));
      const int64_t e = clamp64(zo + (kind == fb::BinaryKind::MAXIMUM ? std::max(va, vb) : std::min(va, vb)), -120, 120);
      ASSERT_EQ(y[o], e) << o;
    }
  }
}

TEST(BinaryOp, FloatDivPowAndInt8Refusals) {
  std::mt19937 rng(241);
  const std::vector<float> a = random_f32(rng, 12, 0.5f, 3), b = random_f32(rng, 12, -2, 2);
  for (fb::BinaryKind kind : {fb::BinaryKind::DIV, fb::BinaryKind::POW}) {
    OneOp m;
    const int ai = m.input("a", fb::ElementType::FLOAT32, {3, 4}, bytes_of(a));
    const int bi = m.input("b", fb::ElementType::FLOAT32, {3, 4}, bytes_of(b));
    m.out(fb::ElementType::FLOAT32, {3, 4});
    m.op(fb::OperatorOptions::BinaryOptions, [kind](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, kind).Union(); }, {ai, bi});
    const std::vector<float> y = values_of<float>(run_checked(m));
    for (int i = 0; i < 12; ++i) {
      const double e = kind == fb::BinaryKind::DIV ? double(a[i]) / b[i] : std::pow(double(a[i]), double(b[i]));
      ASSERT_NEAR(y[i], e, 1e-6 * std::fabs(e)) << i;
    }
  }
  for (fb::BinaryKind kind : {fb::BinaryKind::DIV, fb::BinaryKind::POW}) {
    OneOp m;
    const QuantParams q = QuantParams::per_tensor(0.1f, 0);
    const int ai = m.input("a", fb::ElementType::INT8, {4}, Bytes(4), &q);
    const int bi = m.input("b", fb::ElementType::INT8, {4}, Bytes(4), &q);
    m.out(fb::ElementType::INT8, {4}, &q);
    m.op(fb::OperatorOptions::BinaryOptions, [kind](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, kind).Union(); }, {ai, bi});
    EXPECT_TRUE(Refused(m, {kind == fb::BinaryKind::DIV ? "int8 Div is not supported" : "int8 Pow is not supported"}));
  }
}

TEST(UnaryOp, NewKindsInFloatAndThroughTables) {
  const std::vector<float> x = {0.25f, 1.0f, 2.0f, 9.0f, 0.5f, 3.75f};
  const std::pair<fb::UnaryKind, octet::UnaryFunction> kinds[] = {
      {fb::UnaryKind::SQRT, octet::UnaryFunction::kSqrt},         {fb::UnaryKind::RECIPROCAL, octet::UnaryFunction::kReciprocal},
      {fb::UnaryKind::LOG, octet::UnaryFunction::kLog},           {fb::UnaryKind::ERF, octet::UnaryFunction::kErf},
      {fb::UnaryKind::SOFTPLUS, octet::UnaryFunction::kSoftplus}, {fb::UnaryKind::FLOOR, octet::UnaryFunction::kFloor}};
  // Python's math module: sqrt, 1 / x, log, erf, log1p(exp(x)), floor.
  const double expect[][6] = {
      {0.5, 1, 1.4142135623730951, 3, 0.7071067811865476, 1.9364916731037085},
      {4, 1, 0.5, 0.1111111111111111, 2, 0.26666666666666666},
      {-1.3862943611198906, 0, 0.6931471805599453, 2.1972245773362196, -0.6931471805599453, 1.3217558399823195},
      {0.2763263901682369, 0.8427007929497149, 0.9953222650189527, 1, 0.5204998778130465, 0.9999998862727434},
      {0.8259394198788436, 1.3132616875182228, 2.1269280110429727, 9.000123402189724, 0.9740769841801067, 3.773245464372425},
      {0, 1, 2, 9, 0, 3}};
  for (size_t k = 0; k < 6; ++k) {
    const fb::UnaryKind kind = kinds[k].first;
    OneOp m;
    const int xi = m.input("x", fb::ElementType::FLOAT32, {6}, bytes_of(x));
    m.out(fb::ElementType::FLOAT32, {6});
    m.op(fb::OperatorOptions::UnaryOptions, [kind](flatbuffers::FlatBufferBuilder& f) { return fb::CreateUnaryOptions(f, kind).Union(); }, {xi});
    const std::vector<float> y = values_of<float>(run_checked(m));
    for (int i = 0; i < 6; ++i) ASSERT_NEAR(y[i], expect[k][i], 1e-6 * std::max(1.0, std::fabs(expect[k][i]))) << "kind " << int(kind) << " x " << x[i];
    // int8: the converter's table, applied as for every unary kind.
    int8_t table[256];
    octet::build_qs8_lut(kinds[k].second, 0, 0, 0.05f, -100, 0.04f, -128, table);
    const std::vector<int8_t> tv(table, table + 256);
    std::vector<int8_t> q(256);
    for (int i = 0; i < 256; ++i) q[i] = static_cast<int8_t>(i - 128);
    OneOp mq;
    const QuantParams qi = QuantParams::per_tensor(0.05f, -100), qo = QuantParams::per_tensor(0.04f, -128);
    const int qx = mq.input("x", fb::ElementType::INT8, {256}, bytes_of(q), &qi);
    mq.out(fb::ElementType::INT8, {256}, &qo);
    mq.op(fb::OperatorOptions::UnaryOptions, [kind, tv](flatbuffers::FlatBufferBuilder& f) { return fb::CreateUnaryOptions(f, kind, 0, 0, f.CreateVector(tv)).Union(); },
          {qx});
    ASSERT_EQ(values_of<int8_t>(run_checked(mq)), tv);
  }
}

}  // namespace
}  // namespace octet_test

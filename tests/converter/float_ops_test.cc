// Unit tests of the float reference ops and the executor for what ONNX's node
// tests leave out: grouped / dilated / asymmetrically padded convolutions against
// a naive loop, broadcasting corner cases, per-opset attribute rules, rounding of
// QuantizeLinear, and bad inputs that must fail with a message instead of crashing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "converter/float/float_executor.h"
#include "converter/float/float_ops.h"
#include "converter/passes/passes.h"

namespace octet::cvt {
namespace {

Attribute ints_attr(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::kInts;
  a.ints = std::move(v);
  return a;
}
Attribute int_attr(int64_t v) {
  Attribute a;
  a.kind = Attribute::kInt;
  a.i = v;
  return a;
}
Attribute float_attr(float v) {
  Attribute a;
  a.kind = Attribute::kFloat;
  a.f = v;
  return a;
}
Attribute str_attr(std::string v) {
  Attribute a;
  a.kind = Attribute::kString;
  a.s = std::move(v);
  return a;
}

Node make_node(const std::string& op, std::map<std::string, Attribute> attrs = {}, size_t n_in = 1, size_t n_out = 1) {
  Node n;
  n.name = "n";
  n.op_type = op;
  n.attrs = std::move(attrs);
  for (size_t i = 0; i < n_in; ++i) n.inputs.push_back("i" + std::to_string(i));
  for (size_t i = 0; i < n_out; ++i) n.outputs.push_back("o" + std::to_string(i));
  return n;
}

// Runs one op; returns false (and the message) on failure.
bool run(const Node& node, int64_t opset, const std::vector<const Tensor*>& ins, std::vector<Tensor>* outs,
         std::string* error) {
  FloatOpFn fn = find_float_op(node.op_type);
  if (!fn) {
    *error = "no op " + node.op_type;
    return false;
  }
  outs->assign(node.outputs.size(), Tensor());
  return fn(node, opset, ins, outs, error);
}

Tensor run1(const Node& node, int64_t opset, const std::vector<const Tensor*>& ins) {
  std::vector<Tensor> outs;
  std::string error;
  EXPECT_TRUE(run(node, opset, ins, &outs, &error)) << node.op_type << ": " << error;
  return outs.empty() ? Tensor() : outs[0];
}

std::string run_error(const Node& node, int64_t opset, const std::vector<const Tensor*>& ins) {
  std::vector<Tensor> outs;
  std::string error;
  EXPECT_FALSE(run(node, opset, ins, &outs, &error)) << node.op_type << " should have failed";
  EXPECT_FALSE(error.empty());
  return error;
}

Tensor random_tensor(std::vector<int64_t> shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Tensor t(DType::kFloat32, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

void expect_near(const Tensor& want, const Tensor& got, double tol) {
  ASSERT_EQ(want.dtype, got.dtype);
  ASSERT_EQ(want.shape, got.shape);
  for (int64_t i = 0; i < want.numel(); ++i) ASSERT_NEAR(want.get_f(i), got.get_f(i), tol) << "element " << i;
}

// Naive 2-D convolution, straight from the definition.
Tensor naive_conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int64_t group, std::vector<int64_t> strides,
                    std::vector<int64_t> dil, std::vector<int64_t> pads) {
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int64_t m = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
  const int64_t oh = (h + pads[0] + pads[2] - ((kh - 1) * dil[0] + 1)) / strides[0] + 1;
  const int64_t ow = (wd + pads[1] + pads[3] - ((kw - 1) * dil[1] + 1)) / strides[1] + 1;
  Tensor y(DType::kFloat32, {n, m, oh, ow});
  const int64_t mg = m / group;
  for (int64_t in = 0; in < n; ++in)
    for (int64_t om = 0; om < m; ++om)
      for (int64_t y0 = 0; y0 < oh; ++y0)
        for (int64_t x0 = 0; x0 < ow; ++x0) {
          double s = b ? b->data<float>()[om] : 0.0;
          const int64_t g = om / mg;
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t bb = 0; bb < kw; ++bb) {
                const int64_t iy = y0 * strides[0] - pads[0] + a * dil[0];
                const int64_t ix = x0 * strides[1] - pads[1] + bb * dil[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += double(x.data<float>()[((in * c + g * cg + ic) * h + iy) * wd + ix]) *
                     w.data<float>()[((om * cg + ic) * kh + a) * kw + bb];
              }
          y.data<float>()[((in * m + om) * oh + y0) * ow + x0] = static_cast<float>(s);
        }
  return y;
}

TEST(FloatOps, RegistryIsSortedAndComplete) {
  const std::vector<std::string> ops = float_op_types();
  EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end()));
  for (const char* op :
       {"Add", "Conv", "ConvTranspose", "Gemm", "MatMul", "Resize", "Upsample", "QuantizeLinear", "DequantizeLinear",
        "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "Softmax", "LogSoftmax", "Pad", "Slice",
        "Gather", "ReduceMean", "ArgMax", "Where", "LayerNormalization", "DepthToSpace", "SpaceToDepth", "Gelu"})
    EXPECT_NE(find_float_op(op), nullptr) << op;
  EXPECT_EQ(find_float_op("NoSuchOp"), nullptr);
  EXPECT_EQ(find_float_op("LSTM"), nullptr);
}

struct ConvCase {
  int64_t n, c, h, w, m, group, kh, kw;
  std::vector<int64_t> strides, dil, pads;
  bool bias;
};

TEST(FloatOps, GroupedDilatedAsymmetricConvMatchesNaive) {
  const ConvCase cases[] = {
      {1, 4, 9, 8, 6, 2, 3, 3, {1, 1}, {2, 2}, {0, 1, 2, 0}, true},
      {2, 6, 7, 11, 6, 3, 2, 3, {2, 1}, {1, 3}, {1, 0, 0, 2}, false},
      {1, 8, 10, 10, 8, 8, 3, 3, {2, 2}, {2, 1}, {3, 1, 1, 2}, true},  // depthwise
      {1, 3, 5, 6, 4, 1, 5, 1, {3, 2}, {1, 1}, {2, 0, 2, 0}, true},
      {1, 4, 6, 6, 2, 2, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}, false},   // 1x1 grouped
      {1, 2, 4, 4, 2, 1, 3, 3, {1, 1}, {3, 3}, {3, 3, 3, 3}, true},    // window wider than the input
  };
  uint32_t seed = 1;
  for (const ConvCase& k : cases) {
    const Tensor x = random_tensor({k.n, k.c, k.h, k.w}, seed++);
    const Tensor w = random_tensor({k.m, k.c / k.group, k.kh, k.kw}, seed++);
    const Tensor b = random_tensor({k.m}, seed++);
    const Node node = make_node("Conv", {{"group", int_attr(k.group)},
                                         {"strides", ints_attr(k.strides)},
                                         {"dilations", ints_attr(k.dil)},
                                         {"pads", ints_attr(k.pads)}},
                                k.bias ? 3 : 2);
    std::vector<const Tensor*> ins = {&x, &w};
    if (k.bias) ins.push_back(&b);
    const Tensor got = run1(node, 13, ins);
    expect_near(naive_conv2d(x, w, k.bias ? &b : nullptr, k.group, k.strides, k.dil, k.pads), got, 1e-5);
  }
}

TEST(FloatOps, Conv1dAnd3dAgreeWith2d) {
  const Tensor x = random_tensor({2, 4, 13}, 7);
  const Tensor w = random_tensor({6, 2, 3}, 8);
  const Node c1 = make_node("Conv", {{"group", int_attr(2)},
                                     {"strides", ints_attr({2})},
                                     {"dilations", ints_attr({2})},
                                     {"pads", ints_attr({1, 3})}},
                            2);
  const Tensor y1 = run1(c1, 13, {&x, &w});
  Tensor x2 = x, w2 = w;
  x2.shape = {2, 4, 1, 13};
  w2.shape = {6, 2, 1, 3};
  const Tensor ref = naive_conv2d(x2, w2, nullptr, 2, {1, 2}, {1, 2}, {0, 1, 0, 3});
  Tensor ref1 = ref;
  ref1.shape = {ref.shape[0], ref.shape[1], ref.shape[3]};
  expect_near(ref1, y1, 1e-5);

  Tensor x3 = x, w3 = w;
  x3.shape = {2, 4, 1, 1, 13};
  w3.shape = {6, 2, 1, 1, 3};
  const Node c3 = make_node("Conv", {{"group", int_attr(2)},
                                     {"strides", ints_attr({1, 1, 2})},
                                     {"dilations", ints_attr({1, 1, 2})},
                                     {"pads", ints_attr({0, 0, 1, 0, 0, 3})}},
                            2);
  const Tensor y3 = run1(c3, 13, {&x3, &w3});
  Tensor ref3 = ref;
  ref3.shape = {ref.shape[0], ref.shape[1], 1, 1, ref.shape[3]};
  expect_near(ref3, y3, 1e-5);
}

TEST(FloatOps, ConvAutoPadSameLowerPutsTheExtraPadFirst) {
  // Input 4 wide, kernel 2, stride 1: one pad in total; SAME_LOWER puts it before.
  const Tensor x = Tensor::from_floats({1, 1, 1, 4}, {1, 2, 3, 4});
  const Tensor w = Tensor::from_floats({1, 1, 1, 2}, {1, 10});
  const Tensor lower = run1(make_node("Conv", {{"auto_pad", str_attr("SAME_LOWER")}}, 2), 13, {&x, &w});
  const Tensor upper = run1(make_node("Conv", {{"auto_pad", str_attr("SAME_UPPER")}}, 2), 13, {&x, &w});
  EXPECT_EQ(lower.to_floats(), (std::vector<float>{10, 21, 32, 43}));
  EXPECT_EQ(upper.to_floats(), (std::vector<float>{21, 32, 43, 4}));
}

// ConvTranspose equals the adjoint of Conv: <conv(x), y> == <x, convT(y)>.
TEST(FloatOps, GroupedDilatedConvTransposeIsTheAdjointOfConv) {
  const int64_t group = 2, c = 4, m = 6;
  const std::vector<int64_t> strides = {2, 3}, dil = {2, 1}, pads = {1, 0, 2, 1};
  const Tensor x = random_tensor({1, c, 9, 10}, 11);
  const Tensor w = random_tensor({m, c / group, 3, 2}, 12);
  const Tensor cx = run1(make_node("Conv", {{"group", int_attr(group)},
                                            {"strides", ints_attr(strides)},
                                            {"dilations", ints_attr(dil)},
                                            {"pads", ints_attr(pads)}},
                                   2),
                         13, {&x, &w});
  const Tensor y = random_tensor(cx.shape, 13);
  // ConvTranspose weights are [C_in_of_transpose = m, m_out / group, k...]: the
  // same array as Conv's [m, c/group, k...] read with the roles swapped.
  const int64_t out_h = 9, out_w = 10;
  const Tensor ty = run1(make_node("ConvTranspose", {{"group", int_attr(group)},
                                                     {"strides", ints_attr(strides)},
                                                     {"dilations", ints_attr(dil)},
                                                     {"pads", ints_attr(pads)},
                                                     {"output_shape", ints_attr({out_h, out_w})}},
                                   2),
                         13, {&y, &w});
  ASSERT_EQ(ty.shape, x.shape);
  double a = 0, b = 0;
  for (int64_t i = 0; i < cx.numel(); ++i) a += double(cx.data<float>()[i]) * y.data<float>()[i];
  for (int64_t i = 0; i < x.numel(); ++i) b += double(x.data<float>()[i]) * ty.data<float>()[i];
  EXPECT_NEAR(a, b, 1e-4 * std::max(1.0, std::fabs(a)));
}

TEST(FloatOps, BroadcastingCornerCases) {
  const Node add = make_node("Add", {}, 2);
  const Tensor s = Tensor::scalar_f(10);
  const Tensor col = Tensor::from_floats({3, 1}, {1, 2, 3});
  const Tensor row = Tensor::from_floats({4}, {10, 20, 30, 40});
  Tensor y = run1(add, 13, {&col, &row});
  EXPECT_EQ(y.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(y.data<float>()[5], 22.0f);
  // scalar with scalar, scalar with tensor (either side)
  EXPECT_EQ(run1(add, 13, {&s, &s}).shape, std::vector<int64_t>{});
  y = run1(add, 13, {&row, &s});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{20, 30, 40, 50}));
  // rank growth on the left: [2,1,3] + [4,1] -> [2,4,3]
  const Tensor a = random_tensor({2, 1, 3}, 1), b = random_tensor({4, 1}, 2);
  y = run1(add, 13, {&a, &b});
  ASSERT_EQ(y.shape, (std::vector<int64_t>{2, 4, 3}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t k = 0; k < 3; ++k)
        EXPECT_EQ(y.data<float>()[(i * 4 + j) * 3 + k], a.data<float>()[i * 3 + k] + b.data<float>()[j]);
  // zero-sized dimensions broadcast against 1 and stay 0
  const Tensor e(DType::kFloat32, {0, 3});
  const Tensor one = Tensor::from_floats({1, 1}, {5});
  EXPECT_EQ(run1(add, 13, {&e, &one}).shape, (std::vector<int64_t>{0, 3}));
  // mismatch fails with both shapes in the message
  const Tensor bad = random_tensor({2, 3}, 3), bad2 = random_tensor({3, 2}, 4);
  const std::string err = run_error(add, 13, {&bad, &bad2});
  EXPECT_NE(err.find("[2,3]"), std::string::npos) << err;
  // Where broadcasts three ways
  Tensor cond(DType::kBool, {2, 1});
  cond.data<uint8_t>()[0] = 1;
  const Tensor xs = Tensor::from_floats({1, 3}, {1, 2, 3});
  y = run1(make_node("Where", {}, 3), 16, {&cond, &xs, &s});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{1, 2, 3, 10, 10, 10}));
  // PRelu's slope broadcasts to X only
  const Tensor px = Tensor::from_floats({2, 2}, {-1, 2, -3, 4});
  const Tensor slope = Tensor::from_floats({2}, {0.5f, 0.25f});
  EXPECT_EQ(run1(make_node("PRelu", {}, 2), 16, {&px, &slope}).to_floats(), (std::vector<float>{-0.5f, 2, -1.5f, 4}));
  const Tensor big_slope = random_tensor({3, 2, 2}, 5);
  run_error(make_node("PRelu", {}, 2), 16, {&px, &big_slope});
  // variadic Max over three differently shaped inputs
  const Tensor m1 = Tensor::from_floats({3}, {1, 5, 2}), m2 = Tensor::from_floats({2, 1}, {3, 0});
  y = run1(make_node("Max", {}, 3), 13, {&m1, &m2, &s});
  EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(y.to_floats(), (std::vector<float>{10, 10, 10, 10, 10, 10}));
  y = run1(make_node("Min", {}, 2), 13, {&m1, &m2});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{1, 3, 2, 0, 0, 0}));
}

TEST(FloatOps, IntegerArithmeticWrapsAndDivisionByZeroFails) {
  const Tensor a = Tensor::from_ints({2}, {std::numeric_limits<int64_t>::max(), 7});
  const Tensor b = Tensor::from_ints({2}, {1, -2});
  EXPECT_EQ(run1(make_node("Add", {}, 2), 14, {&a, &b}).to_ints(),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 5}));
  EXPECT_EQ(run1(make_node("Div", {}, 2), 14, {&a, &b}).to_ints()[1], -3);  // truncates toward zero
  const Tensor z = Tensor::from_ints({2}, {1, 0});
  run_error(make_node("Div", {}, 2), 14, {&a, &z});
  run_error(make_node("Mod", {}, 2), 14, {&a, &z});
  const Tensor f = Tensor::scalar_f(1);
  run_error(make_node("Add", {}, 2), 14, {&a, &f});  // mixed types
}

TEST(FloatOps, SoftmaxCoercesTo2dBeforeOpset13) {
  const Tensor x = random_tensor({2, 3, 4}, 21);
  const Tensor old = run1(make_node("Softmax", {{"axis", int_attr(1)}}), 11, {&x});
  const Tensor now = run1(make_node("Softmax", {{"axis", int_attr(1)}}), 13, {&x});
  // opset 11: each batch's 12 values sum to 1; opset 13: each column of 3 does.
  for (int64_t n = 0; n < 2; ++n) {
    double s = 0;
    for (int64_t i = 0; i < 12; ++i) s += old.data<float>()[n * 12 + i];
    EXPECT_NEAR(s, 1.0, 1e-6);
    for (int64_t k = 0; k < 4; ++k) {
      double c = 0;
      for (int64_t j = 0; j < 3; ++j) c += now.data<float>()[n * 12 + j * 4 + k];
      EXPECT_NEAR(c, 1.0, 1e-6);
    }
  }
  // LogSoftmax default axis: 1 before 13, -1 from 13.
  const Tensor l11 = run1(make_node("LogSoftmax"), 11, {&x});
  const Tensor l13 = run1(make_node("LogSoftmax"), 13, {&x});
  for (int64_t i = 0; i < x.numel(); ++i) {
    EXPECT_NEAR(std::exp(l11.data<float>()[i]), old.data<float>()[i], 1e-6);
  }
  double s = 0;
  for (int64_t k = 0; k < 4; ++k) s += std::exp(l13.data<float>()[k]);
  EXPECT_NEAR(s, 1.0, 1e-6);
}

TEST(FloatOps, AxesMoveFromAttributesToInputs) {
  const Tensor x = random_tensor({1, 3, 1, 2}, 31);
  const Tensor axes = Tensor::from_ints({1}, {2});
  EXPECT_EQ(run1(make_node("Squeeze", {{"axes", ints_attr({0})}}), 11, {&x}).shape, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(run1(make_node("Squeeze", {}, 2), 13, {&x, &axes}).shape, (std::vector<int64_t>{1, 3, 2}));
  EXPECT_EQ(run1(make_node("Squeeze"), 13, {&x}).shape, (std::vector<int64_t>{3, 2}));
  const Tensor ua = Tensor::from_ints({2}, {0, -1});
  EXPECT_EQ(run1(make_node("Unsqueeze", {}, 2), 13, {&x, &ua}).shape, (std::vector<int64_t>{1, 1, 3, 1, 2, 1}));
  EXPECT_EQ(run1(make_node("Unsqueeze", {{"axes", ints_attr({1})}}), 11, {&x}).shape,
            (std::vector<int64_t>{1, 1, 3, 1, 2}));
  // ReduceSum: input from 13; ReduceMean: attribute until 18.
  const Tensor ra = Tensor::from_ints({1}, {1});
  EXPECT_EQ(run1(make_node("ReduceSum", {{"keepdims", int_attr(0)}}, 2), 13, {&x, &ra}).shape,
            (std::vector<int64_t>{1, 1, 2}));
  EXPECT_EQ(run1(make_node("ReduceMean", {{"axes", ints_attr({3})}}), 13, {&x}).shape,
            (std::vector<int64_t>{1, 3, 1, 1}));
  EXPECT_EQ(run1(make_node("ReduceMean", {}, 2), 18, {&x, &ra}).shape, (std::vector<int64_t>{1, 1, 1, 2}));
  // noop_with_empty_axes keeps the input as it is
  EXPECT_EQ(run1(make_node("ReduceSum", {{"noop_with_empty_axes", int_attr(1)}}), 13, {&x}).shape, x.shape);
  // Split: attribute before 13, input after
  const Tensor sx = random_tensor({5, 2}, 32);
  std::vector<Tensor> outs;
  std::string err;
  ASSERT_TRUE(run(make_node("Split", {{"split", ints_attr({2, 3})}}, 1, 2), 11, {&sx}, &outs, &err)) << err;
  EXPECT_EQ(outs[1].shape, (std::vector<int64_t>{3, 2}));
  const Tensor sp = Tensor::from_ints({2}, {4, 1});
  ASSERT_TRUE(run(make_node("Split", {}, 2, 2), 13, {&sx, &sp}, &outs, &err)) << err;
  EXPECT_EQ(outs[0].shape, (std::vector<int64_t>{4, 2}));
  // Clip: attributes before 11, inputs after
  const Tensor cx = Tensor::from_floats({4}, {-2, -0.5f, 0.5f, 2});
  EXPECT_EQ(run1(make_node("Clip", {{"min", float_attr(-1)}, {"max", float_attr(1)}}), 6, {&cx}).to_floats(),
            (std::vector<float>{-1, -0.5f, 0.5f, 1}));
  const Tensor lo = Tensor::scalar_f(0);
  EXPECT_EQ(run1(make_node("Clip", {}, 2), 13, {&cx, &lo}).to_floats(), (std::vector<float>{0, 0, 0.5f, 2}));
  // Slice: attributes before 10, inputs after (with negative steps)
  const Tensor v = Tensor::from_floats({6}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(run1(make_node("Slice", {{"starts", ints_attr({1})}, {"ends", ints_attr({-1})}}), 9, {&v}).to_floats(),
            (std::vector<float>{1, 2, 3, 4}));
  const Tensor st = Tensor::from_ints({1}, {-1}), en = Tensor::from_ints({1}, {std::numeric_limits<int64_t>::min()}),
               ax = Tensor::from_ints({1}, {0}), sp2 = Tensor::from_ints({1}, {-2});
  EXPECT_EQ(run1(make_node("Slice", {}, 5), 13, {&v, &st, &en, &ax, &sp2}).to_floats(), (std::vector<float>{5, 3, 1}));
  // Pad: attributes before 11, inputs after
  const Tensor p = Tensor::from_floats({3}, {1, 2, 3});
  EXPECT_EQ(run1(make_node("Pad", {{"pads", ints_attr({2, 1})}, {"mode", str_attr("reflect")}}), 2, {&p}).to_floats(),
            (std::vector<float>{3, 2, 1, 2, 3, 2}));
  const Tensor pads = Tensor::from_ints({2}, {1, 2});
  EXPECT_EQ(run1(make_node("Pad", {{"mode", str_attr("edge")}}, 2), 13, {&p, &pads}).to_floats(),
            (std::vector<float>{1, 1, 2, 3, 3, 3}));
  const Tensor crop = Tensor::from_ints({2}, {-1, 0});
  EXPECT_EQ(run1(make_node("Pad", {}, 2), 13, {&p, &crop}).to_floats(), (std::vector<float>{2, 3}));
}

TEST(FloatOps, QuantizeRoundsHalfToEvenAndSaturatesPerAxis) {
  const Tensor x = Tensor::from_floats({2, 4}, {0.5f, 1.5f, 2.5f, -2.5f, 300, -300, 1, -1});
  const Tensor scale = Tensor::from_floats({2}, {1, 2});
  Tensor zp(DType::kInt8, {2});
  zp.data<int8_t>()[1] = 3;
  const Tensor q = run1(make_node("QuantizeLinear", {{"axis", int_attr(0)}}, 3), 13, {&x, &scale, &zp});
  ASSERT_EQ(q.dtype, DType::kInt8);
  EXPECT_EQ(q.to_ints(), (std::vector<int64_t>{0, 2, 2, -2, 127, -128, 3, 3}));  // +-0.5 -> 0, + 3
  // default zero point: uint8 0
  const Tensor s1 = Tensor::scalar_f(1);
  const Tensor qu = run1(make_node("QuantizeLinear", {}, 2), 13, {&x, &s1});
  EXPECT_EQ(qu.dtype, DType::kUInt8);
  EXPECT_EQ(qu.to_ints(), (std::vector<int64_t>{0, 2, 2, 0, 255, 0, 1, 0}));
  const Tensor dq = run1(make_node("DequantizeLinear", {{"axis", int_attr(0)}}, 3), 13, {&q, &scale, &zp});
  EXPECT_EQ(dq.to_floats(), (std::vector<float>{0, 2, 2, -2, 248, -262, 0, 0}));
  // a scale that doesn't match the axis fails
  const Tensor bad_scale = Tensor::from_floats({3}, {1, 1, 1});
  run_error(make_node("QuantizeLinear", {{"axis", int_attr(0)}}, 2), 13, {&x, &bad_scale});
}

TEST(FloatOps, PoolingWindowsAndCounts) {
  const Tensor x = Tensor::from_floats({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Asymmetric pads: top 1, left 0, bottom 0, right 1; kernel 2.
  const auto attrs = std::map<std::string, Attribute>{{"kernel_shape", ints_attr({2, 2})}, {"pads", ints_attr({1, 0, 0, 1})}};
  Tensor y = run1(make_node("AveragePool", attrs), 13, {&x});
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 3, 3}));
  EXPECT_EQ(y.to_floats(), (std::vector<float>{1.5f, 2.5f, 3, 3, 4, 4.5f, 6, 7, 7.5f}));
  auto inc = attrs;
  inc["count_include_pad"] = int_attr(1);
  y = run1(make_node("AveragePool", inc), 13, {&x});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{0.75f, 1.25f, 0.75f, 3, 4, 2.25f, 6, 7, 3.75f}));
  y = run1(make_node("MaxPool", attrs), 13, {&x});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{2, 3, 3, 5, 6, 6, 8, 9, 9}));
  // ceil_mode with stride 2: 3 -> 2 outputs, the last window half outside.
  y = run1(make_node("MaxPool", {{"kernel_shape", ints_attr({2, 2})}, {"strides", ints_attr({2, 2})}, {"ceil_mode", int_attr(1)}}),
           13, {&x});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{5, 6, 8, 9}));
  // dilation 2 with kernel 2 covers the corners
  y = run1(make_node("MaxPool", {{"kernel_shape", ints_attr({2, 2})}, {"dilations", ints_attr({2, 2})}}), 13, {&x});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{9}));
}

TEST(FloatOps, ResizeNearestAndLinear) {
  const Tensor x = Tensor::from_floats({1, 1, 1, 2}, {0, 10});
  const Tensor sizes = Tensor::from_ints({4}, {1, 1, 1, 4});
  Tensor y = run1(make_node("Resize", {{"mode", str_attr("linear")}}, 4), 13, {&x, nullptr, nullptr, &sizes});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{0, 2.5f, 7.5f, 10}));
  y = run1(make_node("Resize", {{"mode", str_attr("linear")}, {"coordinate_transformation_mode", str_attr("align_corners")}}, 4),
           13, {&x, nullptr, nullptr, &sizes});
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y.data<float>()[i], 10.0 * i / 3, 1e-5);
  const Tensor scales = Tensor::from_floats({4}, {1, 1, 2, 2});
  y = run1(make_node("Resize", {}, 3), 13, {&x, nullptr, &scales});
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 4}));
  EXPECT_EQ(y.to_floats(), (std::vector<float>{0, 0, 10, 10, 0, 0, 10, 10}));
  // Opset 10: (X, scales), asymmetric; Upsample 9 the same.
  y = run1(make_node("Resize", {{"mode", str_attr("linear")}}, 2), 10, {&x, &scales});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{0, 5, 10, 10, 0, 5, 10, 10}));
  y = run1(make_node("Upsample", {{"mode", str_attr("linear")}}, 2), 9, {&x, &scales});
  EXPECT_EQ(y.to_floats(), (std::vector<float>{0, 5, 10, 10, 0, 5, 10, 10}));
}

TEST(FloatOps, BadInputsFailWithAMessage) {
  const Tensor x = random_tensor({2, 3}, 41);
  const Tensor idx = Tensor::from_ints({1}, {3});
  EXPECT_NE(run_error(make_node("Gather", {}, 2), 13, {&x, &idx}).find("out of range"), std::string::npos);
  const Tensor nidx = Tensor::from_ints({1}, {-3});
  run_error(make_node("Gather", {}, 2), 13, {&x, &nidx});
  const Tensor gidx = Tensor::from_ints({2, 1}, {0, 5});
  run_error(make_node("GatherElements", {{"axis", int_attr(1)}}, 2), 13, {&x, &gidx});
  const Tensor sidx = Tensor::from_ints({1, 1}, {7});
  const Tensor upd = Tensor::from_floats({1, 3}, {1, 2, 3});
  run_error(make_node("ScatterND", {}, 3), 16, {&x, &sidx, &upd});
  // huge shapes
  const Tensor huge = Tensor::from_ints({3}, {1 << 20, 1 << 20, 1 << 20});
  run_error(make_node("ConstantOfShape"), 13, {&huge});
  run_error(make_node("Expand", {}, 2), 13, {&x, &huge});
  const Tensor neg = Tensor::from_ints({2}, {-2, 3});
  run_error(make_node("Reshape", {}, 2), 13, {&x, &neg});
  const Tensor wrong = Tensor::from_ints({2}, {4, 2});
  run_error(make_node("Reshape", {}, 2), 13, {&x, &wrong});
  const Tensor reps = Tensor::from_ints({2}, {int64_t{1} << 40, int64_t{1} << 40});
  run_error(make_node("Tile", {}, 2), 13, {&x, &reps});
  const Tensor big_pads = Tensor::from_ints({4}, {0, 0, int64_t{1} << 40, 0});
  run_error(make_node("Pad", {}, 2), 13, {&x, &big_pads});
  const Tensor rsz = Tensor::from_floats({2}, {1e9f, 1e9f});
  run_error(make_node("Resize", {}, 3), 13, {&x, nullptr, &rsz});
  // conv shape mismatches
  const Tensor img = random_tensor({1, 3, 5, 5}, 42);
  const Tensor w_bad = random_tensor({4, 2, 3, 3}, 43);
  run_error(make_node("Conv", {}, 2), 13, {&img, &w_bad});
  const Tensor w_big = random_tensor({4, 3, 7, 7}, 44);
  run_error(make_node("Conv", {}, 2), 13, {&img, &w_big});
  const Tensor w_ok = random_tensor({4, 3, 3, 3}, 45);
  const Tensor b_bad = random_tensor({3}, 46);
  run_error(make_node("Conv", {}, 3), 13, {&img, &w_ok, &b_bad});
  run_error(make_node("Conv", {{"strides", ints_attr({0, 1})}}, 2), 13, {&img, &w_ok});
  run_error(make_node("MatMul", {}, 2), 13, {&x, &x});
  run_error(make_node("Gemm", {}, 2), 13, {&x, &x});
  run_error(make_node("Concat", {{"axis", int_attr(2)}}, 2), 13, {&x, &x});
  // missing inputs
  run_error(make_node("Add", {}, 2), 13, {&x, nullptr});
  run_error(make_node("Conv", {}, 2), 13, {&img});
  // an unknown element type for Cast
  run_error(make_node("Cast", {{"to", int_attr(11)}}), 13, {&x});  // DOUBLE
}

// A small graph: x -> Relu -> a; a, c -> Add -> b; b -> Neg -> y (graph output).
Graph small_graph() {
  Graph g;
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.constants["c"] = Tensor::from_floats({3}, {1, 2, 3});
  Node relu = make_node("Relu");
  relu.name = "relu";
  relu.inputs = {"x"};
  relu.outputs = {"a"};
  Node add = make_node("Add");
  add.name = "add";
  add.inputs = {"a", "c"};
  add.outputs = {"b"};
  Node neg = make_node("Neg");
  neg.name = "neg";
  neg.inputs = {"b"};
  neg.outputs = {"y"};
  g.nodes = {relu, add, neg};
  return g;
}

TEST(FloatExecutor, RunsObservesAndFrees) {
  Graph g = small_graph();
  FloatExecutor ex(g);
  std::vector<int> seen;
  std::vector<std::string> names;
  ex.set_observer([&](int k, const std::vector<std::string>& n, const std::vector<const Tensor*>& v) {
    seen.push_back(k);
    ASSERT_EQ(n.size(), v.size());
    names.insert(names.end(), n.begin(), n.end());
  });
  std::map<std::string, Tensor> out;
  std::string error;
  ASSERT_TRUE(ex.run({{"x", Tensor::from_floats({3}, {-1, 0, 1})}}, &out, &error)) << error;
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "y"}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out["y"].to_floats(), (std::vector<float>{-1, -2, -4}));
  ASSERT_TRUE(ex.run({{"x", Tensor::from_floats({3}, {-1, 0, 1})}}, &out, &error, /*keep_all=*/true)) << error;
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out["a"].to_floats(), (std::vector<float>{0, 0, 1}));
}

TEST(FloatExecutor, ErrorsNameTheNode) {
  Graph g = small_graph();
  FloatExecutor ex(g);
  std::map<std::string, Tensor> out;
  std::string error;
  EXPECT_FALSE(ex.run({}, &out, &error));
  EXPECT_NE(error.find("'x'"), std::string::npos) << error;
  EXPECT_FALSE(ex.run({{"x", Tensor::from_floats({2}, {1, 2})}}, &out, &error));
  EXPECT_NE(error.find("'add' (Add)"), std::string::npos) << error;
  EXPECT_FALSE(ex.run({{"x", Tensor::from_floats({3}, {1, 2, 3})}, {"z", Tensor::scalar_f(0)}}, &out, &error));
  Tensor broken(DType::kFloat32, {3});
  broken.bytes.resize(5);
  EXPECT_FALSE(ex.run({{"x", broken}}, &out, &error));
  g.nodes[2].op_type = "NoSuchOp";
  FloatExecutor ex2(g);
  EXPECT_FALSE(ex2.run({{"x", Tensor::from_floats({3}, {1, 2, 3})}}, &out, &error));
  EXPECT_NE(error.find("'neg' (NoSuchOp)"), std::string::npos) << error;
  g.nodes[2].op_type = "Neg";
  g.nodes[2].domain = "com.microsoft";
  FloatExecutor ex3(g);
  EXPECT_FALSE(ex3.run({{"x", Tensor::from_floats({3}, {1, 2, 3})}}, &out, &error));
  EXPECT_NE(error.find("com.microsoft"), std::string::npos) << error;
}

// Sets tight float limits for one test and restores the defaults after it.
struct ScopedFloatLimits {
  explicit ScopedFloatLimits(int64_t elements, int64_t held) {
    FloatLimits l;
    l.max_elements = elements;
    l.max_held_bytes = held;
    set_float_limits(l);
  }
  ~ScopedFloatLimits() { set_float_limits(FloatLimits()); }
};

// A chain x -> Neg -> v0 -> Neg -> v1 ... -> y of `n` nodes.
Graph neg_chain(int n) {
  Graph g;
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"y"};
  for (int k = 0; k < n; ++k) {
    Node neg = make_node("Neg");
    neg.name = "neg" + std::to_string(k);
    neg.inputs = {k == 0 ? "x" : "v" + std::to_string(k - 1)};
    neg.outputs = {k == n - 1 ? "y" : "v" + std::to_string(k)};
    g.nodes.push_back(neg);
  }
  return g;
}

TEST(FloatLimits, TensorsAndHeldBytesAreBounded) {
  EXPECT_GT(float_limits().max_held_bytes, 0);  // half the physical memory by default
  ScopedFloatLimits limits(1024, 4096);
  const Tensor shape = Tensor::from_ints({1}, {2048});
  EXPECT_NE(run_error(make_node("ConstantOfShape"), 13, {&shape}).find("more than 1024 elements"), std::string::npos);
  const Tensor delta = Tensor::from_ints({}, {1}), zero = Tensor::from_ints({}, {0});
  run_error(make_node("Range", {}, 3), 13, {&zero, &shape, &delta});

  // 8 values of 256 floats (1 KiB each): freed as the run goes, they fit in 4 KiB;
  // all kept, the fifth crosses it, and the message names that node.
  Graph g = neg_chain(8);
  FloatExecutor ex(g);
  std::map<std::string, Tensor> out;
  std::string error;
  const Tensor x(DType::kFloat32, {256});
  EXPECT_TRUE(ex.run({{"x", x}}, &out, &error)) << error;
  EXPECT_FALSE(ex.run({{"x", x}}, &out, &error, /*keep_all=*/true));
  EXPECT_NE(error.find("'neg4' (Neg)"), std::string::npos) << error;
  EXPECT_NE(error.find("limit of 4096"), std::string::npos) << error;

  // Constant folding counts every constant it creates: four ConstantOfShape of
  // 1000 floats (16000 bytes together) are refused; one is folded.
  for (const int count : {1, 4}) {
    Graph c;
    c.opset = 13;
    c.inputs = {"x"};
    c.constants["s"] = Tensor::from_ints({1}, {1000});
    for (int k = 0; k < count; ++k) {
      Node n = make_node("ConstantOfShape");
      n.name = "cos" + std::to_string(k);
      n.inputs = {"s"};
      n.outputs = {"c" + std::to_string(k)};
      c.nodes.push_back(n);
      Node add = make_node("Add");
      add.name = "add" + std::to_string(k);
      add.inputs = {"x", "c" + std::to_string(k)};
      add.outputs = {"y" + std::to_string(k)};
      c.nodes.push_back(add);
      c.outputs.push_back("y" + std::to_string(k));
    }
    ValueInfo vi;
    vi.dtype = DType::kFloat32;
    vi.shape = {1};
    vi.has_shape = true;
    c.values["x"] = vi;
    error.clear();
    const bool ok = fold_constants(&c, &error);
    if (count == 1) {
      EXPECT_TRUE(ok) << error;
    } else {
      EXPECT_FALSE(ok);
      EXPECT_NE(error.find("constant folding (at 'cos"), std::string::npos) << error;
    }
  }
}

TEST(FloatExecutor, GraphOutputThatIsAnInputOrConstant) {
  Graph g;
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"x", "c"};
  g.constants["c"] = Tensor::scalar_f(2);
  FloatExecutor ex(g);
  std::map<std::string, Tensor> out;
  std::string error;
  ASSERT_TRUE(ex.run({{"x", Tensor::scalar_f(1)}}, &out, &error)) << error;
  EXPECT_EQ(out["x"].to_floats(), std::vector<float>{1});
  EXPECT_EQ(out["c"].to_floats(), std::vector<float>{2});
}

}  // namespace
}  // namespace octet::cvt

// The element-wise, pooling, resize and data-movement operators through every kernel
// path against the reference path, byte for byte at 1, 2 and 3 threads: sizes around
// every vector width (1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000), broadcasts of a
// scalar, of a channel vector and of an [N,1,1,C] tensor (squeeze-excitation), zero
// points at the ends of their range, scale ratios that make rounding ties, clamps,
// pooling windows clipped at borders, resize scales, and the kernel name of each path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/kernel-table.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "octet/schema/octet_generated.h"
#include "runtime/cpu.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;
using octet::ModelWriter;
using octet::QuantParams;
using Shape = std::vector<int32_t>;

constexpr int kSizes[] = {1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000};

struct Q {
  float scale;
  int32_t zero_point;
};

// A one-operator int8 model: graph inputs of the given shapes and quantizations, one
// output.
std::vector<uint8_t> one_op(const std::vector<std::pair<Shape, Q>>& ins, const Shape& out_shape, Q out_q,
                            fb::OperatorOptions kind, ModelWriter::OptionsFn options) {
  ModelWriter w;
  std::vector<int> idx;
  for (size_t i = 0; i < ins.size(); ++i) {
    const QuantParams q = QuantParams::per_tensor(ins[i].second.scale, ins[i].second.zero_point);
    const std::string name = "x" + std::to_string(i);
    idx.push_back(w.add_tensor(name, fb::ElementType::INT8, ins[i].first, &q));
    w.add_input(name, idx.back());
  }
  const QuantParams qo = QuantParams::per_tensor(out_q.scale, out_q.zero_point);
  const int y = w.add_tensor("y", fb::ElementType::INT8, out_shape, &qo);
  w.add_operator(kind, std::move(options), idx, {y}, "op");
  w.add_output("y", y);
  return w.finish();
}

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

// ---- LUT ----

std::vector<uint8_t> lut_model(const Shape& s, const std::vector<int8_t>& table) {
  return one_op({{s, {0.05f, 3}}}, s, {0.02f, -1}, fb::OperatorOptions::UnaryOptions, [table](flatbuffers::FlatBufferBuilder& f) {
    return fb::CreateUnaryOptions(f, fb::UnaryKind::TABLE, 0, 0, f.CreateVector(table)).Union();
  });
}

TEST(SimdElementwise, LookupTablesAllSizes) {
  uint32_t seed = 1;
  std::mt19937 rng(7);
  std::vector<int8_t> random_table(256);
  for (auto& v : random_table) v = static_cast<int8_t>(rng());
  std::vector<int8_t> hardswish(256);
  octet::build_qs8_lut(octet::UnaryFunction::kHardSwish, 0, 0, 0.05f, 3, 0.02f, -1, hardswish.data());
  for (const auto* table : {&random_table, &hardswish}) {
    for (int n : kSizes) {
      expect_same_bytes_on_every_path(lut_model({n}, *table), seed++, "lut n=" + std::to_string(n));
    }
    expect_same_bytes_on_every_path(lut_model({1, 112, 112, 16}, *table), seed++, "lut 112x112x16");
    expect_same_bytes_on_every_path(lut_model({1, 7, 7, 129}, *table), seed++, "lut 7x7x129");
  }
  // Every input byte meets every table entry (and the table's ends).
  std::vector<int8_t> id(256);
  for (int i = 0; i < 256; ++i) id[i] = static_cast<int8_t>(255 - i);
  expect_same_bytes_on_every_path(lut_model({4096}, id), seed++, "lut reversed table");
}

// Every lookup kernel built here that this CPU runs, called directly (the AVX-512 BW
// one is not what the operators pick on a CPU with VBMI): every byte value, at every
// length up to 300 and offsets that misalign the input, against qs8_lut__reference.
TEST(SimdElementwise, LookupKernelsDirectly) {
  const auto& cpu = octet::rt::cpu_features();
  std::mt19937 rng(11);
  std::vector<int8_t> table(256), x(600), want(600), got(600);
  for (auto& v : table) v = static_cast<int8_t>(rng());
  for (auto& v : x) v = static_cast<int8_t>(rng());
  for (int i = 0; i < 256; ++i) x[i] = static_cast<int8_t>(i - 128);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const octet::QS8ElementwiseConfig& e = octet::kernel_table(p).elementwise;
    for (auto [fn, name] : {std::pair{e.lut, e.lut_name}, std::pair{e.lut_vbmi, e.lut_vbmi_name}}) {
      if (fn == nullptr || (fn == e.lut_vbmi && !cpu.x86_avx512vbmi)) continue;
      for (size_t n = 0; n <= 300; ++n) {
        for (size_t off : {size_t{0}, size_t{1}, size_t{37}}) {
          octet::qs8_lut__reference(n, x.data() + off, table.data(), want.data());
          std::fill(got.begin(), got.end(), int8_t{0x55});
          fn(n, x.data() + off, table.data(), got.data());
          ASSERT_TRUE(std::equal(want.begin(), want.begin() + n, got.begin())) << name << " n=" << n << " offset " << off;
          ASSERT_EQ(got[n], int8_t{0x55}) << name << " wrote past n=" << n;
        }
      }
    }
  }
}

// ---- Add / Sub / Mul ----

struct BinCase {
  Shape a, b, y;
  Q qa{0.05f, 3}, qb{0.07f, -9}, qy{0.1f, 2};
  fb::BinaryKind kind = fb::BinaryKind::ADD;
  int32_t lo = -128, hi = 127;
  std::string describe() const {
    return std::string(fb::EnumNameBinaryKind(kind)) + " " + shape_str(a) + " x " + shape_str(b) + " qa(" + std::to_string(qa.scale) + "," +
           std::to_string(qa.zero_point) + ") qb(" + std::to_string(qb.scale) + "," + std::to_string(qb.zero_point) + ") qy(" +
           std::to_string(qy.scale) + "," + std::to_string(qy.zero_point) + ") clamp " + std::to_string(lo) + ".." + std::to_string(hi);
  }
};

void check(const BinCase& c, uint32_t seed) {
  const auto kind = c.kind;
  const int32_t lo = c.lo, hi = c.hi;
  const auto file = one_op({{c.a, c.qa}, {c.b, c.qb}}, c.y, c.qy, fb::OperatorOptions::BinaryOptions,
                           [kind, lo, hi](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, kind, lo, hi).Union(); });
  expect_same_bytes_on_every_path(file, seed, c.describe());
}

const fb::BinaryKind kArith[] = {fb::BinaryKind::ADD, fb::BinaryKind::SUB, fb::BinaryKind::MUL};

TEST(SimdElementwise, BinarySameShapeAllSizes) {
  uint32_t seed = 100;
  for (auto kind : kArith) {
    for (int n : kSizes) {
      BinCase c;
      c.kind = kind;
      c.a = c.b = c.y = Shape{n};
      check(c, seed++);
    }
    BinCase big;
    big.kind = kind;
    big.a = big.b = big.y = Shape{1, 56, 56, 24};
    check(big, seed++);
  }
}

TEST(SimdElementwise, BinaryBroadcasts) {
  uint32_t seed = 200;
  for (auto kind : kArith) {
    for (int ch : {1, 15, 16, 17, 33, 64, 65}) {
      const std::vector<std::pair<Shape, Shape>> shapes = {
          {{2, 5, 3, ch}, {1, 1, 1, ch}},   // per-channel vector
          {{2, 5, 3, ch}, {2, 1, 1, ch}},   // squeeze-excitation
          {{2, 1, 1, ch}, {2, 5, 3, ch}},   // the repeated operand first
          {{2, 5, 3, ch}, {1}},             // a scalar
          {{1}, {2, 5, 3, ch}},
          {{2, 5, 3, ch}, {2, 5, 3, 1}},    // one value per pixel
          {{2, 5, 1, ch}, {1, 1, 3, 1}},    // both broadcast
          {{2, 1, 3, ch}, {2, 5, 1, ch}},
      };
      for (const auto& [sa, sb] : shapes) {
        BinCase c;
        c.kind = kind;
        c.a = sa;
        c.b = sb;
        c.y = Shape{2, 5, 3, ch};
        check(c, seed++);
      }
    }
    BinCase se;  // MobileNetV3's SE multiply, EfficientNet's
    se.kind = kind;
    se.a = se.y = Shape{1, 14, 14, 112};
    se.b = Shape{1, 1, 1, 112};
    check(se, seed++);
  }
}

TEST(SimdElementwise, BinaryQuantization) {
  uint32_t seed = 300;
  for (auto kind : kArith) {
    // Zero points at the ends.
    for (int32_t za : {-128, 127}) {
      for (int32_t zy : {-128, 0, 127}) {
        BinCase c;
        c.kind = kind;
        c.a = c.b = c.y = Shape{257};
        c.qa.zero_point = za;
        c.qb.zero_point = za == -128 ? 127 : -128;
        c.qy.zero_point = zy;
        check(c, seed++);
      }
    }
    // Ratios that make ties: exact halves and equal scales.
    for (Q qy : {Q{0.1f, 0}, Q{0.2f, 1}, Q{0.05f, -3}, Q{0.025f, 0}, Q{1e-4f, 0}, Q{50.0f, 0}}) {
      BinCase c;
      c.kind = kind;
      c.a = c.b = c.y = Shape{300};
      c.qa = {0.05f, 0};
      c.qb = {0.05f, 1};
      c.qy = qy;
      check(c, seed++);
    }
    // Clamps (Relu, Relu6-like, a single value).
    for (auto [lo, hi] : {std::pair{2, 127}, std::pair{-20, 30}, std::pair{5, 5}}) {
      BinCase c;
      c.kind = kind;
      c.a = c.b = c.y = Shape{100};
      c.qy.zero_point = 2;
      c.lo = lo;
      c.hi = hi;
      check(c, seed++);
    }
  }
}

// Maximum / Minimum: two table lookups and a byte max / min on the SIMD paths.
TEST(SimdElementwise, MaximumMinimum) {
  uint32_t seed = 400;
  for (auto kind : {fb::BinaryKind::MAXIMUM, fb::BinaryKind::MINIMUM}) {
    for (int n : kSizes) {
      BinCase c;
      c.kind = kind;
      c.a = c.b = c.y = Shape{n};
      check(c, seed++);
    }
    const std::vector<std::vector<Shape>> shapes = {{{3, 33}, {33}, {3, 33}},
                                                    {{33}, {3, 33}, {3, 33}},
                                                    {{3, 33}, {1}, {3, 33}},
                                                    {{1}, {3, 33}, {3, 33}},
                                                    {{2, 5, 3, 17}, {2, 1, 1, 17}, {2, 5, 3, 17}},
                                                    {{2, 5, 3, 17}, {2, 5, 3, 1}, {2, 5, 3, 17}},
                                                    {{1, 40, 40, 64}, {1, 1, 1, 64}, {1, 40, 40, 64}}};
    for (const auto& sh : shapes) {
      BinCase c;
      c.kind = kind;
      c.a = sh[0];
      c.b = sh[1];
      c.y = sh[2];
      check(c, seed++);
    }
    // Equal quantizations (a copy of the larger byte), a clamp, a large tensor.
    BinCase same;
    same.kind = kind;
    same.a = same.b = same.y = Shape{1000};
    same.qa = same.qb = same.qy = {0.05f, 3};
    check(same, seed++);
    BinCase clamp;
    clamp.kind = kind;
    clamp.a = clamp.b = clamp.y = Shape{100};
    clamp.lo = -20;
    clamp.hi = 30;
    check(clamp, seed++);
    BinCase big;
    big.kind = kind;
    big.a = big.b = big.y = Shape{1, 56, 56, 24};
    check(big, seed++);
  }
}

// ---- Pooling ----

struct PoolCase {
  bool max = true;
  int n = 1, h = 9, w = 7, c = 16;
  int kh = 3, kw = 3, sh = 2, sw = 2, pt = 1, pl = 1, pb = 1, pr = 1;
  bool include_pad = false;
  int32_t lo = -128, hi = 127;
  Q qx{0.05f, 3}, qy{0.05f, 3};
  std::string describe() const {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%s %dx%dx%dx%d k%dx%d s%dx%d p%d,%d,%d,%d pad%d clamp %d..%d", max ? "MaxPool" : "AveragePool", n, h,
                  w, c, kh, kw, sh, sw, pt, pl, pb, pr, include_pad, lo, hi);
    return buf;
  }
};

int out_size(int in, int k, int s, int p0, int p1) { return (in + p0 + p1 - k) / s + 1; }

void check(const PoolCase& p, uint32_t seed) {
  const Shape y = {p.n, out_size(p.h, p.kh, p.sh, p.pt, p.pb), out_size(p.w, p.kw, p.sw, p.pl, p.pr), p.c};
  const PoolCase q = p;
  const auto file = one_op({{{p.n, p.h, p.w, p.c}, p.qx}}, y, p.max ? p.qx : p.qy, fb::OperatorOptions::Pool2DOptions,
                           [q](flatbuffers::FlatBufferBuilder& f) {
                             return fb::CreatePool2DOptions(f, q.max ? fb::PoolKind::MAXIMUM : fb::PoolKind::AVERAGE, q.kh, q.kw, q.sh, q.sw,
                                                            q.pt, q.pl, q.pb, q.pr, q.include_pad, q.lo, q.hi)
                                 .Union();
                           });
  expect_same_bytes_on_every_path(file, seed, p.describe());
}

TEST(SimdElementwise, PoolingChannelsAndWindows) {
  uint32_t seed = 500;
  struct G {
    int kh, kw, sh, sw, pt, pl, pb, pr;
  };
  const G geoms[] = {{3, 3, 2, 2, 1, 1, 1, 1}, {3, 3, 1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 0, 0, 0, 0}, {3, 3, 2, 2, 0, 0, 1, 1},
                     {5, 5, 1, 1, 2, 2, 2, 2}, {7, 7, 1, 1, 0, 0, 0, 0}, {1, 3, 1, 2, 0, 1, 0, 2}, {3, 1, 3, 1, 2, 0, 2, 0}};
  for (bool max : {true, false}) {
    for (const G& g : geoms) {
      for (int c : kSizes) {
        if (c == 1000 && g.kh != 3) continue;
        PoolCase p;
        p.max = max;
        p.c = c;
        p.kh = g.kh;
        p.kw = g.kw;
        p.sh = g.sh;
        p.sw = g.sw;
        p.pt = g.pt;
        p.pl = g.pl;
        p.pb = g.pb;
        p.pr = g.pr;
        p.h = 9;
        p.w = 7;
        check(p, seed++);
        if (!max) {
          p.include_pad = true;
          check(p, seed++);
        }
      }
    }
  }
}

TEST(SimdElementwise, PoolingQuantizationAndClamps) {
  uint32_t seed = 600;
  for (bool max : {true, false}) {
    for (auto [lo, hi] : {std::pair{-128, 127}, std::pair{3, 127}, std::pair{-20, 30}}) {
      for (int32_t z : {-128, 0, 127}) {
        PoolCase p;
        p.max = max;
        p.c = 40;
        p.lo = lo;
        p.hi = hi;
        p.qx.zero_point = z;
        p.qy = {max ? p.qx.scale : 0.025f, max ? z : -z / 2};
        check(p, seed++);
      }
    }
  }
  // A large window (int16 sums flushed to int32), batch 2.
  PoolCase big;
  big.max = false;
  big.n = 2;
  big.h = 20;
  big.w = 18;
  big.kh = 19;
  big.kw = 17;
  big.sh = big.sw = 1;
  big.pt = big.pl = big.pb = big.pr = 0;
  big.c = 33;
  big.qx = {0.05f, -128};
  check(big, seed++);
  // ResNet's stem pool at full size.
  PoolCase resnet;
  resnet.h = resnet.w = 112;
  resnet.c = 64;
  check(resnet, seed++);
}

std::vector<uint8_t> gap_model(int n, int h, int w, int c, Q qx, Q qy, int32_t lo = -128, int32_t hi = 127) {
  return one_op({{{n, h, w, c}, qx}}, {n, 1, 1, c}, qy, fb::OperatorOptions::GlobalAveragePoolOptions,
                [lo, hi](flatbuffers::FlatBufferBuilder& f) { return fb::CreateGlobalAveragePoolOptions(f, lo, hi).Union(); });
}

TEST(SimdElementwise, GlobalAveragePool) {
  uint32_t seed = 700;
  for (int c : kSizes) {
    expect_same_bytes_on_every_path(gap_model(2, 7, 7, c, {0.05f, 3}, {0.02f, -4}), seed++, "gap 7x7 c=" + std::to_string(c));
  }
  // hw beyond 256 (the int16 flush), a tie-making scale (hw = 2, equal scales).
  expect_same_bytes_on_every_path(gap_model(1, 33, 31, 96, {0.05f, -128}, {0.05f, 127}), seed++, "gap 33x31");
  expect_same_bytes_on_every_path(gap_model(1, 1, 2, 65, {0.05f, 0}, {0.05f, 0}), seed++, "gap ties");
  expect_same_bytes_on_every_path(gap_model(1, 7, 7, 960, {0.05f, 1}, {0.01f, 0}, 0, 100), seed++, "gap MobileNetV3 960 clamp");
  expect_same_bytes_on_every_path(gap_model(1, 112, 112, 32, {0.05f, 1}, {0.01f, 0}), seed++, "gap 112x112x32");
}

// Sums at the ends of int16: a table maps the random input to bytes near -128 (or
// 127) before the pool, so a kernel that let its int16 sums run over would differ.
TEST(SimdElementwise, PoolSumsAtTheEndsOfInt16) {
  uint32_t seed = 750;
  for (int8_t base : {int8_t{-128}, int8_t{127}}) {
    for (bool global : {true, false}) {
      ModelWriter w;
      const QuantParams q = QuantParams::per_tensor(0.05f, 0);
      const Shape s = {1, 33, 31, 40};
      const int x = w.add_tensor("x", fb::ElementType::INT8, s, &q);
      w.add_input("x", x);
      const int t = w.add_tensor("t", fb::ElementType::INT8, s, &q);
      std::vector<int8_t> table(256);
      for (int i = 0; i < 256; ++i) table[i] = static_cast<int8_t>(base < 0 ? base + (i & 1) : base - (i & 1));
      w.add_operator(fb::OperatorOptions::UnaryOptions, [table](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateUnaryOptions(f, fb::UnaryKind::TABLE, 0, 0, f.CreateVector(table)).Union();
      }, {x}, {t}, "table");
      const QuantParams qy = QuantParams::per_tensor(0.05f, 0);
      const Shape ys = global ? Shape{1, 1, 1, 40} : Shape{1, 1, 1, 40};
      const int y = w.add_tensor("y", fb::ElementType::INT8, ys, &qy);
      if (global) {
        w.add_operator(fb::OperatorOptions::GlobalAveragePoolOptions,
                       [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateGlobalAveragePoolOptions(f).Union(); }, {t}, {y}, "pool");
      } else {
        w.add_operator(fb::OperatorOptions::Pool2DOptions, [](flatbuffers::FlatBufferBuilder& f) {
          return fb::CreatePool2DOptions(f, fb::PoolKind::AVERAGE, 33, 31, 1, 1).Union();
        }, {t}, {y}, "pool");
      }
      w.add_output("y", y);
      expect_same_bytes_on_every_path(w.finish(), seed++, std::string(global ? "gap" : "avgpool") + " sums near " + std::to_string(base));
    }
  }
}

// ---- Resize ----

std::vector<uint8_t> resize_model(int n, int h, int w, int c, int oh, int ow, fb::ResizeMode mode, fb::CoordinateTransform ct,
                                  fb::NearestRounding nr, float scale_h, float scale_w, Q qx, Q qy) {
  return one_op({{{n, h, w, c}, qx}}, {n, oh, ow, c}, qy, fb::OperatorOptions::ResizeOptions,
                [=](flatbuffers::FlatBufferBuilder& f) { return fb::CreateResizeOptions(f, mode, ct, nr, scale_h, scale_w).Union(); });
}

TEST(SimdElementwise, ResizeNearestAndBilinear) {
  uint32_t seed = 800;
  for (auto mode : {fb::ResizeMode::NEAREST, fb::ResizeMode::BILINEAR}) {
    for (auto ct : {fb::CoordinateTransform::HALF_PIXEL, fb::CoordinateTransform::ASYMMETRIC, fb::CoordinateTransform::ALIGN_CORNERS}) {
      for (int c : {1, 15, 16, 17, 33, 64}) {
        for (int f : {2, 4, 8}) {
          if (f != 2 && c != 17 && c != 64) continue;  // every channel tail once, at x2
          const std::string what = std::string(fb::EnumNameResizeMode(mode)) + " " + fb::EnumNameCoordinateTransform(ct) + " x" +
                                   std::to_string(f) + " c=" + std::to_string(c);
          expect_same_bytes_on_every_path(resize_model(1, 5, 4, c, 5 * f, 4 * f, mode, ct, fb::NearestRounding::ROUND_PREFER_FLOOR,
                                                       static_cast<float>(f), static_cast<float>(f), {0.05f, 3}, {0.05f, 3}),
                                          seed++, what);
          expect_same_bytes_on_every_path(resize_model(2, 5, 4, c, 5 * f, 4 * f, mode, ct, fb::NearestRounding::FLOOR, 0, 0,
                                                       {0.05f, -128}, {0.03f, 127}),
                                          seed++, what + " requantized");
        }
        // Down-scaling and non-integer ratios.
        expect_same_bytes_on_every_path(resize_model(1, 9, 7, c, 4, 5, mode, ct, fb::NearestRounding::CEIL, 0, 0, {0.05f, 0}, {0.1f, 0}),
                                        seed++, "resize 9x7 -> 4x5");
      }
    }
  }
  // PaddleOCR det's x2 on 96 channels, 40x40 -> 80x80.
  expect_same_bytes_on_every_path(resize_model(1, 40, 40, 96, 80, 80, fb::ResizeMode::NEAREST, fb::CoordinateTransform::ASYMMETRIC,
                                               fb::NearestRounding::FLOOR, 2, 2, {0.05f, 3}, {0.05f, 3}),
                                  seed++, "resize ocr nearest");
  expect_same_bytes_on_every_path(resize_model(1, 40, 40, 96, 80, 80, fb::ResizeMode::BILINEAR, fb::CoordinateTransform::HALF_PIXEL,
                                               fb::NearestRounding::FLOOR, 2, 2, {0.05f, 3}, {0.04f, -3}),
                                  seed++, "resize ocr bilinear");
}

// ---- Requantize and Concat ----

TEST(SimdElementwise, RequantizeAndConcat) {
  uint32_t seed = 900;
  for (int n : kSizes) {
    for (Q qy : {Q{0.05f, 3}, Q{0.1f, -128}, Q{0.025f, 127}, Q{0.0333f, 0}}) {
      const auto file = one_op({{{n}, {0.05f, 3}}}, {n}, qy, fb::OperatorOptions::RequantizeOptions,
                               [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateRequantizeOptions(f).Union(); });
      expect_same_bytes_on_every_path(file, seed++, "requantize n=" + std::to_string(n));
    }
  }
  for (int c : {1, 16, 33}) {
    const auto file = one_op({{{1, 4, 5, c}, {0.05f, 3}}, {{1, 4, 5, 2 * c}, {0.1f, 3}}, {{1, 4, 5, 7}, {0.05f, -1}}}, {1, 4, 5, 3 * c + 7},
                             {0.05f, 3}, fb::OperatorOptions::ConcatOptions,
                             [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateConcatOptions(f, 3).Union(); });
    expect_same_bytes_on_every_path(file, seed++, "concat c=" + std::to_string(c));
  }
}

// ---- Transpose ----

std::vector<uint8_t> transpose_model(const Shape& in, const std::vector<int32_t>& perm, bool float32) {
  Shape out(in.size());
  for (size_t i = 0; i < in.size(); ++i) out[i] = in[perm[i]];
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.05f, 3);
  const auto type = float32 ? fb::ElementType::FLOAT32 : fb::ElementType::INT8;
  const int x = w.add_tensor("x", type, in, float32 ? nullptr : &q);
  w.add_input("x", x);
  const int y = w.add_tensor("y", type, out, float32 ? nullptr : &q);
  w.add_operator(fb::OperatorOptions::TransposeOptions,
                 [perm](flatbuffers::FlatBufferBuilder& f) { return fb::CreateTransposeOptions(f, f.CreateVector(perm)).Union(); }, {x}, {y}, "op");
  w.add_output("y", y);
  return w.finish();
}

TEST(SimdElementwise, TransposePermutations) {
  uint32_t seed = 1000;
  struct T {
    Shape in;
    std::vector<int32_t> perm;
  };
  const T cases[] = {
      {{1, 28, 28, 2, 58}, {0, 1, 2, 4, 3}},   // ShuffleNetV2 channel shuffle
      {{2, 7, 7, 2, 33}, {0, 1, 2, 4, 3}},
      {{1, 14, 14, 4, 17}, {0, 1, 2, 4, 3}},
      {{3, 5, 7, 9}, {0, 3, 1, 2}},            // NHWC -> NCHW
      {{3, 5, 7, 9}, {0, 2, 3, 1}},            // NCHW -> NHWC
      {{3, 5, 7, 9}, {3, 2, 1, 0}},
      {{3, 5, 7, 9}, {1, 0, 2, 3}},            // keeps the innermost run
      {{3, 5, 7, 9}, {0, 1, 2, 3}},            // identity
      {{1, 5, 1, 9}, {2, 3, 0, 1}},            // size-1 dims
      {{65, 33}, {1, 0}},
      {{1000}, {0}},
      {{2, 3, 4, 5, 6}, {4, 0, 3, 1, 2}},
      {{2, 1, 3, 1, 4, 5}, {5, 3, 1, 4, 2, 0}},
      {{16, 64, 31}, {2, 1, 0}},
  };
  for (const T& t : cases) {
    for (bool f : {false, true}) {
      std::string what = std::string(f ? "f32 " : "s8 ") + "transpose " + shape_str(t.in) + " perm";
      for (int p : t.perm) what += " " + std::to_string(p);
      expect_same_bytes_on_every_path(transpose_model(t.in, t.perm, f), seed++, what);
    }
  }
}

// ---- Kernel names ----

const char* kernel_on(const std::vector<uint8_t>& file, octet::KernelPath p) {
  std::shared_ptr<const octet::rt::Model> m;
  EXPECT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
  if (!m) return "";
  static std::vector<std::string> keep;  // the model dies here; keep the name
  keep.push_back(m->operators()[0]->kernel);
  return keep.back().c_str();
}

TEST(SimdElementwise, KernelNamesFollowThePath) {
  std::vector<int8_t> table(256, 1);
  BinCase add;
  add.a = add.b = add.y = Shape{64};
  const auto add_file = one_op({{add.a, add.qa}, {add.b, add.qb}}, add.y, add.qy, fb::OperatorOptions::BinaryOptions,
                               [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); });
  const auto mul_file = one_op({{add.a, add.qa}, {add.b, add.qb}}, add.y, add.qy, fb::OperatorOptions::BinaryOptions,
                               [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::MUL).Union(); });
  const auto gap_file = gap_model(1, 3, 3, 8, {0.05f, 0}, {0.05f, 0});
  for (auto p : runnable_kernel_paths()) {
    const octet::QS8ElementwiseConfig& e = octet::kernel_table(p).elementwise;
    const bool simd = e.lut != nullptr;
    EXPECT_EQ(simd, p != octet::KernelPath::kReference);
    const char* lut = e.lut_vbmi != nullptr && octet::rt::cpu_features().x86_avx512vbmi ? e.lut_vbmi_name : e.lut_name;
    EXPECT_STREQ(kernel_on(lut_model({64}, table), p), simd ? lut : "qs8_lut__reference") << octet::kernel_path_name(p);
    EXPECT_STREQ(kernel_on(add_file, p), simd ? e.vadd_name : "qs8_add__reference") << octet::kernel_path_name(p);
    EXPECT_STREQ(kernel_on(mul_file, p), simd ? e.vmul_name : "qs8_mul__reference") << octet::kernel_path_name(p);
    EXPECT_STREQ(kernel_on(gap_file, p), simd ? e.avgpool_name : "qs8_global_avgpool__reference") << octet::kernel_path_name(p);
  }
}

}  // namespace
}  // namespace octet_test

// int8 BatchMatMul (both operands activations) through the int16 GEMM of every SIMD
// path against the reference path, byte for byte: batch broadcasting, B transposed
// or not, K and N around the tiles, zero points at the ends of their range, clamps.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/kernel-table.h"
#include "runtime/cpu.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

struct MatMulCase {
  std::vector<int32_t> a, b;  // shapes
  bool transpose_b = false;
  int32_t za = 3, zb = -7, zo = 1, qmin = -128, qmax = 127;
  std::string describe() const {
    std::string s = "bmm a[";
    for (int d : a) s += std::to_string(d) + ",";
    s += "] b[";
    for (int d : b) s += std::to_string(d) + ",";
    return s + "]" + (transpose_b ? " T" : "") + " zp " + std::to_string(za) + "/" + std::to_string(zb);
  }
};

std::vector<uint8_t> matmul_model(const MatMulCase& c) {
  std::vector<int32_t> y;
  const size_t batch = std::max(c.a.size(), c.b.size()) - 2;
  for (size_t d = 0; d < batch; ++d) {
    const int ad = d + c.a.size() >= batch + 2 ? c.a[d + c.a.size() - batch - 2] : 1;
    const int bd = d + c.b.size() >= batch + 2 ? c.b[d + c.b.size() - batch - 2] : 1;
    y.push_back(std::max(ad, bd));
  }
  const int k = c.a.back();
  const int n = c.transpose_b ? c.b[c.b.size() - 2] : c.b.back();
  y.push_back(c.a[c.a.size() - 2]);
  y.push_back(n);
  const float sa = 0.05f, sb = 0.04f;
  const float so = sa * sb * 80.0f * std::sqrt(static_cast<float>(k)) / 40.0f;
  octet::ModelWriter w;
  const auto qa = octet::QuantParams::per_tensor(sa, c.za), qb = octet::QuantParams::per_tensor(sb, c.zb),
             qy = octet::QuantParams::per_tensor(so, c.zo);
  const int ai = w.add_tensor("a", fb::ElementType::INT8, c.a, &qa);
  const int bi = w.add_tensor("b", fb::ElementType::INT8, c.b, &qb);
  w.add_input("a", ai);
  w.add_input("b", bi);
  const int yi = w.add_tensor("y", fb::ElementType::INT8, y, &qy);
  octet::RequantizationValues rq;
  EXPECT_TRUE(octet::compute_requantization(sa, {sb}, so, &rq));
  w.add_operator(
      fb::OperatorOptions::BatchMatMulOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateBatchMatMulOptions(
                   f, c.transpose_b,
                   fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), c.zo, c.qmin, c.qmax))
            .Union();
      },
      {ai, bi}, {yi}, "bmm");
  w.add_output("y", yi);
  return w.finish();
}

TEST(SimdBatchMatMul, ShapesAndBroadcasts) {
  uint32_t seed = 1;
  for (bool tb : {false, true}) {
    for (int k : {1, 3, 4, 5, 15, 40, 64, 100}) {
      for (int n : {1, 7, 15, 16, 17, 33, 40}) {
        MatMulCase c;
        c.a = {2, 9, k};
        c.b = tb ? std::vector<int32_t>{2, n, k} : std::vector<int32_t>{2, k, n};
        c.transpose_b = tb;
        expect_same_bytes_on_every_path(matmul_model(c), seed++, c.describe());
      }
    }
    MatMulCase bc;  // batch broadcast both ways, attention-like
    bc.a = {2, 1, 40, 15};
    bc.b = tb ? std::vector<int32_t>{1, 8, 40, 15} : std::vector<int32_t>{1, 8, 15, 40};
    bc.transpose_b = tb;
    expect_same_bytes_on_every_path(matmul_model(bc), seed++, bc.describe());
    MatMulCase flat;  // rank 2
    flat.a = {33, 20};
    flat.b = tb ? std::vector<int32_t>{17, 20} : std::vector<int32_t>{20, 17};
    flat.transpose_b = tb;
    expect_same_bytes_on_every_path(matmul_model(flat), seed++, flat.describe());
  }
}

TEST(SimdBatchMatMul, ZeroPointsAndClamps) {
  uint32_t seed = 100;
  for (int32_t za : {-128, 0, 127}) {
    for (int32_t zb : {-128, 0, 127}) {
      MatMulCase c;
      c.a = {3, 10, 24};
      c.b = {3, 24, 20};
      c.za = za;
      c.zb = zb;
      expect_same_bytes_on_every_path(matmul_model(c), seed++, c.describe());
    }
  }
  MatMulCase c;
  c.a = {4, 12, 32};
  c.b = {4, 32, 48};
  c.zo = 0;
  c.qmin = -5;
  c.qmax = 60;
  expect_same_bytes_on_every_path(matmul_model(c), seed++, c.describe() + " clamp");
}

TEST(SimdBatchMatMul, KernelNames) {
  MatMulCase c;
  c.a = {2, 4, 8};
  c.b = {2, 8, 4};
  const auto file = matmul_model(c);
  for (auto p : runnable_kernel_paths()) {
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
    const char* want = octet::kernel_table(p).gemm_int16.name;
    EXPECT_STREQ(m->operators()[0]->kernel, want != nullptr ? want : "qs8_batch_matmul__reference");
  }
}

}  // namespace
}  // namespace octet_test

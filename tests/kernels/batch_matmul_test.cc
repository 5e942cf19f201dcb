// qs8_batch_matmul__reference and f32_batch_matmul__reference against oracles that
// index every operand from the output's multi-index (numpy broadcasting of the batch
// dimensions written out again), with exact integer sums and the __int128
// requantization oracle for int8.
#include "kernels/reference/qs8-batch-matmul-reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/reference/requantize.h"
#include "tests/kernels/oracle.h"

namespace octet {
namespace {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

struct MatMulCase {
  Shape a, b;  // full shapes; b is [..., N, K] when transpose_b
  bool transpose_b = false;
};

// The output shape (batch broadcast, then M, N) or false.
bool oracle_shape(const MatMulCase& c, Shape* out) {
  const size_t ra = c.a.size() - 2, rb = c.b.size() - 2, rank = std::max(ra, rb);
  out->assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t ad = i < ra ? c.a[ra - 1 - i] : 1, bd = i < rb ? c.b[rb - 1 - i] : 1;
    if (ad != bd && ad != 1 && bd != 1) return false;
    (*out)[rank - 1 - i] = ad == 1 ? bd : ad;
  }
  out->push_back(c.a[ra]);
  out->push_back(c.transpose_b ? c.b[rb] : c.b[rb + 1]);
  return (c.transpose_b ? c.b[rb + 1] : c.b[rb]) == c.a[ra + 1];
}

// Flat index into `s` (aligned at the last axis, dimensions of 1 repeated) of the
// multi-index idx of a tensor of rank idx.size().
size_t index_of(const Shape& s, const std::vector<int64_t>& idx) {
  const size_t off = idx.size() - s.size();
  size_t flat = 0;
  for (size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + (s[d] == 1 ? 0 : idx[off + d]);
  return flat;
}

// Calls f(out_flat, k, a_flat, b_flat) for every product of every output element.
template <typename F>
void oracle_products(const MatMulCase& c, const Shape& out, F&& f) {
  const int64_t count = numel(out), k = c.a.back();
  const size_t rank = out.size();
  std::vector<int64_t> idx(rank);
  for (int64_t o = 0; o < count; ++o) {
    int64_t rest = o;
    for (size_t d = rank; d-- > 0;) {
      idx[d] = rest % out[d];
      rest /= out[d];
    }
    const int64_t i = idx[rank - 2], j = idx[rank - 1];
    // A indexed at (batch..., i, kk); B at (batch..., kk, j) or (batch..., j, kk). The
    // last two entries of each index are set below; the batch ones broadcast.
    std::vector<int64_t> ai(idx.begin(), idx.end() - 2), bi = ai;
    ai.push_back(i);
    ai.push_back(0);
    bi.push_back(0);
    bi.push_back(0);
    for (int64_t kk = 0; kk < k; ++kk) {
      ai[rank - 1] = kk;
      bi[rank - 2] = c.transpose_b ? j : kk;
      bi[rank - 1] = c.transpose_b ? kk : j;
      f(static_cast<size_t>(o), kk, index_of(c.a, ai), index_of(c.b, bi));
    }
  }
}

const std::vector<MatMulCase>& cases() {
  static const std::vector<MatMulCase> c = {
      {{3, 4}, {4, 5}},
      {{1, 7}, {7, 1}},
      {{2, 3, 4}, {2, 4, 5}},
      {{2, 3, 4}, {4, 5}},                // B shared by every batch
      {{3, 4}, {6, 4, 2}},                // A shared
      {{2, 1, 3, 4}, {1, 5, 4, 6}},       // both broadcast
      {{4, 2, 3, 5}, {4, 2, 6, 5}, true}, // attention-style Q x K^T
      {{2, 3, 4}, {5, 4}, true},
      {{1, 1, 1, 2, 3}, {3, 3, 2}},
      {{2, 0, 4}, {2, 4, 5}},             // M = 0
      {{2, 3, 0}, {2, 0, 5}},             // K = 0: sums of nothing
      {{0, 3, 4}, {1, 4, 5}},             // empty batch
      {{8, 16, 33}, {8, 33, 17}},
  };
  return c;
}

void check_qs8(const MatMulCase& c, std::mt19937& rng, bool extreme) {
  Shape out;
  ASSERT_TRUE(oracle_shape(c, &out));
  BatchMatMulShape s;
  ASSERT_TRUE(make_batch_matmul_shape(c.a.data(), int(c.a.size()), c.b.data(), int(c.b.size()), c.transpose_b, &s));
  const auto pick = [&](size_t n) {
    if (!extreme) return octet_test::random_s8(rng, n);
    std::vector<int8_t> v(n);
    for (auto& e : v) e = octet_test::uniform_int(rng, 0, 1) ? int8_t{127} : int8_t{-128};
    return v;
  };
  const std::vector<int8_t> a = pick(numel(c.a)), b = pick(numel(c.b));
  const int32_t za = extreme ? 127 : octet_test::random_zero_point(rng), zb = extreme ? -128 : octet_test::random_zero_point(rng);
  const int32_t zo = octet_test::random_zero_point(rng);
  const int32_t qmin = octet_test::uniform_int(rng, 0, 3) == 0 ? zo : -128, qmax = 127;
  QuantizedMultiplier qm;
  const double typical = std::sqrt(double(std::max<int64_t>(1, c.a.back()))) * 100.0 * 100.0;
  ASSERT_TRUE(quantize_multiplier(64.0 / typical * octet_test::log_uniform(rng, 0.1, 10.0), &qm));
  std::vector<int64_t> acc(numel(out), 0);
  oracle_products(c, out, [&](size_t o, int64_t, size_t ia, size_t ib) {
    acc[o] += (int64_t{a[ia]} - za) * (int64_t{b[ib]} - zb);
  });
  RequantParams rq;
  rq.m0 = &qm.m0;
  rq.shift = &qm.shift;
  rq.zero_point = zo;
  rq.qmin = qmin;
  rq.qmax = qmax;
  const size_t rows = static_cast<size_t>(numel(out) == 0 ? 0 : numel(out) / out.back());
  std::vector<int8_t> y(numel(out) + 1, int8_t{0x55});
  // Computed in random row ranges, as the runtime's threads do.
  const std::vector<size_t> cuts = octet_test::random_split(rng, out.back() == 0 ? 0 : rows, 4);
  for (size_t p = 0; p + 1 < cuts.size(); ++p) {
    qs8_batch_matmul__reference(s, a.data(), za, b.data(), zb, rq, y.data(), cuts[p], cuts[p + 1]);
  }
  for (size_t o = 0; o < acc.size(); ++o) {
    ASSERT_EQ(y[o], octet_test::expected_requantize(acc[o], qm.m0, qm.shift, zo, qmin, qmax)) << "output " << o << " acc " << acc[o];
  }
  EXPECT_EQ(y.back(), 0x55) << "wrote past the end";
}

TEST(QS8BatchMatMul, BroadcastBatchesAndTransposedB) {
  std::mt19937 rng(130);
  for (const MatMulCase& c : cases())
    for (int i = 0; i < 6; ++i) check_qs8(c, rng, i == 5);
}

TEST(QS8BatchMatMul, RandomShapes) {
  std::mt19937 rng(131);
  for (int i = 0; i < 300; ++i) {
    MatMulCase c;
    const int ra = octet_test::uniform_int(rng, 0, 3), rb = octet_test::uniform_int(rng, 0, 3);
    const int64_t m = octet_test::uniform_int(rng, 1, 6), k = octet_test::uniform_int(rng, 1, 40), n = octet_test::uniform_int(rng, 1, 9);
    Shape batch;
    for (int d = 0; d < std::max(ra, rb); ++d) batch.push_back(octet_test::uniform_int(rng, 1, 3));
    for (int d = 0; d < ra; ++d) c.a.push_back(octet_test::uniform_int(rng, 0, 2) == 0 ? 1 : batch[batch.size() - ra + d]);
    for (int d = 0; d < rb; ++d) c.b.push_back(octet_test::uniform_int(rng, 0, 2) == 0 ? 1 : batch[batch.size() - rb + d]);
    c.transpose_b = octet_test::uniform_int(rng, 0, 1) == 1;
    c.a.push_back(m);
    c.a.push_back(k);
    c.b.push_back(c.transpose_b ? n : k);
    c.b.push_back(c.transpose_b ? k : n);
    check_qs8(c, rng, i % 10 == 0);
  }
}

TEST(QS8BatchMatMul, LargestAccumulatorFitsInt32) {
  // K = 33025 = floor((2^31 - 1) / 255^2) products of (127 - (-128)) * (127 - (-128)):
  // acc = 33025 * 65025 = 2147450625, just inside int32 (and its negative).
  const int64_t k = 33025;
  const MatMulCase c{{1, k}, {k, 1}};
  BatchMatMulShape s;
  ASSERT_TRUE(make_batch_matmul_shape(c.a.data(), 2, c.b.data(), 2, false, &s));
  const std::vector<int8_t> a(k, 127), b(k, 127);
  QuantizedMultiplier qm;
  ASSERT_TRUE(quantize_multiplier(1.0 / 33025.0 / 65025.0 * 100.0, &qm));
  RequantParams rq;
  rq.m0 = &qm.m0;
  rq.shift = &qm.shift;
  int8_t y = 0;
  qs8_batch_matmul__reference(s, a.data(), -128, b.data(), -128, rq, &y, 0, 1);
  EXPECT_EQ(y, octet_test::expected_requantize(k * 65025, qm.m0, qm.shift, 0, -128, 127));
  EXPECT_EQ(y, 100);
  const std::vector<int8_t> low(k, -128);
  qs8_batch_matmul__reference(s, a.data(), -128, low.data(), 127, rq, &y, 0, 1);  // acc = -2147450625
  EXPECT_EQ(y, -100);
  qs8_batch_matmul__reference(s, a.data(), -128, b.data(), 127, rq, &y, 0, 1);  // b - zb = 0
  EXPECT_EQ(y, 0);
}

TEST(BatchMatMulShape, RejectsMismatches) {
  BatchMatMulShape s;
  const int64_t a[] = {2, 3, 4}, b[] = {3, 4, 5}, bt[] = {2, 5, 4}, v[] = {4}, k5[] = {2, 5, 5};
  EXPECT_FALSE(make_batch_matmul_shape(a, 3, b, 3, false, &s));   // batch 2 vs 3
  EXPECT_TRUE(make_batch_matmul_shape(a, 3, bt, 3, true, &s));
  EXPECT_FALSE(make_batch_matmul_shape(a, 3, bt, 3, false, &s));  // K 4 vs 5
  EXPECT_FALSE(make_batch_matmul_shape(a, 3, k5, 3, true, &s));
  EXPECT_FALSE(make_batch_matmul_shape(a, 3, v, 1, false, &s));   // rank 1
  EXPECT_FALSE(make_batch_matmul_shape(v, 1, b, 3, false, &s));
}

TEST(F32BatchMatMul, AgainstDouble) {
  std::mt19937 rng(132);
  for (const MatMulCase& c : cases()) {
    Shape out;
    ASSERT_TRUE(oracle_shape(c, &out));
    BatchMatMulShape s;
    ASSERT_TRUE(make_batch_matmul_shape(c.a.data(), int(c.a.size()), c.b.data(), int(c.b.size()), c.transpose_b, &s));
    const std::vector<float> a = octet_test::random_f32(rng, numel(c.a), -2, 2), b = octet_test::random_f32(rng, numel(c.b), -2, 2);
    std::vector<double> acc(numel(out), 0.0), mag(numel(out), 0.0);
    oracle_products(c, out, [&](size_t o, int64_t, size_t ia, size_t ib) {
      acc[o] += double(a[ia]) * b[ib];
      mag[o] += std::fabs(double(a[ia]) * b[ib]);
    });
    for (bool clamp : {false, true}) {
      const float lo = clamp ? -1.0f : -INFINITY, hi = clamp ? 1.5f : INFINITY;
      const size_t rows = static_cast<size_t>(numel(out) == 0 ? 0 : numel(out) / out.back());
      std::vector<float> y(numel(out) + 1, 12345.0f), whole(numel(out) + 1, 12345.0f);
      const std::vector<size_t> cuts = octet_test::random_split(rng, rows, 3);
      for (size_t p = 0; p + 1 < cuts.size(); ++p) f32_batch_matmul__reference(s, a.data(), b.data(), lo, hi, y.data(), cuts[p], cuts[p + 1]);
      f32_batch_matmul__reference(s, a.data(), b.data(), lo, hi, whole.data(), 0, rows);
      ASSERT_EQ(y, whole) << "row ranges changed the bytes";
      for (size_t o = 0; o < acc.size(); ++o) {
        const double e = std::min<double>(std::max<double>(acc[o], lo), hi);
        ASSERT_NEAR(y[o], e, 1e-5 * mag[o] + 1e-30) << "output " << o;
      }
      EXPECT_EQ(y.back(), 12345.0f);
    }
  }
}

}  // namespace
}  // namespace octet

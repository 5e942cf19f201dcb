// Matrix products: MatMul (numpy semantics, batch broadcasting), Gemm,
// MatMulInteger, QLinearMatMul. Sums accumulate in double over k in order.
#include <algorithm>
#include <cmath>

#include "converter/float/float_ops_util.h"

namespace octet::cvt::fops {

namespace {

using Inputs = std::vector<const Tensor*>;

constexpr double kMaxMacs = 1e12;

// Shapes of a numpy matmul: batch dims broadcast, 1-D operands promoted.
struct MatGeom {
  int64_t m = 1, k = 1, n = 1;
  std::vector<int64_t> batch;                 // broadcast batch shape
  std::vector<int64_t> a_strides, b_strides;  // matrix-index strides of a and b over `batch`
  std::vector<int64_t> out_shape;
  int64_t batch_count() const {
    int64_t c = 1;
    for (int64_t d : batch) c *= d;
    return c;
  }
};

bool matmul_geometry(const std::vector<int64_t>& as, const std::vector<int64_t>& bs, MatGeom* g, std::string* error) {
  if (as.empty() || bs.empty()) return fail(error, "MatMul operands must have rank 1 or more");
  std::vector<int64_t> a = as, b = bs;
  const bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  g->m = a[a.size() - 2];
  g->k = a[a.size() - 1];
  g->n = b[b.size() - 1];
  if (b[b.size() - 2] != g->k)
    return fail(error, "shapes " + shape_str(as) + " and " + shape_str(bs) + " do not multiply (inner dimensions differ)");
  const std::vector<int64_t> ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  if (!broadcast_shapes(ab, bb, &g->batch, error)) return false;
  g->a_strides = broadcast_strides(ab, g->batch);
  g->b_strides = broadcast_strides(bb, g->batch);
  g->out_shape = g->batch;
  if (!a1) g->out_shape.push_back(g->m);
  if (!b1) g->out_shape.push_back(g->n);
  int64_t total;
  if (!checked_numel(g->out_shape, &total, error)) return false;
  if (static_cast<double>(total) * g->k > kMaxMacs) return fail(error, "the product needs more than 1e12 multiply-adds");
  return true;
}

// y[batch][m][n] = sum_k a * b in double; a and b are float arrays holding the
// (centered) operand values.
void matmul_core(const MatGeom& g, const float* a, const float* b, std::vector<double>* y) {
  const int64_t bc = g.batch_count();
  y->assign(static_cast<size_t>(bc * g.m * g.n), 0.0);
  const std::vector<int64_t> st[2] = {g.a_strides, g.b_strides};
  auto one = [&](const float* pa, const float* pb, double* py) {
    for (int64_t i = 0; i < g.m; ++i) {
      double* row = py + i * g.n;
      for (int64_t kk = 0; kk < g.k; ++kk) {
        const double av = pa[i * g.k + kk];
        const float* brow = pb + kk * g.n;
        for (int64_t j = 0; j < g.n; ++j) row[j] += av * brow[j];
      }
    }
  };
  if (g.batch.empty()) {
    one(a, b, y->data());
    return;
  }
  for_each_strided(g.batch, st, [&](int64_t o, const int64_t* off) {
    one(a + off[0] * g.m * g.k, b + off[1] * g.k * g.n, y->data() + o * g.m * g.n);
  });
}

bool op_matmul(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (a.dtype != b.dtype || a.dtype == DType::kBool || a.dtype == DType::kInt8 || a.dtype == DType::kUInt8)
    return fail(error, "inputs must both be float32, int32 or int64 (" + dname(a.dtype) + ", " + dname(b.dtype) + ")");
  MatGeom g;
  if (!matmul_geometry(a.shape, b.shape, &g, error)) return false;
  Tensor y(a.dtype, g.out_shape);
  if (a.dtype == DType::kFloat32) {
    std::vector<double> acc;
    matmul_core(g, a.data<float>(), b.data<float>(), &acc);
    for (int64_t i = 0; i < y.numel(); ++i) y.data<float>()[i] = static_cast<float>(acc[i]);
  } else {
    // Integer MatMul wraps like numpy; done in uint64.
    const int64_t bc = g.batch_count();
    const std::vector<int64_t> st[2] = {g.a_strides, g.b_strides};
    std::vector<uint64_t> acc(static_cast<size_t>(bc * g.m * g.n), 0);
    auto one = [&](int64_t ao, int64_t bo, int64_t yo) {
      for (int64_t i = 0; i < g.m; ++i)
        for (int64_t kk = 0; kk < g.k; ++kk) {
          const uint64_t av = static_cast<uint64_t>(a.get_i(ao + i * g.k + kk));
          for (int64_t j = 0; j < g.n; ++j)
            acc[yo + i * g.n + j] += av * static_cast<uint64_t>(b.get_i(bo + kk * g.n + j));
        }
    };
    if (g.batch.empty()) one(0, 0, 0);
    else
      for_each_strided(g.batch, st, [&](int64_t o, const int64_t* off) {
        one(off[0] * g.m * g.k, off[1] * g.k * g.n, o * g.m * g.n);
      });
    for (int64_t i = 0; i < y.numel(); ++i) {
      if (a.dtype == DType::kInt64) y.data<int64_t>()[i] = static_cast<int64_t>(acc[i]);
      else y.data<int32_t>()[i] = static_cast<int32_t>(static_cast<uint32_t>(acc[i]));
    }
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool op_gemm(const Node& node, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  const Tensor* c = in(inputs, 2);
  if (a.dtype != DType::kFloat32 || b.dtype != DType::kFloat32 || (c && c->dtype != DType::kFloat32))
    return fail(error, "inputs must be float32");
  if (a.rank() != 2 || b.rank() != 2)
    return fail(error, "A " + shape_str(a.shape) + " and B " + shape_str(b.shape) + " must be matrices");
  const bool ta = node.attr_i("transA", 0) != 0, tb = node.attr_i("transB", 0) != 0;
  const double alpha = node.attr_f("alpha", 1.0f), beta = node.attr_f("beta", 1.0f);
  const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
  const int64_t kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1];
  if (k != kb)
    return fail(error, "A " + shape_str(a.shape) + " and B " + shape_str(b.shape) + " do not multiply (transA " +
                           std::to_string(ta) + ", transB " + std::to_string(tb) + ")");
  if (c && !broadcasts_to(c->shape, {m, n}))
    return fail(error, "C " + shape_str(c->shape) + " does not broadcast to [" + std::to_string(m) + "," +
                           std::to_string(n) + "]");
  Tensor y;
  if (!alloc(DType::kFloat32, {m, n}, &y, error)) return false;
  if (static_cast<double>(m) * n * k > kMaxMacs) return fail(error, "the product needs more than 1e12 multiply-adds");
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  const std::vector<int64_t> cs = c ? broadcast_strides(c->shape, {m, n}) : std::vector<int64_t>{0, 0};
  std::vector<double> row(static_cast<size_t>(n));
  for (int64_t i = 0; i < m; ++i) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int64_t kk = 0; kk < k; ++kk) {
      const double av = ta ? pa[kk * a.shape[1] + i] : pa[i * a.shape[1] + kk];
      if (tb)
        for (int64_t j = 0; j < n; ++j) row[j] += av * pb[j * b.shape[1] + kk];
      else
        for (int64_t j = 0; j < n; ++j) row[j] += av * pb[kk * b.shape[1] + j];
    }
    for (int64_t j = 0; j < n; ++j) {
      double v = alpha * row[j];
      if (c) v += beta * c->data<float>()[i * cs[0] + j * cs[1]];
      y.data<float>()[i * n + j] = static_cast<float>(v);
    }
  }
  (*outputs)[0] = std::move(y);
  return true;
}

bool is_8bit(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

// A per-tensor value or one per row (A side) / column (B side) of the matrices.
// Returns the values and how to index them: stride over rows or columns.
struct PerSide {
  std::vector<double> v;  // one value or `count` values
  double at(int64_t i) const { return v.size() == 1 ? v[0] : v[static_cast<size_t>(i)]; }
};

bool read_side(const Tensor* t, DType expect, int64_t count, double dflt, PerSide* out, const char* what,
               std::string* error) {
  if (!t) {
    out->v.assign(1, dflt);
    return true;
  }
  if (t->dtype != expect) return fail(error, std::string(what) + " is " + dname(t->dtype) + ", expected " + dname(expect));
  const int64_t n = t->numel();
  if (n != 1 && n != count)
    return fail(error, std::string(what) + " " + shape_str(t->shape) + " must have 1 or " + std::to_string(count) +
                           " elements");
  out->v.clear();
  for (int64_t i = 0; i < n; ++i) out->v.push_back(t->get_f(i));
  return true;
}

// A and B as floats with their zero points taken off: A's per row, B's per column.
bool centered_operands(const Tensor& a, const Tensor& b, const MatGeom& g, const PerSide& az, const PerSide& bz,
                       std::vector<float>* af, std::vector<float>* bf) {
  af->resize(static_cast<size_t>(a.numel()));
  bf->resize(static_cast<size_t>(b.numel()));
  for (int64_t i = 0; i < a.numel(); ++i) (*af)[i] = static_cast<float>(a.get_f(i) - az.at((i / g.k) % g.m));
  for (int64_t i = 0; i < b.numel(); ++i) (*bf)[i] = static_cast<float>(b.get_f(i) - bz.at(i % g.n));
  return true;
}

bool op_matmul_integer(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 2, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (!is_8bit(a.dtype) || !is_8bit(b.dtype)) return fail(error, "A and B must be int8 or uint8");
  MatGeom g;
  if (!matmul_geometry(a.shape, b.shape, &g, error)) return false;
  PerSide az, bz;
  if (!read_side(in(inputs, 2), a.dtype, g.m, 0, &az, "a_zero_point", error) ||
      !read_side(in(inputs, 3), b.dtype, g.n, 0, &bz, "b_zero_point", error))
    return false;
  std::vector<float> af, bf;
  centered_operands(a, b, g, az, bz, &af, &bf);
  std::vector<double> acc;
  matmul_core(g, af.data(), bf.data(), &acc);
  Tensor y(DType::kInt32, g.out_shape);
  for (int64_t i = 0; i < y.numel(); ++i) y.data<int32_t>()[i] = saturate_cast<int32_t>(acc[i]);
  (*outputs)[0] = std::move(y);
  return true;
}

// QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
bool op_qlinear_matmul(const Node&, int64_t, const Inputs& inputs, std::vector<Tensor>* outputs, std::string* error) {
  if (!need_inputs(inputs, 8, error) || !need_outputs(outputs, 1, error)) return false;
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[3];
  const DType yt = inputs[7]->dtype;
  if (!is_8bit(a.dtype) || !is_8bit(b.dtype) || !is_8bit(yt)) return fail(error, "a, b and y must be int8 or uint8");
  MatGeom g;
  if (!matmul_geometry(a.shape, b.shape, &g, error)) return false;
  PerSide as, az, bs, bz, ys, yz;
  if (!read_side(inputs[1], DType::kFloat32, g.m, 1, &as, "a_scale", error) ||
      !read_side(inputs[2], a.dtype, g.m, 0, &az, "a_zero_point", error) ||
      !read_side(inputs[4], DType::kFloat32, g.n, 1, &bs, "b_scale", error) ||
      !read_side(inputs[5], b.dtype, g.n, 0, &bz, "b_zero_point", error) ||
      !read_side(inputs[6], DType::kFloat32, 1, 1, &ys, "y_scale", error) ||
      !read_side(inputs[7], yt, 1, 0, &yz, "y_zero_point", error))
    return false;
  std::vector<float> af, bf;
  centered_operands(a, b, g, az, bz, &af, &bf);
  std::vector<double> acc;
  matmul_core(g, af.data(), bf.data(), &acc);
  Tensor y(yt, g.out_shape);
  for (int64_t i = 0; i < y.numel(); ++i) {
    const int64_t col = i % g.n, row = (i / g.n) % g.m;
    const double v = std::nearbyint(acc[i] * (as.at(row) * bs.at(col) / ys.at(0))) + yz.at(0);
    if (yt == DType::kUInt8) y.data<uint8_t>()[i] = saturate_cast<uint8_t>(v);
    else y.data<int8_t>()[i] = saturate_cast<int8_t>(v);
  }
  (*outputs)[0] = std::move(y);
  return true;
}

}  // namespace

std::vector<OpEntry> matmul_ops() {
  return {{"Gemm", op_gemm},
          {"MatMul", op_matmul},
          {"MatMulInteger", op_matmul_integer},
          {"QLinearMatMul", op_qlinear_matmul}};
}

}  // namespace octet::cvt::fops

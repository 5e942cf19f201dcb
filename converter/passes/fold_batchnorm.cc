#include <cmath>

#include "converter/passes/pass_util.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

namespace {

struct BnParams {
  std::vector<float> scale, shift;  // y = x * scale + shift per channel
};

bool bn_params(const Graph& g, const Node& bn, BnParams* p) {
  if (bn.inputs.size() < 5) return false;
  const Tensor *gamma = g.constant(bn.inputs[1]), *beta = g.constant(bn.inputs[2]), *mean = g.constant(bn.inputs[3]),
               *var = g.constant(bn.inputs[4]);
  if (!gamma || !beta || !mean || !var) return false;
  const int64_t c = gamma->numel();
  if (beta->numel() != c || mean->numel() != c || var->numel() != c) return false;
  const double eps = bn.attr_f("epsilon", 1e-5f);
  p->scale.resize(c);
  p->shift.resize(c);
  for (int64_t i = 0; i < c; ++i) {
    const double s = gamma->get_f(i) / std::sqrt(var->get_f(i) + eps);
    p->scale[i] = static_cast<float>(s);
    p->shift[i] = static_cast<float>(beta->get_f(i) - mean->get_f(i) * s);
  }
  return true;
}

// Folds into the producer; false when the producer doesn't qualify.
bool fold_into_producer(Graph* g, Node& prod, const BnParams& p) {
  const Tensor* w0 = prod.inputs.size() > 1 ? g->constant(prod.inputs[1]) : nullptr;
  if (!w0 || w0->dtype != DType::kFloat32) return false;
  const int64_t c = static_cast<int64_t>(p.scale.size());
  Tensor w = *w0;
  std::vector<float> bias(c, 0.0f);
  const int bias_index = prod.op_type == "Gemm" ? 2 : 2;
  if (prod.input_present(bias_index)) {
    const Tensor* b = g->constant(prod.inputs[bias_index]);
    if (!b || (b->numel() != c && b->numel() != 1)) return false;
    for (int64_t i = 0; i < c; ++i) bias[i] = static_cast<float>(b->get_f(b->numel() == 1 ? 0 : i));
  }
  float* wd = w.data<float>();
  if (prod.op_type == "Conv") {
    if (w.rank() < 3 || w.shape[0] != c) return false;
    const int64_t per = w.numel() / c;
    for (int64_t o = 0; o < c; ++o)
      for (int64_t k = 0; k < per; ++k) wd[o * per + k] *= p.scale[o];
  } else if (prod.op_type == "ConvTranspose") {
    const int64_t groups = prod.attr_i("group", 1);
    if (w.rank() < 3 || w.shape[1] * groups != c) return false;
    const int64_t cin = w.shape[0], cout_g = w.shape[1], per = w.numel() / (cin * cout_g);
    for (int64_t ci = 0; ci < cin; ++ci) {
      const int64_t grp = ci / (cin / groups);
      for (int64_t j = 0; j < cout_g; ++j)
        for (int64_t k = 0; k < per; ++k) wd[(ci * cout_g + j) * per + k] *= p.scale[grp * cout_g + j];
    }
  } else if (prod.op_type == "Gemm") {
    if (w.rank() != 2 || prod.attr_f("alpha", 1) != 1.0f || prod.attr_f("beta", 1) != 1.0f || prod.attr_i("transA", 0))
      return false;
    const bool tb = prod.attr_i("transB", 0) != 0;
    const int64_t n = tb ? w.shape[0] : w.shape[1], k = tb ? w.shape[1] : w.shape[0];
    if (n != c) return false;
    for (int64_t a = 0; a < k; ++a)
      for (int64_t o = 0; o < n; ++o) wd[tb ? o * k + a : a * n + o] *= p.scale[o];
  } else {
    return false;
  }
  for (int64_t o = 0; o < c; ++o) bias[o] = bias[o] * p.scale[o] + p.shift[o];
  const std::string wname = g->fresh_name(prod.name + ".weight_bn");
  const std::string bname = g->fresh_name(prod.name + ".bias_bn");
  g->constants[wname] = std::move(w);
  g->constants[bname] = Tensor::from_floats({c}, bias);
  prod.inputs.resize(3);
  prod.inputs[1] = wname;
  prod.inputs[2] = bname;
  return true;
}

// The per-channel factors of a constant operand broadcast against a producer
// output of rank `rank` with `c` channels on axis 1: one value, or c values along
// that axis only. Empty when the shape is anything else.
std::vector<float> channel_factors(const Tensor& t, size_t rank, int64_t c) {
  if (c <= 0 || t.dtype != DType::kFloat32 || t.rank() > rank) return {};
  if (t.numel() == 1) return std::vector<float>(static_cast<size_t>(c), static_cast<float>(t.get_f(0)));
  if (t.numel() != c) return {};
  // Right-aligned broadcasting: the dimension holding c must be axis 1 of the output.
  const size_t lead = rank - t.rank();
  for (size_t i = 0; i < t.rank(); ++i)
    if (t.shape[i] != 1 && lead + i != 1) return {};
  std::vector<float> v(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) v[i] = static_cast<float>(t.get_f(i));
  return v;
}

}  // namespace

size_t fold_affine_into_producer(Graph* g) {
  size_t folded = 0;
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node& n = g->nodes[k];
    if ((n.op_type != "Mul" && n.op_type != "Add" && n.op_type != "Sub") || !n.domain.empty() || n.inputs.size() != 2)
      continue;
    const int ci = g->is_constant(n.inputs[1]) ? 1 : g->is_constant(n.inputs[0]) ? 0 : -1;
    if (ci < 0 || (n.op_type == "Sub" && ci != 1)) continue;
    const std::string x = n.inputs[1 - ci], y = n.outputs[0];
    const int pi = g->producer(x);
    // A value whose quantization the model fixed keeps its producer as it is.
    if (pi < 0 || !single_use(*g, x) || g->quant.count(x)) continue;
    Node& prod = g->nodes[pi];
    if (prod.op_type != "Conv" && prod.op_type != "Gemm" && prod.op_type != "ConvTranspose") continue;
    const ValueInfo* vi = g->info(x);
    const ValueInfo* yi = g->info(y);
    if (!vi || !vi->has_shape || vi->shape.size() < 2 || !yi || !yi->has_shape || yi->shape != vi->shape) continue;
    const std::vector<float> f = channel_factors(*g->constant(n.inputs[ci]), vi->shape.size(), vi->shape[1]);
    if (f.empty()) continue;
    BnParams p;
    if (n.op_type == "Mul") {
      p.scale = f;
      p.shift.assign(f.size(), 0.0f);
    } else {
      p.scale.assign(f.size(), 1.0f);
      p.shift = f;
      if (n.op_type == "Sub")
        for (float& v : p.shift) v = -v;
    }
    if (!fold_into_producer(g, prod, p)) continue;
    prod.outputs[0] = y;
    g->nodes.erase(g->nodes.begin() + static_cast<long>(k));
    ++folded;
    k = static_cast<size_t>(-1);  // a Mul folded may expose an Add to fold next
  }
  if (folded) g->prune();
  return folded;
}

bool fold_batchnorm(Graph* g, std::string* error) {
  (void)error;
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node& bn = g->nodes[k];
    if (bn.op_type != "BatchNormalization" || !bn.domain.empty()) continue;
    if (bn.attr_i("training_mode", 0) != 0) continue;
    BnParams p;
    if (!bn_params(*g, bn, &p)) continue;
    const std::string x = bn.inputs[0], y = bn.outputs[0];
    const int pi = g->producer(x);
    if (pi >= 0 && single_use(*g, x) && fold_into_producer(g, g->nodes[pi], p)) {
      g->nodes[pi].outputs[0] = y;
      g->nodes.erase(g->nodes.begin() + static_cast<long>(k));
      --k;
      continue;
    }
    // Standalone: a 1x1 depthwise Conv for 4-D inputs, else Mul + Add.
    const ValueInfo* vi = g->info(x);
    const int64_t c = static_cast<int64_t>(p.scale.size());
    if (vi && vi->has_shape && vi->shape.size() == 4 && vi->shape[1] == c) {
      Node conv;
      conv.name = bn.name;
      conv.op_type = "Conv";
      const std::string wname = g->fresh_name(bn.name + ".weight"), bname = g->fresh_name(bn.name + ".bias");
      g->constants[wname] = Tensor::from_floats({c, 1, 1, 1}, p.scale);
      g->constants[bname] = Tensor::from_floats({c}, p.shift);
      conv.inputs = {x, wname, bname};
      conv.outputs = {y};
      conv.attrs["group"] = Attribute::Int(c);
      conv.attrs["kernel_shape"] = Attribute::Ints({1, 1});
      g->nodes[k] = conv;
    } else if (vi && vi->has_shape && vi->shape.size() >= 2 && vi->shape[1] == c) {
      std::vector<int64_t> cshape(vi->shape.size() - 1, 1);
      cshape[0] = c;
      const std::string sname = g->fresh_name(bn.name + ".scale"), tname = g->fresh_name(bn.name + ".shift");
      const std::string mid = g->fresh_name(bn.name + ".scaled");
      g->constants[sname] = Tensor::from_floats(cshape, p.scale);
      g->constants[tname] = Tensor::from_floats(cshape, p.shift);
      Node mul, add;
      mul.name = bn.name + ".mul";
      mul.op_type = "Mul";
      mul.inputs = {x, sname};
      mul.outputs = {mid};
      add.name = bn.name;
      add.op_type = "Add";
      add.inputs = {mid, tname};
      add.outputs = {y};
      ValueInfo mvi = *vi;
      g->values[mid] = mvi;
      g->nodes[k] = mul;
      g->nodes.insert(g->nodes.begin() + static_cast<long>(k) + 1, add);
    }
  }
  g->prune();
  return true;
}

}  // namespace octet::cvt

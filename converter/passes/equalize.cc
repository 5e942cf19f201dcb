// Cross-layer equalization (Nagel et al., "Data-Free Quantization Through Weight
// Equalization and Bias Correction", 2019; as in AIMET and PPQ).
//
// For Conv A -> [Relu | LeakyRelu | PRelu | nothing] -> Conv B, output channel c of
// A is divided by s_c and input channel c of B multiplied by it. These activations
// are positively homogeneous (f(x / s) = f(x) / s for s > 0), and B's zero padding
// stays zero, so the float function is unchanged. With
//   r1_c = max |W_A[c, ...]|, r2_c = max |W_B[:, c, ...]|, s_c = sqrt(r1_c / r2_c)
// both ranges become sqrt(r1_c * r2_c): per-tensor-friendly channel ranges for A's
// output and balanced per-output-channel ranges for B's weights. Chains (A -> B -> C)
// share B, so the pairs are swept until the scales settle.
#include <algorithm>
#include <cmath>
#include <map>

#include "converter/passes/pass_util.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

namespace {

constexpr int kMaxSweeps = 32;
constexpr double kMinScale = 1e-4, kMaxScale = 1e4;
constexpr double kConverged = 1e-4;  // |s - 1| below this in a whole sweep: done

// A Conv with float constant weights (O, C/group, k...) and a constant bias or none.
struct ConvParams {
  int node = -1;
  int64_t out = 0, in_per_group = 0, groups = 1, per = 0;  // per: weights per output channel
  std::vector<float> w, b;
  bool changed = false;
};

bool conv_params(const Graph& g, int k, ConvParams* p) {
  const Node& n = g.nodes[k];
  if (n.op_type != "Conv" || !n.domain.empty() || n.inputs.size() < 2) return false;
  const Tensor* w = g.constant(n.inputs[1]);
  if (!w || w->dtype != DType::kFloat32 || w->rank() < 3 || w->numel() == 0) return false;
  p->node = k;
  p->out = w->shape[0];
  p->in_per_group = w->shape[1];
  p->groups = n.attr_i("group", 1);
  if (p->groups < 1 || p->out % p->groups != 0) return false;
  p->per = w->numel() / p->out;
  p->w = w->to_floats();
  p->b.clear();
  if (n.input_present(2)) {
    const Tensor* b = g.constant(n.inputs[2]);
    if (!b || b->dtype != DType::kFloat32 || b->numel() != p->out) return false;
    p->b = b->to_floats();
  }
  return true;
}

// The activation between A and B keeps f(x / s) = f(x) / s for every s > 0.
bool positively_homogeneous(const Graph& g, const Node& n) {
  if (!n.domain.empty() || n.inputs.empty() || n.outputs.size() != 1) return false;
  if (n.op_type == "Relu" || n.op_type == "LeakyRelu") return true;
  // PRelu's slope must be a constant (any per-channel slope commutes with the scale).
  return n.op_type == "PRelu" && n.inputs.size() == 2 && g.is_constant(n.inputs[1]);
}

struct Pair {
  int a = -1, b = -1;  // indices into the ConvParams table
  bool equalized = false;
};

// Input channel c of B: max |W_B| over the output channels that read it.
double input_channel_range(const ConvParams& B, int64_t c) {
  const int64_t out_per_group = B.out / B.groups, grp = c / B.in_per_group, ci = c % B.in_per_group;
  const int64_t spatial = B.per / B.in_per_group;
  double m = 0;
  for (int64_t o = grp * out_per_group; o < (grp + 1) * out_per_group; ++o)
    for (int64_t s = 0; s < spatial; ++s) m = std::max(m, static_cast<double>(std::fabs(B.w[(o * B.in_per_group + ci) * spatial + s])));
  return m;
}

void scale_input_channel(ConvParams* B, int64_t c, double s) {
  const int64_t out_per_group = B->out / B->groups, grp = c / B->in_per_group, ci = c % B->in_per_group;
  const int64_t spatial = B->per / B->in_per_group;
  for (int64_t o = grp * out_per_group; o < (grp + 1) * out_per_group; ++o)
    for (int64_t k = 0; k < spatial; ++k) {
      float& v = B->w[(o * B->in_per_group + ci) * spatial + k];
      v = static_cast<float>(v * s);
    }
}

// One equalization step of a pair; the largest |s - 1| it applied.
double equalize_pair(ConvParams* A, ConvParams* B) {
  double worst = 0;
  for (int64_t c = 0; c < A->out; ++c) {
    double r1 = 0;
    for (int64_t k = 0; k < A->per; ++k) r1 = std::max(r1, static_cast<double>(std::fabs(A->w[c * A->per + k])));
    const double r2 = input_channel_range(*B, c);
    if (!(r1 > 0) || !(r2 > 0) || !std::isfinite(r1) || !std::isfinite(r2)) continue;
    const double s = std::min(kMaxScale, std::max(kMinScale, std::sqrt(r1 / r2)));
    if (std::fabs(s - 1.0) < 1e-7) continue;
    for (int64_t k = 0; k < A->per; ++k) {
      float& v = A->w[c * A->per + k];
      v = static_cast<float>(v / s);
    }
    if (!A->b.empty()) A->b[c] = static_cast<float>(A->b[c] / s);
    scale_input_channel(B, c, s);
    worst = std::max(worst, std::fabs(s - 1.0));
  }
  if (worst > 0) A->changed = B->changed = true;
  return worst;
}

}  // namespace

bool equalize_cross_layer(Graph* g, std::vector<std::string>* log, std::string* error) {
  (void)error;
  if (!g->quant.empty()) {
    // The model fixed its own weight scales; rescaling the weights would break them.
    if (log) log->push_back("cross-layer equalization: skipped (the model is pre-quantized)");
    return true;
  }
  std::vector<ConvParams> convs;
  std::map<int, int> conv_of_node;  // node index -> convs index
  auto conv_at = [&](int k) {
    auto it = conv_of_node.find(k);
    if (it != conv_of_node.end()) return it->second;
    ConvParams p;
    if (!conv_params(*g, k, &p)) return -1;
    convs.push_back(std::move(p));
    return conv_of_node[k] = static_cast<int>(convs.size()) - 1;
  };
  std::vector<Pair> pairs;
  for (int k = 0; k < static_cast<int>(g->nodes.size()); ++k) {
    const Node& a = g->nodes[k];
    if (a.op_type != "Conv" || a.outputs.empty() || !single_use(*g, a.outputs[0])) continue;
    std::string v = a.outputs[0];
    int next = g->consumers(v)[0];
    if (positively_homogeneous(*g, g->nodes[next]) && g->nodes[next].inputs[0] == v) {
      v = g->nodes[next].outputs[0];
      if (!single_use(*g, v)) continue;
      next = g->consumers(v)[0];
    }
    const Node& b = g->nodes[next];
    if (b.op_type != "Conv" || b.inputs[0] != v || (b.inputs.size() > 1 && b.inputs[1] == v)) continue;
    const int ia = conv_at(k);
    if (ia < 0) continue;
    const int ib = conv_at(next);
    if (ib < 0) continue;
    // B's input channels must be A's output channels.
    if (convs[ib].in_per_group * convs[ib].groups != convs[ia].out) continue;
    pairs.push_back({ia, ib, false});
  }
  int sweeps = 0;
  for (; sweeps < kMaxSweeps && !pairs.empty(); ++sweeps) {
    double worst = 0;
    for (Pair& p : pairs) {
      const double d = equalize_pair(&convs[p.a], &convs[p.b]);
      if (d > 0) p.equalized = true;
      worst = std::max(worst, d);
    }
    if (worst < kConverged) {
      ++sweeps;
      break;
    }
  }
  // New constants (the old ones may be shared with other nodes); prune drops the rest.
  for (const ConvParams& p : convs) {
    if (!p.changed) continue;
    Node& n = g->nodes[p.node];
    const Tensor* w0 = g->constant(n.inputs[1]);
    const std::vector<int64_t> wshape = w0->shape;
    const std::string wname = g->fresh_name(n.name + ".weight_cle");
    g->constants[wname] = Tensor::from_floats(wshape, p.w);
    n.inputs[1] = wname;
    if (!p.b.empty()) {
      const std::string bname = g->fresh_name(n.name + ".bias_cle");
      g->constants[bname] = Tensor::from_floats({p.out}, p.b);
      n.inputs[2] = bname;
    }
  }
  g->prune();
  size_t n = 0;
  for (const Pair& p : pairs) n += p.equalized;
  if (log)
    log->push_back("cross-layer equalization: " + std::to_string(n) + " of " + std::to_string(pairs.size()) +
                   " Conv pairs rescaled (" + std::to_string(sweeps) + " sweeps)");
  return true;
}

}  // namespace octet::cvt

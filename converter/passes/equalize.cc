// Cross-layer equalization (Nagel et al., "Data-Free Quantization Through Weight
// Equalization and Bias Correction", 2019; as in AIMET and PPQ), made
// activation-aware for octet's quantization.
//
// For Conv A -> [Relu | LeakyRelu | PRelu | nothing] -> Conv B, output channel c of
// A is divided by s_c and input channel c of B multiplied by it. These activations
// are positively homogeneous (f(x / s) = f(x) / s for s > 0), and B's zero padding
// stays zero, so the float function is unchanged. Rules for s_c:
//   kWeights (data-free DFQ): s_c = sqrt(max|W_A[c]| / max|W_B[:, c]|);
//   kBalance: s_c = k sqrt(r_c / w_c), r_c the calibrated range of activation
//     channel c, w_c = max|W_B[:, c]|: both become k' sqrt(r_c w_c);
//   kActivation: s_c = r_c / k, every activation channel gets the same range.
// k is the geometric mean that makes the scales' geometric mean 1 (a common factor
// changes no quantization: A's and B's weights are per output channel, the
// activation per tensor). octet quantizes A's weights per output channel, so A's
// weight range costs nothing; what a per-tensor activation loses is the spread of
// its channel ranges, hence the activation rules. Chains (A -> B -> C) share B, so
// the pairs are swept until the scales settle.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "converter/calib/channel_ranges.h"
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

// An equalizable pair as found in the graph: A's node, B's node, and the values
// between them that the lowering quantizes per tensor (A's output, unless a Relu is
// fused into A; the activation's output).
struct PairSite {
  int a = -1, b = -1;
  std::vector<std::string> values;
};

std::vector<PairSite> find_pairs(const Graph& g) {
  std::vector<PairSite> sites;
  for (int k = 0; k < static_cast<int>(g.nodes.size()); ++k) {
    const Node& a = g.nodes[k];
    if (a.op_type != "Conv" || a.outputs.empty() || !single_use(g, a.outputs[0])) continue;
    std::string v = a.outputs[0];
    PairSite site;
    site.a = k;
    int next = g.consumers(v)[0];
    if (positively_homogeneous(g, g.nodes[next]) && g.nodes[next].inputs[0] == v) {
      if (g.nodes[next].op_type != "Relu") site.values.push_back(v);  // a Relu is fused into A
      v = g.nodes[next].outputs[0];
      if (!single_use(g, v)) continue;
      next = g.consumers(v)[0];
    }
    site.values.push_back(v);
    const Node& b = g.nodes[next];
    if (b.op_type != "Conv" || b.inputs[0] != v || (b.inputs.size() > 1 && b.inputs[1] == v)) continue;
    site.b = next;
    sites.push_back(std::move(site));
  }
  return sites;
}

struct Pair {
  int a = -1, b = -1;   // indices into the ConvParams table
  std::vector<double> r;  // activation span per channel (activation rules), as now scaled
  std::vector<double> r0;  // ... before equalization
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

bool usable(double v) { return v > 0 && std::isfinite(v); }

// The scales one step of `rule` asks for (1 where a channel has no usable range).
std::vector<double> pair_scales(const ConvParams& A, const ConvParams& B, const Pair& p, EqualizeRule rule) {
  std::vector<double> s(static_cast<size_t>(A.out), 1.0);
  std::vector<bool> set(s.size(), false);
  double log_sum = 0;
  size_t n = 0;
  for (int64_t c = 0; c < A.out; ++c) {
    const double w = input_channel_range(B, c);
    double v;
    if (rule == EqualizeRule::kWeights) {
      double r1 = 0;
      for (int64_t k = 0; k < A.per; ++k) r1 = std::max(r1, static_cast<double>(std::fabs(A.w[c * A.per + k])));
      if (!usable(r1) || !usable(w)) continue;
      v = std::sqrt(r1 / w);
    } else {
      const double r = p.r[c];
      if (!usable(r) || !usable(w)) continue;
      v = rule == EqualizeRule::kBalance ? std::sqrt(r / w) : r;
    }
    s[c] = v;
    set[c] = true;
    log_sum += std::log(v);
    ++n;
  }
  // The activation rules fix s only up to a common factor: geometric mean 1.
  const double k = rule == EqualizeRule::kWeights || n == 0 ? 1.0 : std::exp(log_sum / static_cast<double>(n));
  for (size_t c = 0; c < s.size(); ++c)
    if (set[c]) s[c] = std::min(kMaxScale, std::max(kMinScale, s[c] / k));
  return s;
}

// One equalization step of a pair; the largest |s - 1| it applied.
double equalize_pair(ConvParams* A, ConvParams* B, Pair* p, EqualizeRule rule) {
  const std::vector<double> scales = pair_scales(*A, *B, *p, rule);
  double worst = 0;
  for (int64_t c = 0; c < A->out; ++c) {
    const double s = scales[c];
    if (std::fabs(s - 1.0) < 1e-7) continue;
    for (int64_t k = 0; k < A->per; ++k) {
      float& v = A->w[c * A->per + k];
      v = static_cast<float>(v / s);
    }
    if (!A->b.empty()) A->b[c] = static_cast<float>(A->b[c] / s);
    scale_input_channel(B, c, s);
    if (!p->r.empty()) p->r[c] /= s;
    worst = std::max(worst, std::fabs(s - 1.0));
  }
  if (worst > 0) A->changed = B->changed = true;
  return worst;
}

// Largest over smallest channel span (channels with a usable span).
double spread_ratio(const std::vector<double>& r) {
  double lo = 0, hi = 0;
  for (double v : r)
    if (usable(v)) {
      lo = lo == 0 ? v : std::min(lo, v);
      hi = std::max(hi, v);
    }
  return lo > 0 ? hi / lo : 1.0;
}

}  // namespace

const char* equalize_rule_name(EqualizeRule r) {
  switch (r) {
    case EqualizeRule::kWeights: return "weights";
    case EqualizeRule::kBalance: return "balance";
    case EqualizeRule::kActivation: return "activation";
  }
  return "?";
}

std::set<std::string> equalization_values(const Graph& g) {
  std::set<std::string> v;
  if (!g.quant.empty()) return v;
  for (const PairSite& p : find_pairs(g)) v.insert(p.values.begin(), p.values.end());
  return v;
}

bool equalize_cross_layer(Graph* g, std::vector<std::string>* log, std::string* error) {
  return equalize_cross_layer(g, EqualizeOptions(), log, error);
}

bool equalize_cross_layer(Graph* g, const EqualizeOptions& o, std::vector<std::string>* log, std::string* error) {
  if (!g->quant.empty()) {
    // The model fixed its own weight scales; rescaling the weights would break them.
    if (log) log->push_back("cross-layer equalization: skipped (the model is pre-quantized)");
    return true;
  }
  const bool by_activation = o.rule != EqualizeRule::kWeights;
  if (by_activation && !o.channel_ranges)
    return *error = std::string("cross-layer equalization (") + equalize_rule_name(o.rule) +
                    "): needs per-channel activation ranges",
           false;
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
  for (const PairSite& site : find_pairs(*g)) {
    const int ia = conv_at(site.a);
    if (ia < 0) continue;
    const int ib = conv_at(site.b);
    if (ib < 0) continue;
    // B's input channels must be A's output channels.
    if (convs[ib].in_per_group * convs[ib].groups != convs[ia].out) continue;
    Pair p;
    p.a = ia;
    p.b = ib;
    if (by_activation) {
      // Channel c's span (widened to hold 0, as the lowering's ranges are), the
      // widest over the quantized values between A and B.
      p.r.assign(static_cast<size_t>(convs[ia].out), 0.0);
      bool seen = true;
      for (const std::string& v : site.values) {
        auto it = o.channel_ranges->find(v);
        if (it == o.channel_ranges->end() || it->second.lo.size() != p.r.size()) {
          seen = false;
          break;
        }
        for (size_t c = 0; c < p.r.size(); ++c) {
          const double span = std::max(0.0, static_cast<double>(it->second.hi[c])) -
                              std::min(0.0, static_cast<double>(it->second.lo[c]));
          p.r[c] = std::max(p.r[c], std::isfinite(span) ? span : 0.0);
        }
      }
      if (!seen) continue;  // not measured (e.g. a value the samples never reach)
      p.r0 = p.r;
    }
    pairs.push_back(std::move(p));
  }
  int sweeps = 0;
  for (; sweeps < kMaxSweeps && !pairs.empty(); ++sweeps) {
    double worst = 0;
    for (Pair& p : pairs) {
      const double d = equalize_pair(&convs[p.a], &convs[p.b], &p, o.rule);
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
  if (log) {
    std::string line = "cross-layer equalization (" + std::string(equalize_rule_name(o.rule)) + "): " +
                       std::to_string(n) + " of " + std::to_string(pairs.size()) + " Conv pairs rescaled (" +
                       std::to_string(sweeps) + " sweeps)";
    if (by_activation && !pairs.empty()) {
      // The widest spread of channel ranges in one activation, and the median pair's.
      std::vector<double> before, after;
      for (const Pair& p : pairs) {
        before.push_back(spread_ratio(p.r0));
        after.push_back(spread_ratio(p.r));
      }
      auto worst = [](std::vector<double> v) { return *std::max_element(v.begin(), v.end()); };
      auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
      };
      char buf[160];
      std::snprintf(buf, sizeof buf, "; channel range ratio (max/min) worst %.3g -> %.3g, median %.3g -> %.3g",
                    worst(before), worst(after), median(before), median(after));
      line += buf;
    }
    log->push_back(line);
  }
  return true;
}

}  // namespace octet::cvt

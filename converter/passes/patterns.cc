#include <set>

#include "converter/passes/pass_util.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

namespace {

const Node* producer_of(const Graph& g, const std::string& v, const char* op) {
  const int p = g.producer(v);
  if (p < 0 || g.nodes[p].op_type != op || !g.nodes[p].domain.empty()) return nullptr;
  return &g.nodes[p];
}

bool is_scalar(const Graph& g, const std::string& v, float want) {
  auto s = scalar_constant(g, v);
  return s && near(*s, want);
}

// Replaces the nodes producing `dead` (all single-use intermediates) and the node
// at `root` with one node.
void replace(Graph* g, int root, const std::set<std::string>& dead, Node repl) {
  repl.outputs = g->nodes[root].outputs;
  g->nodes[root] = std::move(repl);
  std::vector<Node> kept;
  for (auto& n : g->nodes) {
    bool drop = false;
    for (const auto& o : n.outputs) drop |= dead.count(o) != 0;
    if (!drop) kept.push_back(std::move(n));
  }
  g->nodes = std::move(kept);
}

// root = Mul(m, 1/6) with m = Mul(x, c), c = Clip(a, 0, 6), a = Add(x, 3);
// or root = Mul(x, HardSigmoid(x; 1/6, 1/2)).
bool match_hardswish(const Graph& g, const Node& root, std::string* x, std::set<std::string>* dead) {
  if (root.op_type != "Mul" || root.inputs.size() != 2) return false;
  for (int side = 0; side < 2; ++side) {
    const std::string& a = root.inputs[side];
    const std::string& b = root.inputs[1 - side];
    if (const Node* hs = producer_of(g, b, "HardSigmoid")) {
      if (hs->inputs[0] == a && near(hs->attr_f("alpha", 0.2f), 1.0f / 6) && near(hs->attr_f("beta", 0.5f), 0.5f) &&
          single_use(g, b)) {
        *x = a;
        *dead = {b};
        return true;
      }
    }
    if (!is_scalar(g, b, 1.0f / 6)) continue;
    const Node* m = producer_of(g, a, "Mul");
    if (!m || !single_use(g, a) || m->inputs.size() != 2) continue;
    for (int s2 = 0; s2 < 2; ++s2) {
      const std::string& mx = m->inputs[s2];
      const std::string& mc = m->inputs[1 - s2];
      const Node* clip = producer_of(g, mc, "Clip");
      float lo, hi;
      if (!clip || !single_use(g, mc) || !clip_bounds(g, *clip, &lo, &hi) || lo != 0 || hi != 6) continue;
      const Node* add = producer_of(g, clip->inputs[0], "Add");
      if (!add || !single_use(g, clip->inputs[0]) || add->inputs.size() != 2) continue;
      const std::string& ax = other_input(*add, mx);
      if ((add->inputs[0] != mx && add->inputs[1] != mx) || !is_scalar(g, ax, 3.0f)) continue;
      *x = mx;
      *dead = {a, mc, clip->inputs[0]};
      return true;
    }
  }
  return false;
}

bool reduces_last_axis(const Graph& g, const Node& n) {
  if (n.op_type != "ReduceMean" || n.attr_i("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes = n.attr_ints("axes");
  if (n.input_present(1)) {
    const Tensor* t = g.constant(n.inputs[1]);
    if (!t) return false;
    axes = t->to_ints();
  }
  const ValueInfo* vi = g.info(n.inputs[0]);
  if (axes.size() != 1 || !vi || !vi->has_shape) return false;
  const int64_t r = static_cast<int64_t>(vi->shape.size());
  return axes[0] == -1 || axes[0] == r - 1;
}

// root = Div(d, Sqrt(Add(ReduceMean(Pow(d, 2)), eps))), d = Sub(x, ReduceMean(x)),
// reduced over the last axis; optionally followed by Mul(gamma) and Add(beta).
bool match_layernorm(const Graph& g, const Node& root, std::string* x, float* eps, std::set<std::string>* dead) {
  if (root.op_type != "Div" || root.inputs.size() != 2) return false;
  const std::string& d = root.inputs[0];
  const Node* sqrt = producer_of(g, root.inputs[1], "Sqrt");
  const Node* sub = producer_of(g, d, "Sub");
  if (!sqrt || !sub || !single_use(g, root.inputs[1])) return false;
  const Node* add = producer_of(g, sqrt->inputs[0], "Add");
  if (!add || !single_use(g, sqrt->inputs[0])) return false;
  const Node* var = nullptr;
  std::string var_v;
  for (int s = 0; s < 2; ++s) {
    auto e = scalar_constant(g, add->inputs[1 - s]);
    if (e && (var = producer_of(g, add->inputs[s], "ReduceMean"))) {
      *eps = *e;
      var_v = add->inputs[s];
      break;
    }
  }
  if (!var || !single_use(g, var_v) || !reduces_last_axis(g, *var)) return false;
  const Node* pow = producer_of(g, var->inputs[0], "Pow");
  if (!pow || !single_use(g, var->inputs[0]) || pow->inputs[0] != d || !is_scalar(g, pow->inputs[1], 2.0f)) return false;
  // d feeds exactly the Pow and the Div.
  if (g.is_output(d) || g.consumers(d).size() != 2) return false;
  const Node* mean = producer_of(g, sub->inputs[1], "ReduceMean");
  if (!mean || !single_use(g, sub->inputs[1]) || mean->inputs[0] != sub->inputs[0] || !reduces_last_axis(g, *mean))
    return false;
  *x = sub->inputs[0];
  *dead = {d, sub->inputs[1], root.inputs[1], sqrt->inputs[0], var_v, var->inputs[0]};
  return true;
}

}  // namespace

void recognize_patterns(Graph* g) {
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    std::string x;
    std::set<std::string> dead;
    const Node root = g->nodes[k];
    if (match_hardswish(*g, root, &x, &dead)) {
      Node hs;
      hs.name = root.name;
      hs.op_type = "HardSwish";
      hs.inputs = {x};
      replace(g, static_cast<int>(k), dead, hs);
      k = 0;
      continue;
    }
    float eps = 0;
    if (match_layernorm(*g, root, &x, &eps, &dead)) {
      const ValueInfo* vi = g->info(x);
      if (!vi || !vi->fully_known()) continue;
      const int64_t c = vi->shape.back();
      Node ln;
      ln.name = root.name;
      ln.op_type = "LayerNormalization";
      // Fold a following Mul(gamma) / Add(beta) with [C] constants.
      std::vector<float> gamma(static_cast<size_t>(c), 1.0f), beta(static_cast<size_t>(c), 0.0f);
      int last = static_cast<int>(k);
      std::string out = root.outputs[0];
      auto per_channel = [&](const std::string& v, std::vector<float>* dst) {
        const Tensor* t = g->constant(v);
        if (!t || t->numel() != c || t->shape.empty() || t->shape.back() != c) return false;
        for (int64_t i = 0; i < c; ++i) (*dst)[i] = static_cast<float>(t->get_f(i));
        return true;
      };
      if (single_use(*g, out)) {
        const int mi = g->consumers(out)[0];
        const Node& mul = g->nodes[mi];
        if (mul.op_type == "Mul" && mul.inputs.size() == 2 && per_channel(other_input(mul, out), &gamma)) {
          dead.insert(out);
          last = mi;
          out = mul.outputs[0];
          if (single_use(*g, out)) {
            const int ai = g->consumers(out)[0];
            const Node& add = g->nodes[ai];
            if (add.op_type == "Add" && add.inputs.size() == 2 && per_channel(other_input(add, out), &beta)) {
              dead.insert(out);
              last = ai;
              out = add.outputs[0];
            }
          }
        }
      }
      const std::string gn = g->fresh_name(root.name + ".gamma"), bn = g->fresh_name(root.name + ".beta");
      g->constants[gn] = Tensor::from_floats({c}, gamma);
      g->constants[bn] = Tensor::from_floats({c}, beta);
      ln.inputs = {x, gn, bn};
      ln.attrs["axis"] = Attribute::Int(-1);
      ln.attrs["epsilon"] = Attribute::Float(eps);
      dead.insert(root.outputs[0]);
      dead.erase(g->nodes[last].outputs[0]);
      replace(g, last, dead, ln);
      k = 0;
      continue;
    }
  }
  g->prune();
}

}  // namespace octet::cvt

#include "converter/pipeline/sensitivity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "converter/calib/bias_correction.h"
#include "converter/float/float_executor.h"
#include "converter/writer/model_writer.h"
#include "octet/octet.h"

namespace octet::cvt {

namespace {

struct ModelDeleter {
  void operator()(octet_model* m) const { octet_model_release(m); }
};
struct SessionDeleter {
  void operator()(octet_session* s) const { octet_session_release(s); }
};
using ModelPtr = std::unique_ptr<octet_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<octet_session, SessionDeleter>;

// A loaded lowering: the bytes must outlive the model (loaded from memory).
struct Loaded {
  std::vector<uint8_t> bytes;
  ModelPtr model;
  SessionPtr session;
  std::map<std::string, size_t> inputs, outputs;
};

bool load(const Graph& g, const LowerOptions& o, Loaded* l, std::string* error) {
  ModelWriter w;
  LowerResult r;
  if (!lower_graph(g, o, &w, &r, error)) return false;
  l->bytes = w.finish();
  char err[512];
  octet_model* m = nullptr;
  if (octet_model_load_memory(l->bytes.data(), l->bytes.size(), &m, err, sizeof err) != OCTET_OK)
    return *error = std::string("a sensitivity model does not load: ") + err, false;
  l->model.reset(m);
  octet_session* s = nullptr;
  if (octet_session_create(m, nullptr, &s, err, sizeof err) != OCTET_OK)
    return *error = std::string("session: ") + err, false;
  l->session.reset(s);
  octet_tensor_info info;
  for (size_t i = 0; i < octet_model_num_inputs(m); ++i) {
    octet_model_input_info(m, i, &info);
    l->inputs[info.name] = i;
  }
  for (size_t i = 0; i < octet_model_num_outputs(m); ++i) {
    octet_model_output_info(m, i, &info);
    l->outputs[info.name] = i;
  }
  return true;
}

bool set_inputs(const Loaded& l, const std::map<std::string, Tensor>& in, std::string* error) {
  for (const auto& kv : in) {
    auto it = l.inputs.find(kv.first);
    if (it == l.inputs.end()) return *error = "no input '" + kv.first + "'", false;
    if (octet_session_set_input_float(l.session.get(), it->second, kv.second.data<float>(),
                                      static_cast<size_t>(kv.second.numel())) != OCTET_OK)
      return *error = octet_session_last_error(l.session.get()), false;
  }
  return true;
}

bool is_layout_op(const std::string& t) {
  return t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze" || t == "Identity" ||
         t == "Transpose" || t == "DepthToSpace" || t == "Slice" || t == "Pad";
}

bool is_glue(const DispatchEntry& d) {
  return d.reason == "region border" || d.reason == "layout change" || d.reason.find("fused") != std::string::npos;
}

}  // namespace

ModelProbe::ModelProbe(const Graph& reference, std::vector<std::map<std::string, Tensor>> samples)
    : g_(reference), samples_(std::move(samples)) {}

bool ModelProbe::init(std::string* error) {
  reference_.clear();
  for (const auto& in : samples_) {
    FloatExecutor ex(g_);
    std::map<std::string, Tensor> out;
    if (!ex.run(in, &out, error)) return false;
    std::map<std::string, std::vector<float>> ref;
    for (const auto& name : g_.outputs) {
      auto it = out.find(name);
      if (it == out.end() || it->second.dtype != DType::kFloat32) continue;
      const float* d = it->second.data<float>();
      ref[name].assign(d, d + it->second.numel());
    }
    reference_.push_back(std::move(ref));
  }
  return true;
}

bool ModelProbe::error_of(const Graph& lowered, const LowerOptions& options, double* relative_error,
                          std::string* error) const {
  Loaded l;
  if (!load(original_ ? with_float_biases(lowered, *original_, options.keep_float) : lowered, options, &l, error))
    return false;
  double sum = 0;
  size_t terms = 0;
  std::vector<float> got;
  for (size_t i = 0; i < samples_.size(); ++i) {
    if (!set_inputs(l, samples_[i], error)) return false;
    if (octet_session_invoke(l.session.get()) != OCTET_OK)
      return *error = std::string("sensitivity run: ") + octet_session_last_error(l.session.get()), false;
    for (const auto& kv : reference_[i]) {
      auto it = l.outputs.find(kv.first);
      if (it == l.outputs.end()) continue;
      got.assign(kv.second.size(), 0.0f);
      if (octet_session_get_output_float(l.session.get(), it->second, got.data(), got.size()) != OCTET_OK) continue;
      double e = 0, s = 0;
      for (size_t k = 0; k < got.size(); ++k) {
        const double d = static_cast<double>(got[k]) - kv.second[k];
        e += d * d;
        s += static_cast<double>(kv.second[k]) * kv.second[k];
      }
      sum += s > 0 ? e / s : (e > 0 ? 1.0 : 0.0);
      ++terms;
    }
  }
  *relative_error = terms ? sum / static_cast<double>(terms) : 0.0;
  return true;
}

bool ModelProbe::latency_of(const Graph& lowered, const LowerOptions& options, int runs, double* ms,
                            std::string* error) const {
  Loaded l;
  if (!load(original_ ? with_float_biases(lowered, *original_, options.keep_float) : lowered, options, &l, error))
    return false;
  if (samples_.empty() || !set_inputs(l, samples_[0], error)) return samples_.empty() ? (*error = "no samples", false) : false;
  std::vector<double> t;
  for (int i = 0; i <= runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (octet_session_invoke(l.session.get()) != OCTET_OK)
      return *error = octet_session_last_error(l.session.get()), false;
    const auto t1 = std::chrono::steady_clock::now();
    if (i > 0) t.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(t.begin(), t.end());
  *ms = t.empty() ? 0 : t[t.size() / 2];
  return true;
}

double node_macs(const Graph& g, const Node& n) {
  const ValueInfo* out = n.outputs.empty() ? nullptr : g.info(n.outputs[0]);
  if (!out || !out->has_shape) return 0;
  double outputs = 1;
  for (int64_t d : out->shape) outputs *= static_cast<double>(std::max<int64_t>(d, 0));
  const Tensor* w = n.inputs.size() > 1 ? g.constant(n.inputs[1]) : nullptr;
  if (n.op_type == "Conv" && w && w->rank() >= 3) {
    double per = 1;
    for (size_t i = 1; i < w->rank(); ++i) per *= static_cast<double>(w->shape[i]);
    return outputs * per;  // shape[1] is already C_in / group
  }
  if (n.op_type == "ConvTranspose" && w && w->rank() >= 3) {
    const ValueInfo* in = g.info(n.inputs[0]);
    if (!in || !in->has_shape) return 0;
    double inputs = 1, per = 1;
    for (int64_t d : in->shape) inputs *= static_cast<double>(d);
    for (size_t i = 1; i < w->rank(); ++i) per *= static_cast<double>(w->shape[i]);
    return inputs * per;
  }
  if (n.op_type == "Gemm" || n.op_type == "MatMul") {
    const ValueInfo* a = g.info(n.inputs[0]);
    if (!a || !a->has_shape || a->shape.empty()) return 0;
    const int64_t k = n.op_type == "Gemm" && n.attr_i("transA", 0) ? a->shape[0] : a->shape.back();
    return outputs * static_cast<double>(k);
  }
  return 0;
}

bool measure_sensitivity(const ModelProbe& probe, const Graph& lowered, const LowerOptions& options,
                         const LowerResult& full, std::vector<LayerSensitivity>* ranking, bool progress,
                         std::string* error) {
  std::map<std::string, int> index;
  for (size_t k = 0; k < lowered.nodes.size(); ++k) index[lowered.nodes[k].name] = static_cast<int>(k);
  // Each fused node belongs to the layer whose lowering took it: follow its first
  // non-constant input back to a node that was not itself fused.
  std::map<std::string, const DispatchEntry*> entry;
  for (const auto& d : full.dispatch) entry[d.node] = &d;
  auto head_of = [&](const DispatchEntry& d) -> std::string {
    const size_t sw = d.reason.find("fused with ");
    if (sw != std::string::npos) {
      const size_t e = d.reason.find(" into", sw);
      return d.reason.substr(sw + 11, e == std::string::npos ? std::string::npos : e - sw - 11);
    }
    std::string at = d.node;
    for (int guard = 0; guard < 64; ++guard) {
      auto it = index.find(at);
      if (it == index.end()) return "";
      const Node& n = lowered.nodes[it->second];
      int p = -1;
      for (const auto& in : n.inputs)
        if (!in.empty() && !lowered.is_constant(in)) {
          p = lowered.producer(in);
          break;
        }
      if (p < 0) return "";
      at = lowered.nodes[p].name;
      auto e = entry.find(at);
      if (e == entry.end() || !is_glue(*e->second)) return at;
    }
    return "";
  };
  std::map<std::string, LayerSensitivity> layers;
  std::vector<std::string> order;
  for (const auto& d : full.dispatch) {
    if (!d.int8 || is_glue(d) || is_layout_op(d.op_type) || !index.count(d.node)) continue;
    LayerSensitivity s;
    s.node = d.node;
    s.op_type = d.op_type;
    s.macs = node_macs(lowered, lowered.nodes[index[d.node]]);
    layers[d.node] = s;
    order.push_back(d.node);
  }
  for (const auto& d : full.dispatch) {
    if (!d.int8 || d.reason.find("fused") == std::string::npos) continue;
    const std::string h = head_of(d);
    auto it = layers.find(h);
    if (it != layers.end()) {
      it->second.fused.push_back(d.node);
      it->second.macs += index.count(d.node) ? node_macs(lowered, lowered.nodes[index[d.node]]) : 0;
    }
  }
  // Neighbours: walk through nodes that are not ranked layers (layout ops, glue).
  auto walk = [&](const std::string& start, bool down) {
    std::vector<std::string> found;
    std::vector<std::string> stack{start};
    std::set<std::string> seen;
    while (!stack.empty()) {
      const std::string at = stack.back();
      stack.pop_back();
      if (!seen.insert(at).second || !index.count(at)) continue;
      const Node& n = lowered.nodes[index[at]];
      std::vector<int> next;
      if (down) {
        for (const auto& o : n.outputs)
          if (!o.empty())
            for (int c : lowered.consumers(o)) next.push_back(c);
      } else {
        for (const auto& in : n.inputs)
          if (!in.empty() && !lowered.is_constant(in) && lowered.producer(in) >= 0) next.push_back(lowered.producer(in));
      }
      for (int k : next) {
        const std::string& name = lowered.nodes[k].name;
        if (layers.count(name) && name != start) {
          if (std::find(found.begin(), found.end(), name) == found.end()) found.push_back(name);
        } else {
          stack.push_back(name);
        }
      }
    }
    return found;
  };
  for (auto& kv : layers) {
    // From the last fused node down, from the head up.
    std::string tail = kv.first;
    for (const auto& f : kv.second.fused) tail = f;
    kv.second.readers = walk(tail, true);
    for (const auto& f : kv.second.fused) {
      auto r = walk(f, true);
      for (auto& x : r)
        if (std::find(kv.second.readers.begin(), kv.second.readers.end(), x) == kv.second.readers.end() && x != kv.first)
          kv.second.readers.push_back(x);
    }
    kv.second.producers = walk(kv.first, false);
  }
  std::set<std::string> all;
  for (const auto& n : lowered.nodes) all.insert(n.name);
  size_t done = 0;
  for (const auto& name : order) {
    LayerSensitivity& s = layers[name];
    LowerOptions o = options;
    o.probe = false;
    o.keep_float = all;
    o.keep_float.erase(s.node);
    for (const auto& f : s.fused) o.keep_float.erase(f);
    for (const auto& f : options.keep_float) o.keep_float.insert(f);
    std::string e;
    if (!probe.error_of(lowered, o, &s.relative_error, &e)) {
      // A layer the runtime refuses alone is left out of the ranking.
      s.relative_error = -1;
    } else if (!std::isfinite(s.relative_error)) {
      s.relative_error = INFINITY;  // NaN outputs: the most harmful, and a sortable number
    }
    if (progress) std::fprintf(stderr, "\rsensitivity: %zu/%zu layers", ++done, order.size());
  }
  if (progress && !order.empty()) std::fprintf(stderr, "\n");
  ranking->clear();
  for (const auto& name : order)
    if (layers[name].relative_error >= 0) ranking->push_back(layers[name]);
  std::stable_sort(ranking->begin(), ranking->end(), [](const LayerSensitivity& a, const LayerSensitivity& b) {
    return a.relative_error > b.relative_error;
  });
  (void)error;
  return true;
}

bool choose_float_layers(const ModelProbe& probe, const Graph& lowered, const LowerOptions& options,
                         const std::vector<LayerSensitivity>& ranking, const PrecisionBudget& budget,
                         PrecisionChoice* choice, std::string* error) {
  choice->total_macs = 0;
  for (const auto& n : lowered.nodes) choice->total_macs += node_macs(lowered, n);
  LowerOptions o = options;
  o.probe = false;
  double err;
  if (!probe.error_of(lowered, o, &err, error)) return false;
  choice->float_nodes.clear();
  choice->layers = 0;
  choice->float_macs = 0;
  const double cap = budget.max_error > 0 ? budget.max_float_macs * choice->total_macs : INFINITY;
  auto done = [&] {
    if (budget.keep_float > 0 && choice->layers >= budget.keep_float) return true;
    return budget.keep_float == 0 && budget.max_error > 0 && err <= budget.max_error;
  };
  // In ranking order, a layer goes to float when that lowers the error of the whole
  // model: a layer that hurts alone may not help alone (its input and output stay
  // 8-bit while its neighbours are INT8), and then it costs speed for nothing.
  std::map<std::string, const LayerSensitivity*> by_name;
  for (const auto& l : ranking) by_name[l.node] = &l;
  for (const auto& l : ranking) {
    if (done()) break;
    if (choice->float_nodes.count(l.node)) continue;
    // Alone, with its readers, with its producers: the one that lowers the error most.
    std::vector<std::vector<const LayerSensitivity*>> options{{&l}};
    for (const auto* side : {&l.readers, &l.producers}) {
      std::vector<const LayerSensitivity*> group{&l};
      for (const auto& n : *side)
        if (by_name.count(n) && !choice->float_nodes.count(n)) group.push_back(by_name[n]);
      if (group.size() > 1) options.push_back(group);
    }
    double best = err * 0.97;  // 0.13 dB at least
    LowerOptions best_o;
    const std::vector<const LayerSensitivity*>* best_group = nullptr;
    double best_macs = 0;
    for (const auto& group : options) {
      double macs = 0;
      LowerOptions t = o;
      for (const auto* m : group) {
        macs += m->macs;
        t.keep_float.insert(m->node);
        for (const auto& f : m->fused) t.keep_float.insert(f);
      }
      if (choice->float_macs + macs > cap) continue;
      if (budget.keep_float > 0 && choice->layers + group.size() > budget.keep_float) continue;
      double e;
      std::string why;
      if (!probe.error_of(lowered, t, &e, &why) || !(e < best)) continue;
      best = e;
      best_o = t;
      best_group = &group;
      best_macs = macs;
    }
    if (!best_group) continue;
    o = best_o;
    err = best;
    choice->layers += best_group->size();
    choice->float_macs += best_macs;
    for (const auto* m : *best_group) {
      choice->float_nodes.insert(m->node);
      for (const auto& f : m->fused) choice->float_nodes.insert(f);
    }
  }
  choice->relative_error = err;
  choice->met = budget.max_error <= 0 || err <= budget.max_error;
  return true;
}

}  // namespace octet::cvt

#include "converter/pipeline/convert.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "converter/calib/bias_correction.h"
#include "converter/calib/channel_ranges.h"
#include "converter/float/float_executor.h"
#include "converter/io/npy.h"
#include "converter/onnx/onnx_export.h"
#include "converter/passes/passes.h"
#include "converter/pipeline/sensitivity.h"
#include "converter/pipeline/sha256.h"
#include "octet/octet.h"

namespace octet::cvt {

namespace {

constexpr const char* kConverterVersion = "octet-convert 0.1.0";

std::string base_name(const std::string& p) {
  const size_t s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Calibration samples: one file per sample for single-input models, one
// subfolder per input (files matched in sorted order) otherwise.
struct Samples {
  std::vector<std::map<std::string, std::string>> files;
};

bool find_samples(const Graph& g, const ConvertOptions& o, Samples* s, std::string* error) {
  if (g.inputs.size() == 1) {
    std::string e;
    auto files = list_calibration_files(o.calib_path, &e);
    if (!e.empty()) return *error = e, false;
    for (const auto& f : files) s->files.push_back({{g.inputs[0], f}});
  } else {
    std::vector<std::vector<std::string>> per;
    for (const auto& in : g.inputs) {
      std::string e;
      per.push_back(list_calibration_files(o.calib_path + "/" + in, &e));
      if (!e.empty()) return *error = "model has several inputs: expected a folder per input: " + e, false;
    }
    size_t n = per[0].size();
    for (const auto& p : per) n = std::min(n, p.size());
    for (size_t i = 0; i < n; ++i) {
      std::map<std::string, std::string> m;
      for (size_t k = 0; k < g.inputs.size(); ++k) m[g.inputs[k]] = per[k][i];
      s->files.push_back(m);
    }
  }
  if (o.calib_limit && s->files.size() > o.calib_limit) s->files.resize(o.calib_limit);
  if (s->files.empty()) return *error = "no calibration samples (images, .npy or .bin) in '" + o.calib_path + "'", false;
  return true;
}

bool load_sample(const Graph& g, const ConvertOptions& o, const std::map<std::string, std::string>& files,
                 std::map<std::string, Tensor>* inputs, std::string* error) {
  for (const auto& kv : files) {
    const ValueInfo* vi = g.info(kv.first);
    Tensor t;
    const auto kind = calibration_file_kind(kv.second);
    std::string e;
    bool ok;
    if (kind == CalibrationFileKind::kImage) {
      ImagePreprocess pp = o.preprocess;
      if (vi->shape.size() == 4) {
        const bool nhwc = pp.layout == ImageLayout::kNHWC;
        if (!pp.height) pp.height = static_cast<int>(vi->shape[nhwc ? 1 : 2]);
        if (!pp.width) pp.width = static_cast<int>(vi->shape[nhwc ? 2 : 3]);
        pp.channels = static_cast<int>(vi->shape[nhwc ? 3 : 1]);
      }
      ok = load_image(kv.second, pp, &t, &e);
    } else if (kind == CalibrationFileKind::kNpy) {
      ok = read_npy(kv.second, &t, &e);
      if (ok && t.dtype != DType::kFloat32) t = t.cast(DType::kFloat32);
    } else {
      ok = read_raw_f32(kv.second, vi->shape, &t, &e);
    }
    if (!ok) return *error = kv.second + ": " + e, false;
    if (t.shape != vi->shape) {
      if (t.numel() != [&] { int64_t c = 1; for (auto d : vi->shape) c *= d; return c; }())
        return *error = kv.second + ": sample shape " + shape_str(t.shape) + " does not match input '" + kv.first +
                        "' " + shape_str(vi->shape),
               false;
      t.shape = vi->shape;
    }
    (*inputs)[kv.first] = std::move(t);
  }
  return true;
}

struct Compare {
  double sqnr_db, cosine;
};
Compare compare(const float* ref, const float* got, size_t n) {
  double s = 0, e = 0, dot = 0, nr = 0, ng = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(ref[i]) - got[i];
    s += static_cast<double>(ref[i]) * ref[i];
    e += d * d;
    dot += static_cast<double>(ref[i]) * got[i];
    nr += static_cast<double>(ref[i]) * ref[i];
    ng += static_cast<double>(got[i]) * got[i];
  }
  Compare c;
  c.sqnr_db = e == 0 ? 99.0 : (s == 0 ? -99.0 : 10.0 * std::log10(s / e));
  c.cosine = (nr == 0 || ng == 0) ? (nr == ng ? 1.0 : 0.0) : dot / std::sqrt(nr * ng);
  return c;
}

// Runs the probe model (every mapped value an output) and the float graph on the
// same samples; per value the mean SQNR and cosine over samples.
bool quality_report(const Graph& g, const Graph& lowered, const ConvertOptions& o, const LowerOptions& lo,
                    const Samples& samples, ConvertResult* res, std::string* error) {
  ModelWriter w;
  LowerResult probe;
  LowerOptions po = lo;
  po.probe = true;
  if (!lower_graph(lowered, po, &w, &probe, error)) return false;
  const std::vector<uint8_t> bytes = w.finish();
  octet_model* model = nullptr;
  char err[512];
  if (octet_model_load_memory(bytes.data(), bytes.size(), &model, err, sizeof err) != OCTET_OK)
    return *error = std::string("the probe model does not load: ") + err, false;
  octet_session_options so;
  octet_session_options_init(&so);
  octet_session* s = nullptr;
  if (octet_session_create(model, &so, &s, err, sizeof err) != OCTET_OK) {
    octet_model_release(model);
    return *error = std::string("session: ") + err, false;
  }
  std::map<std::string, size_t> out_index;
  const size_t nout = octet_model_num_outputs(model);
  for (size_t i = 0; i < nout; ++i) {
    octet_tensor_info info;
    octet_model_output_info(model, i, &info);
    out_index[info.name] = i;
  }
  std::map<std::string, size_t> in_index;
  const size_t nin = octet_model_num_inputs(model);
  for (size_t i = 0; i < nin; ++i) {
    octet_tensor_info info;
    octet_model_input_info(model, i, &info);
    in_index[info.name] = i;
  }
  std::map<std::string, int> producer;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (const auto& out : g.nodes[k].outputs) producer[out] = static_cast<int>(k);
  std::map<std::string, std::pair<double, double>> acc;
  const size_t n = std::min(o.report_samples, samples.files.size());
  bool ok = true;
  for (size_t i = 0; i < n && ok; ++i) {
    std::map<std::string, Tensor> inputs, all;
    if (!load_sample(g, o, samples.files[i], &inputs, error)) { ok = false; break; }
    FloatExecutor ex(g);
    if (!ex.run(inputs, &all, error, true)) { ok = false; break; }
    for (const auto& kv : inputs)
      octet_session_set_input_float(s, in_index[kv.first], kv.second.data<float>(), static_cast<size_t>(kv.second.numel()));
    if (octet_session_invoke(s) != OCTET_OK) {
      *error = std::string("probe run failed: ") + octet_session_last_error(s);
      ok = false;
      break;
    }
    for (const auto& kv : probe.values) {
      if (kv.second.output_name.empty() || !all.count(kv.first)) continue;
      const Tensor& ref = all[kv.first];
      if (ref.dtype != DType::kFloat32) continue;
      std::vector<float> got(static_cast<size_t>(ref.numel()));
      if (octet_session_get_output_float(s, out_index[kv.second.output_name], got.data(), got.size()) != OCTET_OK) continue;
      const Compare c = compare(ref.data<float>(), got.data(), got.size());
      acc[kv.first].first += c.sqnr_db / n;
      acc[kv.first].second += c.cosine / n;
    }
  }
  octet_session_release(s);
  octet_model_release(model);
  if (!ok) return false;
  for (const auto& kv : acc) {
    LayerQuality q;
    q.value = kv.first;
    q.sqnr_db = kv.second.first;
    q.cosine = kv.second.second;
    auto p = producer.find(kv.first);
    if (p != producer.end()) {
      q.node = g.nodes[p->second].name;
      q.op_type = g.nodes[p->second].op_type;
    }
    q.int8 = probe.values[kv.first].int8;
    if (g.is_output(kv.first)) res->outputs[kv.first] = q;
    res->layers.push_back(q);
  }
  std::sort(res->layers.begin(), res->layers.end(),
            [](const LayerQuality& a, const LayerQuality& b) { return a.sqnr_db < b.sqnr_db; });
  return true;
}

std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    r += c;
  }
  return r;
}

bool write_report_json(const std::string& path, const ConvertResult& r, std::string* error) {
  std::ostringstream s;
  s << "{\n  \"int8_ops\": " << r.lowered.int8_ops << ",\n  \"float_ops\": " << r.lowered.float_ops
    << ",\n  \"calibration_samples\": " << r.calib_samples << ",\n  \"layers\": [";
  char buf[128];
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    std::snprintf(buf, sizeof buf, "\"sqnr_db\": %.3f, \"cosine\": %.6f", l.sqnr_db, l.cosine);
    s << (i ? ",\n" : "\n") << "    {\"value\": \"" << json_escape(l.value) << "\", \"node\": \"" << json_escape(l.node)
      << "\", \"op\": \"" << l.op_type << "\", \"int8\": " << (l.int8 ? "true" : "false") << ", " << buf << "}";
  }
  s << "\n  ],\n  \"float_mac_fraction\": " << r.float_mac_fraction << ",\n  \"float_layers\": " << r.float_layers;
  if (!r.sensitivity.empty()) {
    std::snprintf(buf, sizeof buf, ",\n  \"output_sqnr_all_int8_db\": %.3f, \"output_sqnr_chosen_db\": %.3f", r.sqnr_all_int8_db,
                  r.sqnr_chosen_db);
    s << buf;
    if (r.ms_all_int8 > 0) {  // measured only with a budget
      std::snprintf(buf, sizeof buf, ",\n  \"ms_all_int8\": %.3f, \"ms_chosen\": %.3f", r.ms_all_int8, r.ms_chosen);
      s << buf;
    }
    s << ",\n  \"sensitivity\": [";
    for (size_t i = 0; i < r.sensitivity.size(); ++i) {
      const auto& x = r.sensitivity[i];
      std::snprintf(buf, sizeof buf, "\"sqnr_db\": %.3f, \"mac_fraction\": %.6f", x.sqnr_db, x.mac_fraction);
      s << (i ? ",\n" : "\n") << "    {\"node\": \"" << json_escape(x.node) << "\", \"op\": \"" << x.op_type << "\", " << buf
        << ", \"float\": " << (x.kept_float ? "true" : "false") << "}";
    }
    s << "\n  ]";
  }
  if (!r.steps.empty()) {
    s << ",\n  \"steps\": [";
    for (size_t i = 0; i < r.steps.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.3f", r.steps[i].output_sqnr_db);
      s << (i ? ",\n" : "\n") << "    {\"name\": \"" << json_escape(r.steps[i].name) << "\", \"output_sqnr_db\": " << buf
        << ", \"sqnr_db\": {";
      size_t k = 0;
      for (const auto& kv : r.steps[i].sqnr_db) {
        std::snprintf(buf, sizeof buf, "%.3f", kv.second);
        s << (k++ ? ", " : "") << "\"" << json_escape(kv.first) << "\": " << buf;
      }
      s << "}}";
    }
    s << "\n  ]";
  }
  s << "\n}\n";
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << s.str();
  if (!f) return *error = "cannot write '" + path + "'", false;
  return true;
}

double sqnr_of(double relative_error) {
  if (!std::isfinite(relative_error)) return -99.0;  // NaN or infinite outputs: the worst
  return relative_error > 0 ? -10.0 * std::log10(relative_error) : 99.0;
}

// Sensitivity analysis and the float layers a budget buys; lowers again into *w.
bool choose_precision(const Graph& g, const Graph& lg, const ConvertOptions& o, const Samples& samples,
                      bool bias_corrected, LowerOptions* lo, ConvertResult* res, std::string* error) {
  std::vector<std::map<std::string, Tensor>> in;
  const size_t n = std::max<size_t>(1, std::min(o.sensitivity_samples, samples.files.size()));
  for (size_t i = 0; i < n; ++i) {
    std::map<std::string, Tensor> t;
    // Spread over the calibration set rather than its first files.
    if (!load_sample(g, o, samples.files[i * samples.files.size() / n], &t, error)) return false;
    in.push_back(std::move(t));
  }
  ModelProbe probe(g, std::move(in));
  if (!probe.init(error)) return false;
  if (bias_corrected) probe.restore_float_biases_from(&g);
  std::vector<LayerSensitivity> ranking;
  if (!measure_sensitivity(probe, lg, *lo, res->lowered, &ranking, o.verbose, error)) return false;
  PrecisionBudget b;
  b.keep_float = o.keep_float_count;
  b.max_error = o.max_error;
  b.max_float_macs = o.max_float_macs;
  const bool budget = o.keep_float_count > 0 || o.max_error > 0;
  PrecisionChoice c;
  if (budget && !choose_float_layers(probe, lg, *lo, ranking, b, &c, error)) return false;
  double e0 = 0;
  if (!probe.error_of(lg, *lo, &e0, error)) return false;
  res->sqnr_all_int8_db = sqnr_of(e0);
  res->sqnr_chosen_db = budget ? sqnr_of(c.relative_error) : res->sqnr_all_int8_db;
  if (!budget)
    for (const auto& n : lg.nodes) c.total_macs += node_macs(lg, n);
  LowerOptions chosen = *lo;
  chosen.keep_float.insert(c.float_nodes.begin(), c.float_nodes.end());
  if (budget && !probe.latency_of(lg, *lo, 7, &res->ms_all_int8, error)) return false;
  if (budget && !probe.latency_of(lg, chosen, 7, &res->ms_chosen, error)) return false;
  for (size_t i = 0; i < ranking.size(); ++i) {
    ConvertResult::Sensitivity s;
    s.node = ranking[i].node;
    s.op_type = ranking[i].op_type;
    s.sqnr_db = sqnr_of(ranking[i].relative_error);
    s.mac_fraction = c.total_macs > 0 ? ranking[i].macs / c.total_macs : 0;
    s.kept_float = budget && c.float_nodes.count(s.node);
    res->sensitivity.push_back(s);
  }
  res->float_layers = budget ? c.layers : 0;
  if (o.verbose) {
    std::fprintf(stderr, "sensitivity (each layer alone in INT8, %zu samples; output SQNR), most harmful first:\n", n);
    for (size_t i = 0; i < res->sensitivity.size(); ++i) {
      const auto& s = res->sensitivity[i];
      if (i >= o.report_rows && !s.kept_float) continue;
      std::fprintf(stderr, "  %-40.40s %-18s %7.2f dB %6.2f%% of MACs%s\n", s.node.c_str(), s.op_type.c_str(),
                   s.sqnr_db, 100 * s.mac_fraction, s.kept_float ? "  -> float" : "");
    }
    if (budget) {
      std::fprintf(stderr,
                   "precision: %zu layers kept in float (%.2f%% of MACs): output SQNR %.2f dB -> %.2f dB%s\n",
                   c.layers, c.total_macs > 0 ? 100 * c.float_macs / c.total_macs : 0.0, res->sqnr_all_int8_db,
                   res->sqnr_chosen_db,
                   c.met ? "" : " (--max-error not reached within --max-float-macs)");
      std::fprintf(stderr, "speed cost: %.2f ms all INT8 -> %.2f ms (%+.1f%%), 1 thread, median of 7 on this machine\n",
                   res->ms_all_int8, res->ms_chosen,
                   res->ms_all_int8 > 0 ? 100 * (res->ms_chosen / res->ms_all_int8 - 1) : 0.0);
    }
  }
  if (budget) *lo = chosen;
  return true;
}

ConvertResult::Step step_of(const std::string& name, const ConvertResult& r) {
  ConvertResult::Step s;
  s.name = name;
  for (const auto& l : r.layers) s.sqnr_db[l.value] = l.sqnr_db;
  double sum = 0;
  for (const auto& kv : r.outputs) sum += kv.second.sqnr_db;
  s.output_sqnr_db = r.outputs.empty() ? 0 : sum / static_cast<double>(r.outputs.size());
  return s;
}

// The per-layer report after each step the options ask for, each step adding one:
// min-max calibration; the chosen method; equalization; bias correction; the
// layers the budget keeps in float. `plain` is the graph before equalization,
// `g` after, `corrected` with every INT8 layer's bias corrected, `lg` what is
// lowered (its float layers with their own biases).
bool report_each_step(const Graph& plain, const Graph& g, const Graph& corrected, const Graph& lg, const ConvertOptions& o,
                      const Samples& samples, const LowerOptions& int8, const LowerOptions& final_options,
                      bool budget, ConvertResult* res, std::string* error) {
  auto loader_for = [&](const Graph& graph) {
    return [&](size_t i, std::map<std::string, Tensor>* in, std::string* e) {
      return load_sample(graph, o, samples.files[i], in, e);
    };
  };
  auto ranges_for = [&](const Graph& graph, CalibMethod m, std::map<std::string, Range>* ranges) {
    CalibOptions co = o.calib;
    co.method = m;
    co.progress = false;
    for (const auto& v : values_needing_ranges(graph))
      if (auto f = elementwise_reader(graph, v)) co.reader_function[v] = f;
    return calibrate(graph, values_needing_ranges(graph), samples.files.size(), loader_for(graph), co, ranges, error);
  };
  auto report = [&](const std::string& name, const Graph& ref, const Graph& lowered, const LowerOptions& lo) {
    ConvertResult r;
    if (!quality_report(ref, lowered, o, lo, samples, &r, error)) return false;
    res->steps.push_back(step_of(name, r));
    if (o.verbose) std::fprintf(stderr, "report: step '%s': outputs %.2f dB\n", name.c_str(), res->steps.back().output_sqnr_db);
    return true;
  };
  LowerOptions lo = int8;
  if (!ranges_for(plain, CalibMethod::kMinMax, &lo.ranges) || !report("min-max", plain, plain, lo)) return false;
  if (o.calib.method != CalibMethod::kMinMax) {
    if (!ranges_for(plain, o.calib.method, &lo.ranges) ||
        !report(std::string("+ ") + calib_method_name(o.calib.method), plain, plain, lo))
      return false;
  }
  if (o.equalize && !report("+ equalization", g, g, int8)) return false;
  if (o.bias_correction && !report("+ bias correction", g, corrected, int8)) return false;
  if (budget) {
    if (!report("+ " + std::to_string(res->float_layers) + " float", g, lg, final_options)) return false;
  }
  return true;
}

}  // namespace

void print_dispatch_summary(const LowerResult& r, FILE* out) {
  std::fprintf(out, "dispatch: %zu ops INT8, %zu ops float\n", r.int8_ops, r.float_ops);
  std::map<std::string, std::pair<size_t, size_t>> by_type;
  std::map<std::string, size_t> float_reasons, glue;
  for (const auto& d : r.dispatch) {
    if (d.reason == "region border" || d.reason == "layout change") {
      glue[d.op_type + " (" + d.reason + ")"]++;
      continue;
    }
    if (d.reason.rfind("fused", 0) == 0 || d.reason.find("fused") != std::string::npos) {
      glue[d.op_type + " fused into its producer"]++;
      continue;
    }
    auto& p = by_type[d.op_type];
    (d.int8 ? p.first : p.second)++;
    if (!d.int8) float_reasons[d.op_type + ": " + (d.reason.empty() ? "forced to float" : d.reason)]++;
  }
  for (const auto& kv : by_type)
    std::fprintf(out, "  %-22s %4zu int8 %4zu float\n", kv.first.c_str(), kv.second.first, kv.second.second);
  for (const auto& kv : glue) std::fprintf(out, "  + %zu %s\n", kv.second, kv.first.c_str());
  for (const auto& kv : float_reasons) std::fprintf(out, "  float: %zu x %s\n", kv.second, kv.first.c_str());
}

// Which ranges the method cut below the observed min-max, the widest cuts first.
static void report_clipping(CalibMethod m, const std::map<std::string, Range>& observed,
                     const std::map<std::string, Range>& chosen) {
  struct Cut {
    std::string name;
    Range seen, kept;
    double kept_fraction;
  };
  std::vector<Cut> cuts;
  for (const auto& kv : chosen) {
    auto it = observed.find(kv.first);
    if (it == observed.end()) continue;
    const double span = static_cast<double>(it->second.hi) - it->second.lo;
    const double kept = static_cast<double>(kv.second.hi) - kv.second.lo;
    if (span > 0 && kept < span * 0.999) cuts.push_back({kv.first, it->second, kv.second, kept / span});
  }
  std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) { return a.kept_fraction < b.kept_fraction; });
  std::fprintf(stderr, "calibration (%s): %zu of %zu ranges clipped below their min-max\n", calib_method_name(m),
               cuts.size(), chosen.size());
  for (size_t i = 0; i < cuts.size() && i < 8; ++i) {
    const Cut& c = cuts[i];
    std::fprintf(stderr, "  %-40.40s [%.4g, %.4g] -> [%.4g, %.4g] (%.0f%% of the span)\n", c.name.c_str(), c.seen.lo,
                 c.seen.hi, c.kept.lo, c.kept.hi, 100.0 * c.kept_fraction);
  }
}

bool convert_model(const ConvertOptions& o, ConvertResult* res, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!read_file_bytes(o.input_path, uint64_t{1} << 31, &bytes, error)) return false;
  const std::string sha = sha256_hex(bytes.data(), bytes.size());
  Graph g;
  if (!import_onnx_bytes(bytes.data(), bytes.size(), o.import, &g, error)) {
    *error = o.input_path + ": " + *error;
    return false;
  }
  bytes.clear();
  bytes.shrink_to_fit();
  if (!run_graph_passes(&g, &res->pass_log, error)) return false;
  // Equalization needs the activations' channel ranges, so it waits for the samples
  // (below); only the data-free rule, or a pre-quantized model's skip, runs here.
  Graph plain;  // before equalization, for the report of each step
  if (o.report_steps && o.equalize) plain = g;
  const bool equalize_now = o.equalize && (!g.quant.empty() || o.equalize_rule == EqualizeRule::kWeights);
  if (equalize_now && !equalize_cross_layer(&g, &res->pass_log, error)) return false;
  if (o.equalize && !equalize_now && (!o.quantize || o.calib_path.empty()))
    res->pass_log.push_back("cross-layer equalization: skipped (the activation rules need calibration data)");
  if (o.verbose)
    for (const auto& l : res->pass_log) std::fprintf(stderr, "pass: %s\n", l.c_str());
  // Every node must be lowerable before any calibration time is spent.
  {
    const std::string missing = unsupported_nodes(g);
    if (!missing.empty()) {
      *error = "unsupported operators (nothing was written):" + missing +
               "\n  (export the model without them, or open an issue naming the operator)";
      return false;
    }
  }
  LowerOptions lo;
  lo.int8 = o.quantize;
  lo.keep_float = o.keep_float;
  Samples samples;
  std::string method = "none";
  const bool prequantized = !g.quant.empty();
  if (o.quantize && prequantized && o.calib_path.empty()) {
    method = "qdq";
    if (o.verbose) std::fprintf(stderr, "quantization: the model's own (%zu values fixed by Q/DQ nodes)\n", g.quant.size());
  } else if (o.quantize) {
    if (o.calib_path.empty()) {
      *error = "an FP32 model needs calibration data: --calib FOLDER (images, .npy or .bin), or --float for a float model";
      return false;
    }
    if (!find_samples(g, o, &samples, error)) return false;
    res->calib_samples = samples.files.size();
    if (o.equalize && !equalize_now) {
      // Per-channel ranges of the values between pairs on the first samples, then
      // the rescaled graph is calibrated as usual.
      size_t n = samples.files.size();
      if (o.equalize_samples && n > o.equalize_samples) n = o.equalize_samples;
      auto loader = [&](size_t i, std::map<std::string, Tensor>* in, std::string* e) {
        return load_sample(g, o, samples.files[i], in, e);
      };
      std::map<std::string, ChannelRanges> channels;
      if (!measure_channel_ranges(g, equalization_values(g), n, loader, &channels, error)) return false;
      EqualizeOptions eo;
      eo.rule = o.equalize_rule;
      eo.channel_ranges = &channels;
      if (!equalize_cross_layer(&g, eo, &res->pass_log, error)) return false;
      res->pass_log.back() += " from " + std::to_string(n) + " samples";
      if (o.verbose) std::fprintf(stderr, "pass: %s\n", res->pass_log.back().c_str());
    }
    bool cached = false;
    // What the ranges depend on besides the model and the method.
    std::string config_text = std::to_string(o.calib.percentile) + "|" + std::to_string(o.calib.bins) + "|" +
                              std::to_string(o.preprocess.width) + "x" + std::to_string(o.preprocess.height) + "|" +
                              std::to_string(static_cast<int>(o.preprocess.resize)) + "|" +
                              std::to_string(o.preprocess.bgr) + "|" + std::to_string(o.preprocess.scale) + "|" +
                              std::to_string(static_cast<int>(o.preprocess.layout));
    if (o.equalize)  // the ranges are those of the equalized graph
      config_text += "|eq" + std::string(equalize_rule_name(o.equalize_rule)) + std::to_string(o.equalize_samples);
    for (float v : o.preprocess.mean) config_text += "|m" + std::to_string(v);
    for (float v : o.preprocess.std) config_text += "|s" + std::to_string(v);
    for (const auto& f : samples.files)
      for (const auto& kv : f) config_text += "|" + kv.first + "=" + kv.second;
    const std::string config = sha256_hex(config_text.data(), config_text.size());
    if (!o.calib_cache.empty()) {
      std::string e;
      bool usable = false;
      if (read_calib_cache(o.calib_cache, sha, o.calib.method, config, &lo.ranges, &usable, &e) && usable) {
        cached = true;
        if (o.verbose) std::fprintf(stderr, "calibration: ranges from cache %s\n", o.calib_cache.c_str());
      }
    }
    if (!cached) {
      CalibOptions co = o.calib;
      co.progress = o.verbose;
      for (const auto& v : values_needing_ranges(g))
        if (auto f = elementwise_reader(g, v)) co.reader_function[v] = f;
      auto loader = [&](size_t i, std::map<std::string, Tensor>* in, std::string* e) {
        return load_sample(g, o, samples.files[i], in, e);
      };
      std::map<std::string, Range> observed;
      if (!calibrate(g, values_needing_ranges(g), samples.files.size(), loader, co, &lo.ranges, error, &observed)) return false;
      if (o.verbose && o.calib.method != CalibMethod::kMinMax) report_clipping(o.calib.method, observed, lo.ranges);
      if (!o.calib_cache.empty() && !write_calib_cache(o.calib_cache, sha, o.calib.method, config, lo.ranges, error)) return false;
    }
    method = calib_method_name(o.calib.method);
  }
  // Bias correction changes a copy, lg, which is lowered; g stays the float reference.
  Graph bc;
  const bool correct = o.bias_correction && o.quantize && !samples.files.empty();
  std::set<std::string> corrected_with = lo.keep_float;  // layers the correction left alone
  if (correct) {
    bc = g;
    auto loader = [&](size_t i, std::map<std::string, Tensor>* in, std::string* e) {
      return load_sample(g, o, samples.files[i], in, e);
    };
    if (!correct_biases(g, &bc, lo, samples.files.size(), loader, &res->pass_log, error)) return false;
    if (o.verbose) std::fprintf(stderr, "pass: %s\n", res->pass_log.back().c_str());
  }
  const Graph& lg = correct ? bc : g;
  // Lower, then load the result back through the runtime before writing it: a file
  // octet-convert writes always loads. An int8 operator the runtime refuses (a scale
  // ratio beyond a kernel's bounds) is lowered again in float, named in the summary.
  ModelWriter w;
  std::vector<std::string> refused;
  for (int attempt = 0;; ++attempt) {
    w = ModelWriter();
    res->lowered = LowerResult();
    if (!lower_graph(lg, lo, &w, &res->lowered, error)) return false;
    w.set_metadata(kConverterVersion, base_name(o.input_path), sha, method,
                   o.quantize ? "int8 per-channel weights, int8 per-tensor activations" : "float");
    const std::vector<uint8_t> file = w.finish();
    octet_model* m = nullptr;
    char err[512];
    if (octet_model_load_memory(file.data(), file.size(), &m, err, sizeof err) == OCTET_OK) {
      octet_model_release(m);
      break;
    }
    // "operator N (Kind 'name'): why" names the node.
    const std::string msg = err;
    const size_t q1 = msg.find(" '"), q2 = q1 == std::string::npos ? q1 : msg.find("'): ", q1 + 2);
    const std::string node = q2 == std::string::npos ? "" : msg.substr(q1 + 2, q2 - q1 - 2);
    bool known = false;
    for (const auto& n : g.nodes) known |= n.name == node;
    if (!o.quantize || !known || lo.keep_float.count(node) || attempt >= 64) {
      *error = "internal error: the converted model does not load (nothing was written): " + msg;
      return false;
    }
    lo.keep_float.insert(node);
    refused.push_back(node + ": " + msg.substr(q2 + 4));
  }
  for (const auto& r : refused) {
    res->pass_log.push_back("kept in float, refused in int8 by the runtime: " + r);
    if (o.verbose) std::fprintf(stderr, "float: %s (the int8 kernel refused it)\n", r.c_str());
  }
  const LowerOptions lo_int8 = lo;  // before any layer is kept in float by the budget
  const bool budget = o.keep_float_count > 0 || o.max_error > 0;
  if ((o.sensitivity || budget) && o.quantize && !samples.files.empty()) {
    if (!choose_precision(g, lg, o, samples, correct, &lo, res, error)) return false;
  }
  Graph corrected_all;  // every INT8 layer corrected, for the report of each step
  const bool restore = correct && lo.keep_float != corrected_with;
  if (restore) {
    if (o.report_steps) corrected_all = with_float_biases(bc, g, lo_int8.keep_float);
    // Layers now in float (chosen by the budget or refused by the runtime) get their
    // own biases back.
    bc = with_float_biases(bc, g, lo.keep_float);
  }
  if (restore || lo.keep_float != lo_int8.keep_float) {
    w = ModelWriter();
    res->lowered = LowerResult();
    if (!lower_graph(lg, lo, &w, &res->lowered, error)) return false;
    w.set_metadata(kConverterVersion, base_name(o.input_path), sha, method,
                   "int8 per-channel weights, int8 per-tensor activations");
  }
  {
    double total = 0, in_float = 0;
    std::map<std::string, const Node*> by_name;
    for (const auto& n : lg.nodes) by_name[n.name] = &n;
    for (const auto& d : res->lowered.dispatch) {
      auto it = by_name.find(d.node);
      if (it == by_name.end()) continue;
      const double m = node_macs(lg, *it->second);
      total += m;
      if (!d.int8) in_float += m;
    }
    res->float_mac_fraction = total > 0 ? in_float / total : 0;
  }
  if (!o.emit_qdq.empty()) {
    if (!o.quantize) return *error = "--emit-qdq needs a quantized model (not --float)", false;
    if (!export_qdq_onnx(lg, res->lowered, o.emit_qdq, error)) return false;
  }
  if (!w.write_file(o.output_path, error)) return false;
  if (o.quantize && o.report_samples > 0 && !samples.files.empty()) {
    if (!quality_report(g, lg, o, lo, samples, res, error)) return false;
    if (o.report_steps && !prequantized &&
        !report_each_step(o.equalize ? plain : g, g, corrected_all.nodes.empty() ? lg : corrected_all, lg, o, samples,
                          lo_int8, lo, budget, res, error))
      return false;
    if (!o.report_json.empty() && !write_report_json(o.report_json, *res, error)) return false;
  }
  return true;
}

}  // namespace octet::cvt

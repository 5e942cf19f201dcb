#include "converter/calib/calibrator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "converter/float/float_executor.h"

namespace octet::cvt {

const char* calib_method_name(CalibMethod m) {
  switch (m) {
    case CalibMethod::kMinMax: return "minmax";
    case CalibMethod::kPercentile: return "percentile";
    case CalibMethod::kEntropy: return "entropy";
    case CalibMethod::kMse: return "mse";
  }
  return "?";
}

bool parse_calib_method(const std::string& s, CalibMethod* m) {
  if (s == "minmax") *m = CalibMethod::kMinMax;
  else if (s == "percentile") *m = CalibMethod::kPercentile;
  else if (s == "entropy" || s == "kl") *m = CalibMethod::kEntropy;
  else if (s == "mse") *m = CalibMethod::kMse;
  else return false;
  return true;
}

namespace {

struct Stats {
  float lo = INFINITY, hi = -INFINITY;
  std::vector<double> hist;  // over [lo, hi] in pass 2; over [0, max|x|] for entropy of signed values
  bool symmetric = false;    // entropy on |x|
  double hmin = 0, hmax = 0;
};

void progress_bar(const char* what, size_t done, size_t total) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", what, filled, "##############################", width - filled, "",
               done, total);
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}


// The range holding `pct` percent of the mass in the middle of the histogram.
Range percentile_range(const Stats& st, double pct) {
  const double total = [&] {
    double t = 0;
    for (double h : st.hist) t += h;
    return t;
  }();
  const size_t n = st.hist.size();
  const double width = (st.hmax - st.hmin) / n;
  const double tail = total * (100.0 - pct) / 100.0 / 2.0;
  size_t lo_bin = 0, hi_bin = n - 1;
  double acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc += st.hist[i];
    if (acc > tail) {
      lo_bin = i;
      break;
    }
  }
  acc = 0;
  for (size_t i = n; i-- > 0;) {
    acc += st.hist[i];
    if (acc > tail) {
      hi_bin = i;
      break;
    }
  }
  Range r;
  r.lo = static_cast<float>(st.hmin + lo_bin * width);
  r.hi = static_cast<float>(st.hmin + (hi_bin + 1) * width);
  r.lo = std::max(r.lo, st.lo);
  r.hi = std::min(r.hi, st.hi);
  return r;
}

}  // namespace

void range_qparams(float lo, float hi, double* scale, int32_t* zero_point) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  double sc = (static_cast<double>(hi) - lo) / 255.0;
  if (!(sc > 1e-12)) sc = 1.0 / 255.0;
  const double z = std::nearbyint(-128.0 - lo / sc);
  *scale = static_cast<float>(sc);  // the model stores float32
  *zero_point = static_cast<int32_t>(std::max(-128.0, std::min(127.0, z)));
}

double histogram_mse(const std::vector<double>& hist, double hmin, double hmax, const Range& r,
                     const std::function<double(double)>& f) {
  double scale;
  int32_t zp;
  range_qparams(r.lo, r.hi, &scale, &zp);
  const double width = (hmax - hmin) / static_cast<double>(hist.size());
  double err = 0;
  for (size_t i = 0; i < hist.size(); ++i) {
    if (hist[i] == 0) continue;
    const double v = hmin + (static_cast<double>(i) + 0.5) * width;
    const double q = std::max(-128.0, std::min(127.0, std::nearbyint(v / scale) + zp));
    const double d = f ? f(v) - f(scale * (q - zp)) : v - scale * (q - zp);
    err += hist[i] * d * d;
  }
  return err;
}

Range mse_range(const std::vector<double>& hist, double hmin, double hmax, const std::function<double(double)>& f) {
  constexpr int kSteps = 40;
  Range best{static_cast<float>(hmin), static_cast<float>(hmax)};
  if (hist.empty() || !(hmax > hmin)) return best;
  double best_err = histogram_mse(hist, hmin, hmax, best, f);
  // Cut each side towards 0 (the range always holds 0): step k keeps (1 - k/40) of it.
  const double lo_side = std::min(hmin, 0.0), hi_side = std::max(hmax, 0.0);
  for (int i = 0; i < kSteps; ++i) {
    const double lo = lo_side * (1.0 - static_cast<double>(i) / kSteps);
    if (i > 0 && lo_side == 0) break;
    for (int j = 0; j < kSteps; ++j) {
      const double hi = hi_side * (1.0 - static_cast<double>(j) / kSteps);
      if (j > 0 && hi_side == 0) break;
      Range r{static_cast<float>(std::max(lo, hmin)), static_cast<float>(std::min(hi, hmax))};
      if (hmin > 0) r.lo = static_cast<float>(hmin);  // one-sided values keep their own end
      if (hmax < 0) r.hi = static_cast<float>(hmax);
      if (!(r.hi > r.lo)) continue;
      const double e = histogram_mse(hist, hmin, hmax, r, f);
      if (e < best_err) {
        best_err = e;
        best = r;
      }
    }
  }
  return best;
}

size_t entropy_threshold_bins(const std::vector<double>& hist, size_t levels) {
  const size_t n = hist.size();
  if (n <= levels) return n;
  double best = INFINITY;
  size_t best_i = n;
  std::vector<double> p, q;
  for (size_t i = levels; i <= n; ++i) {
    p.assign(hist.begin(), hist.begin() + i);
    double outliers = 0;
    for (size_t k = i; k < n; ++k) outliers += hist[k];
    p[i - 1] += outliers;
    // Q: hist[0:i] merged into `levels` groups, each group's mass spread evenly
    // over its non-empty bins.
    q.assign(i, 0.0);
    for (size_t l = 0; l < levels; ++l) {
      const size_t b = l * i / levels, e = (l + 1) * i / levels;
      double mass = 0;
      size_t nonzero = 0;
      for (size_t k = b; k < e; ++k) {
        mass += hist[k];
        nonzero += hist[k] != 0;
      }
      for (size_t k = b; k < e; ++k)
        if (hist[k] != 0) q[k] = mass / nonzero;
    }
    double ps = 0, qs = 0;
    for (size_t k = 0; k < i; ++k) {
      ps += p[k];
      qs += q[k];
    }
    if (ps == 0 || qs == 0) continue;
    double kl = 0;
    for (size_t k = 0; k < i; ++k) {
      if (p[k] == 0) continue;
      const double pk = p[k] / ps;
      const double qk = q[k] == 0 ? 1e-12 : q[k] / qs;
      kl += pk * std::log(pk / qk);
    }
    if (kl < best) {
      best = kl;
      best_i = i;
    }
  }
  return best_i;
}

bool observe_values(const Graph& g, const std::set<std::string>& values, size_t count, const SampleLoader& load,
                    const char* progress_label, const std::function<void(const std::string&, const Tensor&)>& visit,
                    std::string* error) {
  FloatExecutor ex(g);
  ex.set_observer([&](int, const std::vector<std::string>& names, const std::vector<const Tensor*>& vals) {
    for (size_t i = 0; i < names.size(); ++i)
      if (vals[i] && values.count(names[i]) && vals[i]->dtype == DType::kFloat32) visit(names[i], *vals[i]);
  });
  for (size_t s = 0; s < count; ++s) {
    std::map<std::string, Tensor> inputs, outputs;
    if (!load(s, &inputs, error)) return false;
    for (const auto& kv : inputs)
      if (values.count(kv.first)) visit(kv.first, kv.second);
    if (!ex.run(inputs, &outputs, error)) {
      *error = "calibration sample " + std::to_string(s) + ": " + *error;
      return false;
    }
    if (progress_label) progress_bar(progress_label, s + 1, count);
  }
  return true;
}

bool calibrate(const Graph& g, const std::set<std::string>& values, size_t count, const SampleLoader& load,
               const CalibOptions& o, std::map<std::string, Range>* ranges, std::string* error,
               std::map<std::string, Range>* observed) {
  if (count == 0) {
    *error = "no calibration samples";
    return false;
  }
  std::map<std::string, Stats> stats;
  const char* label1 = o.method == CalibMethod::kMinMax ? "calibrating (min-max)" : "calibrating (pass 1/2: ranges)";
  if (!observe_values(g, values, count, load, o.progress ? label1 : nullptr,
                [&](const std::string& name, const Tensor& t) {
                  Stats& s = stats[name];
                  const float* d = t.data<float>();
                  for (int64_t i = 0; i < t.numel(); ++i) {
                    if (!std::isfinite(d[i])) continue;
                    s.lo = std::min(s.lo, d[i]);
                    s.hi = std::max(s.hi, d[i]);
                  }
                },
                error))
    return false;
  if (o.method != CalibMethod::kMinMax) {
    for (auto& kv : stats) {
      Stats& s = kv.second;
      if (!(s.lo <= s.hi)) continue;
      s.hist.assign(static_cast<size_t>(o.bins), 0.0);
      // Entropy: values with a negative side of more than a tenth of the positive
      // one are treated symmetrically (|x|, 128 levels a side); the rest one-sided
      // over [0, max] (256 levels), any small negative tail kept whole.
      s.symmetric = o.method == CalibMethod::kEntropy && s.lo < 0 && -s.lo > 0.1f * s.hi;
      if (s.symmetric) {
        s.hmin = 0;
        s.hmax = std::max(-s.lo, s.hi);
      } else if (o.method == CalibMethod::kEntropy) {
        s.hmin = 0;
        s.hmax = s.hi;
      } else {
        s.hmin = s.lo;
        s.hmax = s.hi;
      }
      if (s.hmax <= s.hmin) s.hist.clear();
      // KL picks a threshold measured from zero; a tensor whose values all lie on
      // one side away from zero (sigmoid-like outputs) would be clipped to nothing:
      // those keep their min-max range.
      if (o.method == CalibMethod::kEntropy && (s.lo > 0 || s.hi < 0)) s.hist.clear();
    }
    const char* label2 = o.method == CalibMethod::kPercentile ? "calibrating (pass 2/2: percentiles)"
                         : o.method == CalibMethod::kMse      ? "calibrating (pass 2/2: MSE histograms)"
                                                               : "calibrating (pass 2/2: histograms)";
    if (!observe_values(g, values, count, load, o.progress ? label2 : nullptr,
                  [&](const std::string& name, const Tensor& t) {
                    Stats& s = stats[name];
                    if (s.hist.empty()) return;
                    const double scale = s.hist.size() / (s.hmax - s.hmin);
                    const float* d = t.data<float>();
                    const int64_t last = static_cast<int64_t>(s.hist.size()) - 1;
                    const bool entropy = o.method == CalibMethod::kEntropy;
                    for (int64_t i = 0; i < t.numel(); ++i) {
                      if (!std::isfinite(d[i])) continue;
                      // Exact zeros (ReLU outputs, padding) are represented exactly at
                      // any range; left in, their spike pulls KL towards tiny ranges.
                      if (entropy && d[i] == 0) continue;
                      const double v = s.symmetric ? std::fabs(d[i]) : d[i];
                      int64_t b = static_cast<int64_t>((v - s.hmin) * scale);
                      b = std::max<int64_t>(0, std::min(b, last));
                      s.hist[b] += 1;
                    }
                  },
                  error))
      return false;
  }
  for (const auto& kv : stats) {
    const Stats& s = kv.second;
    Range r;
    if (!(s.lo <= s.hi)) {
      r = {0, 0};
    } else if (s.hist.empty()) {
      r = {s.lo, s.hi};
    } else if (o.method == CalibMethod::kPercentile) {
      r = percentile_range(s, o.percentile);
    } else if (o.method == CalibMethod::kMse) {
      auto f = o.reader_function.find(kv.first);
      r = mse_range(s.hist, s.hmin, s.hmax, f == o.reader_function.end() ? nullptr : f->second);
    } else {
      // Signed values: 128 levels on each side of zero; non-negative: 256.
      const size_t levels = s.symmetric ? 128 : 256;
      const size_t bins = entropy_threshold_bins(s.hist, levels);
      const double t = s.hmin + (s.hmax - s.hmin) * bins / s.hist.size();
      r.hi = static_cast<float>(std::min<double>(s.hi, t));
      r.lo = s.symmetric ? static_cast<float>(std::max<double>(s.lo, -t)) : s.lo;
    }
    (*ranges)[kv.first] = r;
    if (observed != nullptr) (*observed)[kv.first] = s.lo <= s.hi ? Range{s.lo, s.hi} : Range{0, 0};
  }
  return true;
}

bool write_calib_cache(const std::string& path, const std::string& sha, CalibMethod m, const std::string& config,
                       const std::map<std::string, Range>& ranges, std::string* error) {
  std::ostringstream s;
  s << "{\n  \"source_sha256\": \"" << sha << "\",\n  \"method\": \"" << calib_method_name(m) << "\",\n  \"config\": \""
    << config << "\",\n  \"ranges\": {";
  bool first = true;
  char buf[64];
  for (const auto& kv : ranges) {
    s << (first ? "\n" : ",\n") << "    \"";
    for (char c : kv.first) {
      if (c == '"' || c == '\\') s << '\\';
      s << c;
    }
    std::snprintf(buf, sizeof buf, "%.9g, %.9g", kv.second.lo, kv.second.hi);
    s << "\": [" << buf << "]";
    first = false;
  }
  s << "\n  }\n}\n";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << s.str();
    if (!f) {
      *error = "cannot write '" + tmp + "'";
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    *error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

namespace {

// A reader for exactly the JSON that write_calib_cache writes.
struct Json {
  const std::string& s;
  size_t i = 0;
  void ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool lit(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool str(std::string* out) {
    ws();
    if (i >= s.size() || s[i] != '"') return false;
    ++i;
    out->clear();
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out->push_back(s[i++]);
    }
    if (i >= s.size()) return false;
    ++i;
    return true;
  }
  bool num(float* v) {
    ws();
    const char* b = s.c_str() + i;
    char* e = nullptr;
    *v = std::strtof(b, &e);
    if (e == b) return false;
    i += static_cast<size_t>(e - b);
    return true;
  }
};

}  // namespace

bool read_calib_cache(const std::string& path, const std::string& sha, CalibMethod m, const std::string& config,
                      std::map<std::string, Range>* ranges, bool* usable, std::string* error) {
  *usable = false;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open '" + path + "'";
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  Json j{text};
  std::string key, file_sha, method, file_config;
  auto bad = [&] {
    *error = path + ": not a calibration cache written by octet-convert (at byte " + std::to_string(j.i) + ")";
    return false;
  };
  if (!j.lit('{')) return bad();
  std::map<std::string, Range> r;
  for (;;) {
    if (!j.str(&key) || !j.lit(':')) return bad();
    if (key == "source_sha256") {
      if (!j.str(&file_sha)) return bad();
    } else if (key == "method") {
      if (!j.str(&method)) return bad();
    } else if (key == "config") {
      if (!j.str(&file_config)) return bad();
    } else if (key == "ranges") {
      if (!j.lit('{')) return bad();
      if (!j.lit('}')) {
        for (;;) {
          std::string name;
          Range rg;
          if (!j.str(&name) || !j.lit(':') || !j.lit('[') || !j.num(&rg.lo) || !j.lit(',') || !j.num(&rg.hi) || !j.lit(']'))
            return bad();
          if (!(rg.lo <= rg.hi) || !std::isfinite(rg.lo) || !std::isfinite(rg.hi)) return bad();
          r[name] = rg;
          if (j.lit('}')) break;
          if (!j.lit(',')) return bad();
        }
      }
    } else {
      return bad();
    }
    if (j.lit('}')) break;
    if (!j.lit(',')) return bad();
  }
  *usable = file_sha == sha && method == calib_method_name(m) && file_config == config;
  if (*usable) *ranges = std::move(r);
  return true;
}

}  // namespace octet::cvt

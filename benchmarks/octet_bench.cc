// octet-bench: whole-model latency, as benchncnn and TFLite's benchmark_model
// report it, through the public C API (or XNNPACK's operators on the same model).
//
//   octet-bench --model M.octet [--engine octet|xnnpack] [--threads N] [--cpus LIST]
//               [--warmup N] [--runs N] [--min-seconds S] [--input [NAME=]FILE]...
//               [--throughput N] [--profile] [--json FILE] [--trace FILE] [--kernel-path P]
//
// Timed runs continue until both --runs and --min-seconds are reached. Exit codes:
// 0 success, 2 usage error (nothing run), 1 runtime failure (model missing or
// rejected, engine unavailable, file not written). On an error one message goes to
// stderr and nothing to stdout.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/bench/cpus.h"
#include "benchmarks/bench/engine.h"
#include "benchmarks/bench/inputs.h"
#include "benchmarks/bench/json_writer.h"
#include "benchmarks/bench/stats.h"
#include "benchmarks/bench/trace.h"
#include "octet/octet.h"

namespace {

using octet::bench::Engine;
using octet::bench::OperatorProfile;
using octet::bench::Stats;
using Clock = std::chrono::steady_clock;

const char kUsage[] =
    "usage: octet-bench --model M.octet [--engine octet|xnnpack] [--threads N] [--cpus LIST]\n"
    "                   [--warmup N] [--runs N] [--min-seconds S] [--input [NAME=]FILE]...\n"
    "                   [--throughput N] [--profile] [--json FILE] [--trace FILE]\n"
    "                   [--kernel-path P] [--winograd measure|off|on]\n"
    "  --threads N       threads of the session (>= 1, default 1)\n"
    "  --cpus LIST       pin the process to these CPUs first, e.g. 0,2-3\n"
    "  --warmup N        untimed runs after the first one (default 5)\n"
    "  --runs N          timed runs, at least (default 50)\n"
    "  --min-seconds S   keep running until S seconds of timed runs (default 0)\n"
    "  --input FILE      .npy or raw float32 for input 0; NAME=FILE for a named input\n"
    "                    (other inputs: random in [-1, 1], fixed seed)\n"
    "  --throughput N    then N sessions on one shared model, one thread each, on N threads\n"
    "                    for --min-seconds (at least 1 s): frames per second\n"
    "  --profile         per-operator table (median over the timed runs)\n"
    "  --kernel-path P   octet: run on kernel path P (reference, avx2, avx512bw, avxvnni,\n"
    "                    avx512vnni; default: the best this CPU runs, or $OCTET_KERNEL_PATH)\n"
    "  --winograd M      octet: 3x3 stride-1/2 convolutions in Winograd F(2,3): measure (time\n"
    "                    both forms per layer at load, Winograd if 10% faster), off, on (wherever\n"
    "                    exact); default $OCTET_WINOGRAD, else measure. --profile shows each choice\n"
    "  --json FILE       one JSON record of the results\n"
    "  --trace FILE      Chrome trace (Perfetto) of every operator of one run\n";

struct Options {
  std::string model, engine = "octet", cpus_text, json, trace, kernel_path;
  int winograd = 0;  // OCTET_WINOGRAD_*
  int threads = 1, warmup = 5, runs = 50, throughput = 0;
  double min_seconds = 0;
  bool profile = false;
  std::vector<int> cpus;
  std::vector<std::string> inputs;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "octet-bench: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

int failure(const std::string& msg) {
  std::fprintf(stderr, "octet-bench: %s\n", msg.c_str());
  return 1;
}

bool parse_int(const char* s, int lo, int* v) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || x < lo || x > (1 << 24)) return false;
  *v = static_cast<int>(x);
  return true;
}

bool parse_seconds(const char* s, double* v) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !(x >= 0) || x > 1e6) return false;
  *v = x;
  return true;
}

// Returns -1 when the options are good, else the exit code (a message printed).
int parse_options(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--profile") {
      o->profile = true;
      continue;
    }
    static const char* const kWithValue[] = {"--model", "--engine", "--threads", "--cpus", "--warmup", "--runs",
                                             "--min-seconds", "--input", "--throughput", "--json", "--trace",
                                             "--kernel-path", "--winograd"};
    if (std::find(std::begin(kWithValue), std::end(kWithValue), a) == std::end(kWithValue)) {
      return usage_error("unknown argument '" + a + "'");
    }
    if (i + 1 >= argc) return usage_error(a + " needs a value");
    const char* v = argv[++i];
    if (a == "--model") o->model = v;
    else if (a == "--engine") o->engine = v;
    else if (a == "--json") o->json = v;
    else if (a == "--trace") o->trace = v;
    else if (a == "--kernel-path") o->kernel_path = v;
    else if (a == "--winograd") {
      const std::string m = v;
      if (m == "measure") o->winograd = OCTET_WINOGRAD_MEASURE;
      else if (m == "off") o->winograd = OCTET_WINOGRAD_OFF;
      else if (m == "on") o->winograd = OCTET_WINOGRAD_ON;
      else return usage_error("--winograd '" + m + "' must be measure, off or on");
    }
    else if (a == "--input") o->inputs.push_back(v);
    else if (a == "--threads") {
      if (!parse_int(v, 1, &o->threads)) return usage_error("--threads '" + std::string(v) + "' must be an integer >= 1");
    } else if (a == "--warmup") {
      if (!parse_int(v, 0, &o->warmup)) return usage_error("--warmup '" + std::string(v) + "' must be an integer >= 0");
    } else if (a == "--runs") {
      if (!parse_int(v, 1, &o->runs)) return usage_error("--runs '" + std::string(v) + "' must be an integer >= 1");
    } else if (a == "--throughput") {
      if (!parse_int(v, 1, &o->throughput)) {
        return usage_error("--throughput '" + std::string(v) + "' must be an integer >= 1");
      }
    } else if (a == "--min-seconds") {
      if (!parse_seconds(v, &o->min_seconds)) return usage_error("--min-seconds '" + std::string(v) + "' must be >= 0");
    } else if (a == "--cpus") {
      std::string err;
      o->cpus_text = v;
      if (!octet::bench::parse_cpu_list(v, &o->cpus, &err)) return usage_error("--cpus: " + err);
    }
  }
  if (o->model.empty()) return usage_error("--model is required");
  if (o->engine != "octet" && o->engine != "xnnpack") {
    return usage_error("unknown engine '" + o->engine + "' (octet, xnnpack)");
  }
  return -1;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

bool set_inputs(Engine* e, const std::vector<std::vector<float>>& data, std::string* error) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (!e->set_input(i, data[i].data(), data[i].size(), error)) return false;
  }
  return true;
}

// Per-operator medians over the timed runs.
struct OperatorRow {
  OperatorProfile op;
  double ms = 0;
};

struct Results {
  double load_ms = 0, first_run_ms = 0;
  std::vector<double> latencies;
  Stats latency;
  std::vector<OperatorRow> operators;  // empty without --profile
  double operators_sum_ms = 0;         // median over runs of the per-run sum
  std::vector<OperatorProfile> trace;  // the last profiled run
  int sessions = 0;
  double fps = 0, session_median_ms = 0;
};

// Runs `e` until both `runs` and `min_seconds` are reached; latencies in ms.
bool timed_runs(Engine* e, int runs, double min_seconds, bool profile, std::vector<double>* ms,
                std::vector<std::vector<OperatorProfile>>* profiles, std::string* error) {
  const auto start = Clock::now();
  for (int r = 0; r < runs || ms_since(start) < min_seconds * 1e3; ++r) {
    const auto t0 = Clock::now();
    if (!e->invoke(error)) return false;
    ms->push_back(ms_since(t0));
    if (profile) profiles->push_back(e->profile());
  }
  return true;
}

bool throughput(Engine* first, const Options& o, const std::vector<std::vector<float>>& data, Results* res,
                std::string* error) {
  octet::bench::EngineOptions eo;
  eo.threads = 1;
  eo.kernel_path = o.kernel_path;
  eo.winograd = o.winograd;
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < o.throughput; ++i) {
    std::unique_ptr<Engine> e = first->share(eo, error);
    if (!e) e = octet::bench::create_engine(o.engine, o.model, eo, error);  // the engine cannot share its model
    if (!e || !set_inputs(e.get(), data, error) || !e->invoke(error)) return false;
    engines.push_back(std::move(e));
  }
  const double seconds = std::max(1.0, o.min_seconds);
  std::vector<std::vector<double>> ms(engines.size());
  std::vector<std::string> errors(engines.size());
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (size_t i = 0; i < engines.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!failed && ms_since(start) < seconds * 1e3) {
        const auto t0 = Clock::now();
        if (!engines[i]->invoke(&errors[i])) {
          failed = true;
          return;
        }
        ms[i].push_back(ms_since(t0));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double wall_s = ms_since(start) / 1e3;
  for (const std::string& e : errors) {
    if (!e.empty()) {
      *error = e;
      return false;
    }
  }
  size_t frames = 0;
  std::vector<double> medians;
  for (const auto& m : ms) {
    frames += m.size();
    medians.push_back(octet::bench::summarize(m).median);
  }
  res->sessions = o.throughput;
  res->fps = static_cast<double>(frames) / wall_s;
  res->session_median_ms = octet::bench::summarize(medians).median;
  return true;
}

void summarize_profiles(const std::vector<std::vector<OperatorProfile>>& runs, Results* res) {
  if (runs.empty() || runs.back().empty()) return;
  const size_t n = runs.back().size();
  std::vector<double> sums;
  for (const auto& run : runs) {
    double s = 0;
    for (const OperatorProfile& p : run) s += static_cast<double>(p.time_ns) / 1e6;
    sums.push_back(s);
  }
  res->operators_sum_ms = octet::bench::summarize(sums).median;
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> t;
    for (const auto& run : runs)
      if (i < run.size()) t.push_back(static_cast<double>(run[i].time_ns) / 1e6);
    res->operators.push_back({runs.back()[i], octet::bench::summarize(t).median});
  }
  res->trace = runs.back();
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "-" : out;
}

std::string cpu_list_text(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size(); ++i) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(cpus[i]) + (j > i ? "-" + std::to_string(cpus[j]) : "");
    i = j;
  }
  return out;
}

long peak_rss_kb() {
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

std::string report_text(const Options& o, const Engine& e, const Results& r, const std::vector<int>& cpus) {
  std::ostringstream s;
  char line[512];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof(line), fmt, args...);
    s << line;
  };
  add("model        %s\n", o.model.c_str());
  add("engine       %s, %d thread(s), CPUs %s\n", e.name(), o.threads, cpu_list_text(cpus).c_str());
  add("cpu          %s\n", octet_cpu_description());
  if (!e.kernel_path().empty()) add("kernel path  %s\n", e.kernel_path().c_str());
  if (!e.choices().empty()) add("forms        %s\n", e.choices().c_str());
  double open_ms = 0, verify_ms = 0, prepare_ms = 0;
  if (e.load_phases(&open_ms, &verify_ms, &prepare_ms))
    add("load         %.3f ms (open %.3f, verify %.3f, prepare %.3f)\n", r.load_ms, open_ms, verify_ms, prepare_ms);
  else
    add("load         %.3f ms (engine creation)\n", r.load_ms);
  add("first run    %.3f ms\n", r.first_run_ms);
  add("latency      min %.3f  median %.3f  mean %.3f  p90 %.3f  p99 %.3f  stddev %.3f ms (%zu runs, %d warmup)\n",
      r.latency.min, r.latency.median, r.latency.mean, r.latency.p90, r.latency.p99, r.latency.stddev,
      r.latencies.size(), o.warmup);
  add("peak RSS     %ld KiB\n", peak_rss_kb());
  add("arena        %zu bytes\n", e.arena_bytes());
  for (const std::string& u : e.unsupported()) add("unsupported  %s\n", u.c_str());
  if (r.sessions > 0) {
    add("throughput   %.1f frames/s with %d sessions of 1 thread (median latency per session %.3f ms)\n", r.fps,
        r.sessions, r.session_median_ms);
  }
  if (o.profile && r.operators.empty()) add("profile      the %s engine gives no per-operator times\n", e.name());
  if (!r.operators.empty()) {
    add("\n%4s  %-24s %-16s %-36s %-14s %12s %9s %8s %6s  %s\n", "#", "name", "type", "kernel", "shape", "MACs", "ms",
        "GMAC/s", "share", "choice");
    for (size_t i = 0; i < r.operators.size(); ++i) {
      const OperatorRow& row = r.operators[i];
      const double gmacs = row.ms > 0 ? static_cast<double>(row.op.macs) / (row.ms * 1e6) : 0.0;
      add("%4zu  %-24.24s %-16.16s %-36.36s %-14s %12llu %9.4f %8.2f %5.1f%%  %s\n", i, row.op.name.c_str(),
          row.op.type.c_str(), row.op.kernel.c_str(), shape_text(row.op.shape).c_str(),
          static_cast<unsigned long long>(row.op.macs), row.ms, gmacs,
          r.latency.median > 0 ? 100.0 * row.ms / r.latency.median : 0.0, row.op.choice.c_str());
    }
    add("sum of operators %.4f ms (median of per-run sums) vs measured total %.4f ms (median)\n", r.operators_sum_ms,
        r.latency.median);
  }
  return s.str();
}

std::string report_json(const Options& o, const Engine& e, const Results& r, const std::vector<int>& cpus) {
  using octet::bench::json_number;
  using octet::bench::json_string;
  std::ostringstream s;
  s << "{\"tool\":\"octet-bench\",\"engine\":" << json_string(e.name()) << ",\"model\":" << json_string(o.model)
    << ",\"threads\":" << o.threads << ",\"cpus\":[";
  for (size_t i = 0; i < cpus.size(); ++i) s << (i ? "," : "") << cpus[i];
  s << "],\"runs\":" << r.latencies.size() << ",\"warmup\":" << o.warmup << ",\"load_ms\":" << json_number(r.load_ms)
    << ",\"load_phases_ms\":";
  {
    double open_ms = 0, verify_ms = 0, prepare_ms = 0;
    if (e.load_phases(&open_ms, &verify_ms, &prepare_ms))
      s << "{\"open\":" << json_number(open_ms) << ",\"verify\":" << json_number(verify_ms)
        << ",\"prepare\":" << json_number(prepare_ms) << "}";
    else
      s << "null";
  }
  s << ",\"first_run_ms\":" << json_number(r.first_run_ms) << ",\"latency_ms\":{\"min\":" << json_number(r.latency.min)
    << ",\"median\":" << json_number(r.latency.median) << ",\"mean\":" << json_number(r.latency.mean)
    << ",\"p90\":" << json_number(r.latency.p90) << ",\"p99\":" << json_number(r.latency.p99)
    << ",\"stddev\":" << json_number(r.latency.stddev) << "},\"peak_rss_kb\":" << peak_rss_kb()
    << ",\"arena_bytes\":" << e.arena_bytes() << ",\"cpu_description\":" << json_string(octet_cpu_description())
    << ",\"kernel_path\":" << json_string(e.kernel_path()) << ",\"forms\":" << json_string(e.choices())
    << ",\"throughput\":";
  if (r.sessions > 0) {
    s << "{\"sessions\":" << r.sessions << ",\"fps\":" << json_number(r.fps)
      << ",\"session_median_ms\":" << json_number(r.session_median_ms) << "}";
  } else {
    s << "null";
  }
  s << ",\"operators\":";
  if (!r.operators.empty()) {
    s << "[";
    for (size_t i = 0; i < r.operators.size(); ++i) {
      const OperatorRow& row = r.operators[i];
      s << (i ? "," : "") << "{\"name\":" << json_string(row.op.name) << ",\"type\":" << json_string(row.op.type)
        << ",\"kernel\":" << json_string(row.op.kernel) << ",\"choice\":" << json_string(row.op.choice)
        << ",\"shape\":" << octet::bench::json_int_array(row.op.shape)
        << ",\"macs\":" << row.op.macs << ",\"ms\":" << json_number(row.ms)
        << ",\"share\":" << json_number(r.latency.median > 0 ? row.ms / r.latency.median : 0.0) << "}";
    }
    s << "],\"operators_sum_ms\":" << json_number(r.operators_sum_ms);
  } else {
    s << "null";
  }
  s << ",\"unsupported\":[";
  const std::vector<std::string> unsupported = e.unsupported();
  for (size_t i = 0; i < unsupported.size(); ++i) s << (i ? "," : "") << json_string(unsupported[i]);
  s << "]}\n";
  return s.str();
}

bool write_file(const std::string& path, const std::string& text, std::string* error) {
  std::ofstream f(path);
  f << text;
  f.close();
  if (!f) {
    *error = path + ": cannot write: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const int rc = parse_options(argc, argv, &o);
  if (rc >= 0) return rc;
  std::string err;
  // Before any engine exists: the session's thread pool inherits the affinity.
  if (!o.cpus.empty() && !octet::bench::set_affinity(o.cpus, &err)) return failure(err);
  const std::vector<int> cpus = octet::bench::current_affinity();

  octet::bench::EngineOptions eo;
  eo.threads = o.threads;
  eo.kernel_path = o.kernel_path;
  eo.winograd = o.winograd;
  eo.profile = o.profile || !o.trace.empty();
  Results r;
  const auto t_load = Clock::now();
  std::unique_ptr<Engine> engine = octet::bench::create_engine(o.engine, o.model, eo, &err);
  const double create_ms = ms_since(t_load);
  if (!engine) return failure(err);
  r.load_ms = engine->load_ms() >= 0 ? engine->load_ms() : create_ms;

  std::vector<std::vector<float>> data;
  if (!octet::bench::make_inputs(engine->inputs(), o.inputs, &data, &err)) return failure(err);
  if (!set_inputs(engine.get(), data, &err)) return failure(err);

  const auto t_first = Clock::now();
  if (!engine->invoke(&err)) return failure("invoke failed: " + err);
  r.first_run_ms = ms_since(t_first);
  for (int i = 0; i < o.warmup; ++i)
    if (!engine->invoke(&err)) return failure("invoke failed: " + err);
  std::vector<std::vector<OperatorProfile>> profiles;
  if (!timed_runs(engine.get(), o.runs, o.min_seconds, eo.profile, &r.latencies, &profiles, &err)) {
    return failure("invoke failed: " + err);
  }
  r.latency = octet::bench::summarize(r.latencies);
  summarize_profiles(profiles, &r);
  if (o.throughput > 0 && !throughput(engine.get(), o, data, &r, &err)) return failure("throughput: " + err);

  if (!o.trace.empty()) {
    if (r.trace.empty()) return failure("--trace: the " + o.engine + " engine gives no per-operator profile");
    if (!octet::bench::write_chrome_trace(o.trace, engine->name(), r.trace, &err)) return failure(err);
  }
  if (!o.profile) r.operators.clear();
  if (!o.json.empty() && !write_file(o.json, report_json(o, *engine, r, cpus), &err)) return failure(err);
  std::fputs(report_text(o, *engine, r, cpus).c_str(), stdout);
  return 0;
}

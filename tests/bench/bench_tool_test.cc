// octet-bench as a user runs it: a subprocess on the demo model. Never checks
// speed, only exit codes, messages and the consistency of what is reported.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "converter/writer/demo_model.h"
#include "tests/simd/conv_model.h"

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string temp_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/octet_bench_test_XXXXXX";
    const char* d = mkdtemp(tmpl);
    return std::string(d != nullptr ? d : "/tmp");
  }();
  return dir;
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// env: "NAME=value" prefixed to the command (a new process sees it), or empty.
Result run_bench_env(const std::string& env, const std::string& args) {
  const std::string out = temp_dir() + "/stdout.txt", err = temp_dir() + "/stderr.txt";
  // OCTET_BENCH_EMULATOR: the cross build's emulator (qemu), or empty.
  const std::string cmd = (env.empty() ? "" : "env " + env + " ") + std::string(OCTET_BENCH_EMULATOR) +
                          std::string(OCTET_BENCH_PATH) + " " + args +
                          " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_all(out);
  r.err = read_all(err);
  return r;
}

Result run_bench(const std::string& args) { return run_bench_env("", args); }

const std::string& demo_model() {
  static const std::string path = [] {
    const std::string p = temp_dir() + "/demo.octet";
    std::string error;
    if (!octet::write_demo_model(octet::make_demo_model(1)).write_file(p, &error)) ADD_FAILURE() << error;
    return p;
  }();
  return path;
}

void expect_error(const std::string& args, int code, const std::string& message) {
  const Result r = run_bench(args);
  EXPECT_EQ(r.code, code) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << ": stderr was\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << args << ": stdout was\n" << r.out;
}

TEST(BenchTool, ArgumentErrors) {
  const std::string m = "--model " + demo_model();
  expect_error("", 2, "--model is required");
  expect_error("--runs 3", 2, "--model is required");
  expect_error(m + " --threads 0", 2, "--threads");
  expect_error(m + " --threads -1", 2, "--threads");
  expect_error(m + " --threads two", 2, "--threads");
  expect_error(m + " --threads", 2, "--threads needs a value");
  expect_error(m + " --cpus 3-1", 2, "--cpus");
  expect_error(m + " --cpus x", 2, "--cpus");
  expect_error(m + " --engine nope", 2, "unknown engine 'nope'");
  expect_error(m + " --frobnicate", 2, "unknown argument");
}

TEST(BenchTool, ModelErrors) {
  expect_error("--model " + temp_dir() + "/missing.octet", 1, "missing.octet");
  // A file that is not a model fails verification.
  const std::string bad = temp_dir() + "/bad.octet";
  std::ofstream(bad) << "this is not an octet model, only some text long enough to have a header";
  expect_error("--model " + bad, 1, "bad.octet");
  // A truncated copy of the demo model.
  const std::string bytes = read_all(demo_model());
  const std::string cut = temp_dir() + "/cut.octet";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_error("--model " + cut, 1, "cut.octet");
}

TEST(BenchTool, ReportsLatency) {
  const Result r = run_bench("--model " + demo_model() + " --runs 5 --warmup 1");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* key : {"load", "first run", "latency", "median", "p99", "peak RSS", "arena", "cpu"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  }
}

TEST(BenchTool, InputFromFile) {
  // The demo input is 1x3x32x32 floats (NCHW), given as raw float32.
  const std::string good = temp_dir() + "/input.f32", bad = temp_dir() + "/short.f32";
  {
    std::ofstream f(good, std::ios::binary);
    const float v = 0.25f;
    for (int i = 0; i < 3 * 32 * 32; ++i) f.write(reinterpret_cast<const char*>(&v), sizeof(v));
    std::ofstream(bad, std::ios::binary) << "abcd";
  }
  const std::string m = "--model " + demo_model() + " --runs 2 --warmup 0";
  const Result r = run_bench(m + " --input " + good);
  EXPECT_EQ(r.code, 0) << r.err;
  expect_error(m + " --input " + bad, 1, "short.f32");
  expect_error(m + " --input nosuch=" + good, 1, "no input 'nosuch'");
}

TEST(BenchTool, JsonRecordHasTheKeys) {
  const std::string json = temp_dir() + "/out.json";
  const Result r = run_bench("--model " + demo_model() + " --runs 5 --warmup 1 --profile --throughput 2 --json " + json);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = read_all(json);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.front(), '{');
  EXPECT_EQ(text[text.find_last_not_of("\n")], '}');
  for (const char* key : {"tool", "engine", "model", "threads", "cpus", "runs", "warmup", "load_ms", "first_run_ms",
                          "latency_ms", "min", "median", "mean", "p90", "p99", "stddev", "peak_rss_kb",
                          "arena_bytes", "throughput", "sessions", "fps", "operators", "name", "type", "kernel",
                          "shape", "macs", "ms", "share"}) {
    EXPECT_NE(text.find(std::string("\"") + key + "\":"), std::string::npos) << key << "\n" << text;
  }
  EXPECT_NE(text.find("\"tool\":\"octet-bench\""), std::string::npos);
  EXPECT_NE(text.find("\"engine\":\"octet\""), std::string::npos);
  EXPECT_NE(text.find("\"type\":\"Conv2D\""), std::string::npos);
  // Without --profile or --throughput both are null.
  const Result plain = run_bench("--model " + demo_model() + " --runs 2 --warmup 0 --json " + json);
  ASSERT_EQ(plain.code, 0) << plain.err;
  const std::string p = read_all(json);
  EXPECT_NE(p.find("\"throughput\":null"), std::string::npos) << p;
  EXPECT_NE(p.find("\"operators\":null"), std::string::npos) << p;
}

TEST(BenchTool, TraceHasEveryOperator) {
  const std::string trace = temp_dir() + "/trace.json";
  const Result r = run_bench("--model " + demo_model() + " --runs 2 --warmup 0 --trace " + trace);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = read_all(trace);
  EXPECT_EQ(text.rfind("{\"traceEvents\":[", 0), 0u) << text;
  size_t events = 0;
  for (size_t pos = text.find("\"ph\":\"X\""); pos != std::string::npos; pos = text.find("\"ph\":\"X\"", pos + 1)) ++events;
  EXPECT_EQ(events, 15u) << text;  // the demo network's operators
}

// Median of the per-run sums of operator times against the median measured total.
TEST(BenchTool, ProfileAddsUpToTheTotal) {
  const std::string json = temp_dir() + "/profile.json";
  const Result r = run_bench("--model " + demo_model() + " --runs 300 --warmup 20 --profile --json " + json);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = read_all(json);
  auto number_after = [&](const std::string& key, size_t from) {
    const size_t pos = text.find("\"" + key + "\":", from);
    EXPECT_NE(pos, std::string::npos) << key;
    return pos == std::string::npos ? 0.0 : std::strtod(text.c_str() + pos + key.size() + 3, nullptr);
  };
  const double total = number_after("median", text.find("\"latency_ms\""));
  const double sum = number_after("operators_sum_ms", 0);
  ASSERT_GT(total, 0);
  EXPECT_NEAR(sum / total, 1.0, 0.05) << "sum of operators " << sum << " ms, total " << total << " ms";
  EXPECT_LE(sum, total * 1.001);
}

}  // namespace

// The kernel path: forced by --kernel-path or by OCTET_KERNEL_PATH (read once at
// startup, so only a new process sees it), refused by name when unknown.
TEST(BenchTool, KernelPathFromOptionAndEnvironment) {
  const std::string m = "--model " + demo_model() + " --runs 2 --warmup 0";
  Result r = run_bench(m + " --kernel-path reference");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("kernel path  reference"), std::string::npos) << r.out;
  r = run_bench(m);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("kernel path  "), std::string::npos) << r.out;
  expect_error(m + " --kernel-path sse9", 1, "'sse9' is not a kernel path");
  expect_error(m + " --kernel-path", 2, "--kernel-path needs a value");
  r = run_bench_env("OCTET_KERNEL_PATH=reference", m);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("kernel path  reference"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(OCTET_KERNEL_PATH=reference)"), std::string::npos) << r.out;
  r = run_bench_env("OCTET_KERNEL_PATH=nonsense", m);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("OCTET_KERNEL_PATH 'nonsense' is not a kernel path"), std::string::npos) << r.err;
  // The option wins over the environment.
  r = run_bench_env("OCTET_KERNEL_PATH=nonsense", m + " --kernel-path reference");
  EXPECT_EQ(r.code, 0) << r.err;
}

// --winograd on a one-layer 3x3 stride-1 model: the form each mode gives, shown in
// the "forms" line and in the profile's choice column; bad values refused.
TEST(BenchTool, WinogradModesAndTheProfileChoice) {
  octet_test::ConvCase c;
  c.in_h = c.in_w = 16;
  c.in_c = c.out_c = 32;
  const std::vector<uint8_t> bytes = octet_test::conv_model(c);
  const std::string file = temp_dir() + "/conv3x3.octet";
  {
    std::ofstream f(file, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const std::string m = "--model " + file + " --runs 2 --warmup 0 --profile";
  Result r = run_bench(m + " --winograd on");
  ASSERT_EQ(r.code, 0) << r.err;
  if (r.out.find("kernel path  reference") != std::string::npos) GTEST_SKIP() << "no SIMD path on this CPU";
  EXPECT_NE(r.out.find("forms        winograd in 1 of 1 3x3 stride-1/2 layers\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("qs8_conv2d_winograd_f23__"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("winograd: forced"), std::string::npos) << r.out;
  r = run_bench(m + " --winograd off");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("forms        winograd in 0 of 1 3x3 stride-1/2 layers\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gemm: Winograd off"), std::string::npos) << r.out;
  r = run_bench(m);  // the default: measured at load
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("chosen by timing at load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": measured at load, winograd "), std::string::npos) << r.out;
  r = run_bench_env("OCTET_WINOGRAD=on", m);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("winograd: forced"), std::string::npos) << r.out;
  expect_error(m + " --winograd maybe", 2, "--winograd 'maybe' must be measure, off or on");
  r = run_bench_env("OCTET_WINOGRAD=bogus", m);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("OCTET_WINOGRAD 'bogus' is not a Winograd mode"), std::string::npos) << r.err;
}

// octet_fuzz_seeds OUT_DIR [MODEL.onnx ...]: the fuzzers' seed corpora.
//   OUT_DIR/loader  the demo network (two weight seeds), the C API target's small
//                   models, and every ONNX model given converted as octet-convert
//                   converts it (import, graph passes, lowering in float and in INT8
//                   with every range [-4, 4]) when it converts and the file is at
//                   most 64 KB
//   OUT_DIR/c_api   call programs for tests/fuzz/fuzz_c_api.cc: each model with
//                   every input set right, invoked and read; wrong sizes; the
//                   model released while its session runs
// scripts/fuzz.sh copies small ONNX files into OUT_DIR/onnx itself.
#include <cstdio>
#include <string>
#include <vector>

#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/quant/lower.h"
#include "converter/writer/demo_model.h"
#include "octet/octet.h"
#include "tests/fuzz/fuzz_models.h"

namespace {

constexpr size_t kMaxSeedBytes = 64 << 10;

bool write(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

std::string stem(const std::string& path) {
  // .../test_Conv2d/model.onnx -> test_Conv2d
  std::string p = path;
  const size_t slash = p.rfind('/');
  std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
  if (base == "model.onnx" && slash != std::string::npos) {
    p = p.substr(0, slash);
    const size_t s2 = p.rfind('/');
    return s2 == std::string::npos ? p : p.substr(s2 + 1);
  }
  const size_t dot = base.rfind('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// The ONNX model converted in float and in INT8; empty entries where it does not.
std::vector<std::vector<uint8_t>> convert(const std::string& path) {
  using namespace octet::cvt;
  Graph g;
  std::string error;
  if (!import_onnx_file(path, ImportOptions(), &g, &error)) return {};
  std::vector<std::string> log;
  if (!run_graph_passes(&g, &log, &error) || !unsupported_nodes(g).empty()) return {};
  std::vector<std::vector<uint8_t>> out;
  for (const bool int8 : {false, true}) {
    LowerOptions lo;
    lo.int8 = int8;
    if (int8)
      for (const std::string& v : values_needing_ranges(g)) lo.ranges[v] = Range{-4.0f, 4.0f};
    octet::ModelWriter w;
    LowerResult r;
    if (!lower_graph(g, lo, &w, &r, &error)) continue;
    std::vector<uint8_t> file = w.finish();
    octet_model* m = nullptr;
    octet_load_options load_options;
    octet_load_options_init(&load_options);
    load_options.winograd = OCTET_WINOGRAD_OFF;  // no timing at load
    if (octet_model_load_memory_ex(file.data(), file.size(), &load_options, &m, nullptr, 0) != OCTET_OK) continue;
    octet_model_release(m);
    out.push_back(std::move(file));
  }
  return out;
}

// C API programs (see fuzz_c_api.cc): model byte, then (session, op, args...).
std::vector<std::vector<uint8_t>> programs() {
  std::vector<std::vector<uint8_t>> p;
  // Model 0 (Quantize/Dequantize): create with options (1 thread, profiling), set
  // the float input (the right count), invoke, read both outputs, profile.
  std::vector<uint8_t> a = {0, 0, 0, 65, 0, 2, 0, 0, 200};
  for (int i = 0; i < 40; ++i) a.push_back(static_cast<uint8_t>(i * 37));
  const std::vector<uint8_t> rest = {0, 4, 0, 6, 0, 0, 0, 5, 1, 0, 0, 7, 0, 0, 9, 0, 4, 0, 1};
  a.insert(a.end(), rest.begin(), rest.end());
  p.push_back(a);
  // Model 1 (four inputs, one empty): every input raw, invoke, read all outputs.
  std::vector<uint8_t> b = {1, 0, 0, 70};
  for (uint8_t input : {0, 1, 2, 3}) {
    const std::vector<uint8_t> set = {0, 3, input, 0, 200};
    b.insert(b.end(), set.begin(), set.end());
    for (int i = 0; i < (input == 2 ? 24 : input == 3 ? 0 : 6); ++i) b.push_back(static_cast<uint8_t>(i * 91 + input));
  }
  const std::vector<uint8_t> b_rest = {0, 4, 0, 6, 0, 0, 0, 6, 1, 0, 0, 6, 2, 0, 0, 5, 2, 0};
  b.insert(b.end(), b_rest.begin(), b_rest.end());
  p.push_back(b);
  // Model 1: invoke before any input; wrong counts; queries.
  p.push_back({1, 1, 0, 0, 1, 4, 1, 2, 0, 3, 200, 1, 3, 1, 5, 1, 8, 255, 255, 255, 255, 'a', 0, 0, 0, 0, 0, 0, 0});
  // Model 2 (demo, NCHW float input): two sessions, one of two threads; model released.
  p.push_back({2, 0, 0, 65, 1, 0, 66, 0, 2, 0, 0, 200, 0, 4, 1, 2, 0, 0, 200, 0, 9, 1, 4, 0, 5, 0, 0, 1, 5, 0, 0});
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [MODEL.onnx ...]\n", argv[0]);
    return 2;
  }
  const std::string out = argv[1];
  int written = 0;
  auto put = [&](const std::string& path, const std::vector<uint8_t>& bytes) {
    if (!write(path, bytes)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      std::exit(1);
    }
    ++written;
  };
  for (uint32_t seed : {1u, 2u}) put(out + "/loader/demo" + std::to_string(seed) + ".octet", octet::write_demo_model(octet::make_demo_model(seed)).finish());
  put(out + "/loader/qdq.octet", octet_fuzz::qdq_model());
  put(out + "/loader/multi_input.octet", octet_fuzz::multi_input_model());
  int converted = 0;
  for (int i = 2; i < argc; ++i) {
    const std::vector<std::vector<uint8_t>> files = convert(argv[i]);
    for (size_t k = 0; k < files.size(); ++k) {
      if (files[k].size() > kMaxSeedBytes) continue;
      put(out + "/loader/" + stem(argv[i]) + (k == 0 ? ".float" : ".int8") + ".octet", files[k]);
      ++converted;
    }
  }
  const auto progs = programs();
  for (size_t i = 0; i < progs.size(); ++i) put(out + "/c_api/program" + std::to_string(i), progs[i]);
  std::printf("octet_fuzz_seeds: %d files (%d converted from %d ONNX models) in %s\n", written, converted, argc - 2, out.c_str());
  return 0;
}

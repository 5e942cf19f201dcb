// Fuzz target: the converter's ONNX import, and what octet-convert does after it
// without calibration data: the graph passes (constant folding runs the graph once),
// lowering in float and in INT8 (every range fixed to [-4, 4]), and loading the
// written model back through the runtime.
// Invariants besides "no crash, no sanitizer report": a refusal carries a message;
// a float lowering that succeeds writes a model the runtime loads (octet-convert
// promises that every file it writes loads).
#include <cstdint>
#include <string>
#include <vector>

#include "converter/float/float_ops.h"
#include "converter/onnx/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/quant/lower.h"
#include "octet/octet.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using octet::cvt::Graph;
using octet_fuzz::fail;

// The passes run the graph on zeros; graphs whose declared values exceed 16K
// elements (256K together) are imported and checked but not run, so one input
// never takes seconds (weights are bounded by the input's size).
bool tiny(const Graph& g) {
  int64_t total = 0;
  for (const auto& v : g.values) {
    int64_t n = 1;
    for (int64_t d : v.second.shape) {
      if (d > (int64_t{1} << 14)) return false;
      n *= d < 0 ? 1 : d;
      if (n > (int64_t{1} << 14)) return false;
    }
    total += n;
    if (total > (int64_t{1} << 18)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Constant folding can make tensors no declared shape announces (ConstantOfShape,
  // Expand, Range, Tile): well under libFuzzer's -rss_limit_mb, they fail instead.
  static const bool limited = [] {
    octet::cvt::FloatLimits l;
    l.max_elements = int64_t{1} << 20;
    l.max_held_bytes = int64_t{256} << 20;
    octet::cvt::set_float_limits(l);
    return true;
  }();
  (void)limited;
  Graph g;
  std::string error;
  if (!octet::cvt::import_onnx_bytes(data, size, octet::cvt::ImportOptions(), &g, &error)) {
    if (error.empty()) fail("import refused the model without a message");
    return 0;
  }
  if (!tiny(g)) return 0;
  std::vector<std::string> log;
  if (!octet::cvt::run_graph_passes(&g, &log, &error)) {
    if (error.empty()) fail("the graph passes refused the model without a message");
    return 0;
  }
  if (!octet::cvt::unsupported_nodes(g).empty()) return 0;
  for (const bool int8 : {false, true}) {
    octet::cvt::LowerOptions lo;
    lo.int8 = int8;
    if (int8) {
      for (const std::string& v : octet::cvt::values_needing_ranges(g)) lo.ranges[v] = octet::cvt::Range{-4.0f, 4.0f};
    }
    octet::ModelWriter w;
    octet::cvt::LowerResult r;
    error.clear();
    if (!octet::cvt::lower_graph(g, lo, &w, &r, &error)) {
      if (error.empty()) fail("lowering refused the model without a message");
      continue;
    }
    const std::vector<uint8_t> file = w.finish();
    octet_model* m = nullptr;
    char err[512];
    octet_load_options load_options;
    octet_load_options_init(&load_options);
    load_options.winograd = OCTET_WINOGRAD_OFF;  // no timing at load
    const octet_status st = octet_model_load_memory_ex(file.data(), file.size(), &load_options, &m, err, sizeof err);
    // In INT8 a scale ratio beyond a kernel's bounds may be refused (octet-convert then
    // keeps that node in float); a float model the converter writes must load.
    if (st != OCTET_OK && !int8) fail(std::string("the float model the converter wrote does not load: ") + err);
    octet_model_release(m);
  }
  return 0;
}

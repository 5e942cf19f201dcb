// ONNX's own backend node tests (Debian's libonnx-testdata) against the float
// reference executor. Every test whose operators are all claimed by
// find_float_op is imported (import_onnx_file, the model's own shapes), run and
// compared output by output: element type, shape and values (floats within
// rtol 1e-3, atol 1e-7 as ONNX's backend runner; NaN equals NaN; integers and
// bools exactly). Tests are skipped, with the reason printed, when an operator
// is unclaimed, when they use element types the converter does not represent
// (double, float16, strings, sequences, ...), or when listed in explicit_skips.
// Models of opsets below 7 (which the importer refuses) are relabelled 7 for the
// import and run at their own opset.
//
// OCTET_ONNX_TESTDATA names the data folder (default
// /usr/share/libonnx-testdata/data); OCTET_ONNX_TEST_FILTER, when set, runs only
// the tests whose name contains it.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>  // only to classify the test models before importing them

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "converter/float/float_executor.h"
#include "converter/float/float_ops.h"
#include "converter/onnx/onnx_import.h"

namespace octet::cvt {
namespace {

namespace fs = std::filesystem;

// Cases claimed by find_float_op that are not run, each with its reason.
const std::map<std::string, std::string>& explicit_skips() {
  static const std::map<std::string, std::string> m = {
      {"test_batchnorm_epsilon_training_mode", "BatchNormalization training_mode=1 (inference only)"},
      {"test_batchnorm_example_training_mode", "BatchNormalization training_mode=1 (inference only)"},
      {"test_training_dropout", "Dropout training_mode=1 is random"},
      {"test_training_dropout_default", "Dropout training_mode=1 is random"},
      {"test_training_dropout_default_mask", "Dropout training_mode=1 is random"},
      {"test_training_dropout_mask", "Dropout training_mode=1 is random"},
  };
  return m;
}

bool supported_elem_type(int t) {
  using TP = onnx::TensorProto;
  return t == TP::FLOAT || t == TP::INT64 || t == TP::INT32 || t == TP::INT8 || t == TP::UINT8 || t == TP::BOOL;
}

std::string elem_type_name(int t) {
  const auto* v = onnx::TensorProto_DataType_descriptor()->FindValueByNumber(t);
  return v ? v->name() : std::to_string(t);
}

// Why a model can't be run by this test, or "" when it can.
std::string skip_reason(const onnx::ModelProto& model) {
  int64_t opset = 0;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") opset = op.version();
  const auto& g = model.graph();
  std::set<std::string> unclaimed;
  for (const auto& n : g.node()) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") unclaimed.insert(n.domain() + "." + n.op_type());
    else if (!find_float_op(n.op_type())) unclaimed.insert(n.op_type());
  }
  if (!unclaimed.empty()) {
    std::string s = "unclaimed op";
    for (const auto& u : unclaimed) s += " " + u;
    return s;
  }
  auto check_value = [](const onnx::ValueInfoProto& vi) -> std::string {
    if (!vi.type().has_tensor_type()) return "non-tensor value (sequence, optional or map)";
    const int t = vi.type().tensor_type().elem_type();
    if (!supported_elem_type(t)) return "element type " + elem_type_name(t);
    return "";
  };
  for (const auto& vi : g.input())
    if (std::string r = check_value(vi); !r.empty()) return r;
  for (const auto& vi : g.output())
    if (std::string r = check_value(vi); !r.empty()) return r;
  for (const auto& t : g.initializer())
    if (!supported_elem_type(t.data_type())) return "element type " + elem_type_name(t.data_type());
  for (const auto& n : g.node())
    for (const auto& a : n.attribute()) {
      if (a.type() == onnx::AttributeProto::TENSOR && !supported_elem_type(a.t().data_type()))
        return "element type " + elem_type_name(a.t().data_type());
      if (a.type() == onnx::AttributeProto::SPARSE_TENSOR) return "sparse tensor attribute";
      if ((a.name() == "to" && (n.op_type() == "Cast")) || (a.name() == "dtype" && n.op_type() == "EyeLike"))
        if (!supported_elem_type(static_cast<int>(a.i()))) return "element type " + elem_type_name(static_cast<int>(a.i()));
      if (n.op_type() == "Constant" && (a.name() == "value_string" || a.name() == "value_strings"))
        return "element type STRING";
    }
  if (opset < 1) return "no default-domain opset";
  return "";
}

bool read_file(const fs::path& p, std::string* bytes) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *bytes = ss.str();
  return true;
}

// Numbered files prefix_0.pb, prefix_1.pb, ... of a data set.
std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> v;
  for (int i = 0;; ++i) {
    fs::path p = dir / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    v.push_back(p);
  }
  return v;
}

// "" when `got` matches `want`; else what differs.
std::string compare(const Tensor& want, const Tensor& got) {
  if (want.dtype != got.dtype)
    return std::string("element type ") + dtype_name(got.dtype) + ", expected " + dtype_name(want.dtype);
  if (want.shape != got.shape) return "shape " + shape_str(got.shape) + ", expected " + shape_str(want.shape);
  if (got.bytes.size() != want.bytes.size()) return "byte size differs";
  const int64_t n = want.numel();
  int bad = 0;
  std::string first;
  for (int64_t i = 0; i < n; ++i) {
    bool ok;
    if (want.dtype == DType::kFloat32) {
      const double w = want.data<float>()[i], g = got.data<float>()[i];
      if (std::isnan(w) || std::isnan(g)) ok = std::isnan(w) && std::isnan(g);
      else if (std::isinf(w) || std::isinf(g)) ok = w == g;
      else ok = std::fabs(g - w) <= 1e-7 + 1e-3 * std::fabs(w);
    } else {
      ok = want.get_i(i) == got.get_i(i);
    }
    if (!ok && bad++ == 0) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "element %lld is %.9g, expected %.9g", static_cast<long long>(i), got.get_f(i),
                    want.get_f(i));
      first = buf;
    }
  }
  if (bad) return first + " (" + std::to_string(bad) + " of " + std::to_string(n) + " elements differ)";
  return "";
}

// Runs one test case folder; "" on success.
// With `model` given (a model of opset `opset` < 7 relabelled 7, since the
// importer starts at 7), imports it from bytes and runs it at its own opset.
std::string run_case(const fs::path& dir, const onnx::ModelProto* model, int64_t opset) {
  Graph g;
  std::string error;
  if (model) {
    const std::string bytes = model->SerializeAsString();
    if (!import_onnx_bytes(bytes.data(), bytes.size(), ImportOptions(), &g, &error)) return "import: " + error;
    g.opset = opset;  // the ops see the model's own opset
  } else if (!import_onnx_file((dir / "model.onnx").string(), ImportOptions(), &g, &error)) {
    return "import: " + error;
  }
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return "no test_data_set_* folder";
  for (const auto& set : sets) {
    std::map<std::string, Tensor> inputs;
    const std::vector<fs::path> in_files = numbered(set, "input");
    for (size_t k = 0; k < in_files.size(); ++k) {
      Tensor t;
      std::string name;
      if (!read_tensor_pb(in_files[k].string(), &t, &name, &error)) return "reading input: " + error;
      if (name.empty() || std::find(g.inputs.begin(), g.inputs.end(), name) == g.inputs.end()) {
        if (k >= g.inputs.size()) return "more input files than graph inputs";
        name = g.inputs[k];
      }
      inputs[name] = std::move(t);
    }
    FloatExecutor ex(g);
    std::map<std::string, Tensor> outputs;
    if (!ex.run(inputs, &outputs, &error)) return set.filename().string() + ": run: " + error;
    const std::vector<fs::path> out_files = numbered(set, "output");
    if (out_files.size() != g.outputs.size())
      return std::to_string(out_files.size()) + " output files for " + std::to_string(g.outputs.size()) + " graph outputs";
    for (size_t k = 0; k < out_files.size(); ++k) {
      Tensor want;
      std::string name;
      if (!read_tensor_pb(out_files[k].string(), &want, &name, &error)) return "reading output: " + error;
      if (name.empty() || !outputs.count(name)) name = g.outputs[k];
      const std::string diff = compare(want, outputs[name]);
      if (!diff.empty()) return set.filename().string() + ": output '" + name + "': " + diff;
    }
  }
  return "";
}

// Runs every case folder under root/suite; prints the counts and the skips.
void run_suite(const std::string& suite) {
  const char* env = std::getenv("OCTET_ONNX_TESTDATA");
  const fs::path root = env && *env ? fs::path(env) : fs::path("/usr/share/libonnx-testdata/data");
  const fs::path suite_dir = root / suite;
  if (!fs::is_directory(suite_dir))
    GTEST_SKIP() << suite_dir << " is absent (apt-get install libonnx-testdata, or set OCTET_ONNX_TESTDATA)";
  const char* filter_env = std::getenv("OCTET_ONNX_TEST_FILTER");
  const std::string filter = filter_env ? filter_env : "";

  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(suite_dir))
    if (e.is_directory() && fs::exists(e.path() / "model.onnx")) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());

  const auto t0 = std::chrono::steady_clock::now();
  int passed = 0;
  std::map<std::string, std::vector<std::string>> skipped;  // reason -> tests
  std::vector<std::string> failures;
  for (const auto& dir : cases) {
    const std::string name = dir.filename().string();
    if (!filter.empty() && name.find(filter) == std::string::npos) continue;
    std::string bytes;
    onnx::ModelProto model;
    if (!read_file(dir / "model.onnx", &bytes) || !model.ParseFromString(bytes)) {
      failures.push_back(name + ": model.onnx does not parse");
      continue;
    }
    std::string reason = skip_reason(model);
    if (reason.empty()) {
      auto it = explicit_skips().find(name);
      if (it != explicit_skips().end()) reason = it->second;
    }
    if (!reason.empty()) {
      skipped[reason].push_back(name);
      continue;
    }
    int64_t old_opset = 0;
    for (auto& op : *model.mutable_opset_import())
      if ((op.domain().empty() || op.domain() == "ai.onnx") && op.version() < 7) {
        old_opset = op.version();
        op.set_version(7);
      }
    const std::string result = run_case(dir, old_opset ? &model : nullptr, old_opset);
    if (result.empty()) ++passed;
    else failures.push_back(name + ": " + result);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  size_t nskipped = 0;
  for (const auto& kv : skipped) nskipped += kv.second.size();
  std::printf("ONNX %s tests: %d passed, %zu failed, %zu skipped (%.1f s)\n", suite.c_str(), passed, failures.size(),
              nskipped, secs);
  for (const auto& kv : skipped) {
    std::printf("  skipped (%zu) %s:", kv.second.size(), kv.first.c_str());
    for (const auto& t : kv.second) std::printf(" %s", t.c_str());
    std::printf("\n");
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_TRUE(failures.empty()) << failures.size() << " claimed ONNX " << suite << " tests failed";
  if (filter.empty()) {
    EXPECT_GT(passed, 0);
  }
}

TEST(FloatOpsBackend, OnnxNodeTests) { run_suite("node"); }

// The other small suites of the same data: PyTorch's layer tests converted to
// ONNX at opset 6 (convolutions of every kind, pools, paddings), and a few
// simple models.
TEST(FloatOpsBackend, OnnxPytorchConvertedTests) { run_suite("pytorch-converted"); }
TEST(FloatOpsBackend, OnnxPytorchOperatorTests) { run_suite("pytorch-operator"); }
TEST(FloatOpsBackend, OnnxSimpleTests) { run_suite("simple"); }

}  // namespace
}  // namespace octet::cvt

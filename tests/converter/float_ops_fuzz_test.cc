// Every float op gets random inputs (any element type, rank 0 to 4, empty
// dimensions, NaN, huge and negative integers), random attributes and opsets.
// Whatever it returns, it must not crash (run this under OCTET_SANITIZE=ON), and
// when it succeeds its first output must be a well-formed tensor.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>

#include "converter/float/float_executor.h"
#include "converter/float/float_ops.h"
#include "converter/onnx/onnx_import.h"

namespace octet::cvt {
namespace {

// t converted to another element type, floats clamped first (Tensor::cast leaves
// out-of-range floats undefined).
Tensor convert(const Tensor& t, DType to) {
  Tensor c = t;
  if (t.dtype == DType::kFloat32)
    for (int64_t i = 0; i < c.numel(); ++i) {
      float& v = c.data<float>()[i];
      v = std::isfinite(v) ? std::max(-1e9f, std::min(1e9f, v)) : 0.0f;
    }
  return c.cast(to);
}

class Fuzzer {
 public:
  explicit Fuzzer(uint32_t seed) : rng_(seed) {}

  int64_t small_int() { return pick(8) == 0 ? huge_int() : static_cast<int64_t>(pick(9)) - 3; }
  int64_t huge_int() {
    const int64_t v[] = {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), int64_t{1} << 40,
                         -(int64_t{1} << 40), int64_t{1} << 31};
    return v[pick(5)];
  }
  float any_float() {
    switch (pick(12)) {
      case 0: return std::numeric_limits<float>::quiet_NaN();
      case 1: return std::numeric_limits<float>::infinity();
      case 2: return -std::numeric_limits<float>::infinity();
      case 3: return 1e30f;
      case 4: return 0.0f;
      default: return std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng_);
    }
  }

  Tensor tensor() {
    static const DType kTypes[] = {DType::kFloat32, DType::kFloat32, DType::kInt64, DType::kInt64,
                                   DType::kInt32,   DType::kInt8,    DType::kUInt8, DType::kBool};
    const DType t = kTypes[pick(8)];
    std::vector<int64_t> shape(pick(5));
    for (auto& d : shape) d = pick(10) == 0 ? 0 : 1 + pick(4);
    Tensor x(t, shape);
    for (int64_t i = 0; i < x.numel(); ++i) {
      switch (t) {
        case DType::kFloat32: x.data<float>()[i] = any_float(); break;
        case DType::kInt64: x.data<int64_t>()[i] = small_int(); break;
        case DType::kInt32: x.data<int32_t>()[i] = static_cast<int32_t>(small_int()); break;
        case DType::kInt8: x.data<int8_t>()[i] = static_cast<int8_t>(small_int()); break;
        case DType::kUInt8: x.data<uint8_t>()[i] = static_cast<uint8_t>(small_int()); break;
        case DType::kBool: x.data<uint8_t>()[i] = static_cast<uint8_t>(pick(2)); break;
      }
    }
    return x;
  }

  std::vector<int64_t> ints(size_t max_len) {
    std::vector<int64_t> v(pick(static_cast<uint32_t>(max_len + 1)));
    for (auto& x : v) x = small_int();
    return v;
  }

  Attribute attribute(const std::string& name) {
    static const char* const kStrings[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "nearest", "linear", "cubic",
                                           "constant", "reflect", "edge", "wrap", "DCR", "CRD", "align_corners",
                                           "asymmetric", "tf_crop_and_resize", "half_pixel", "floor", "ceil", "none",
                                           "add", "mul", "max", "LEFT", "RIGHT", "tanh", "bogus"};
    Attribute a;
    if (name == "auto_pad" || name == "mode" || name == "coordinate_transformation_mode" || name == "nearest_mode" ||
        name == "reduction" || name == "direction" || name == "approximate") {
      a.kind = Attribute::kString;
      a.s = kStrings[pick(sizeof kStrings / sizeof kStrings[0])];
    } else if (name == "alpha" || name == "beta" || name == "epsilon" || name == "ratio" || name == "bias" ||
               name == "lambd" || name == "gamma" || name == "min" || name == "max" || name == "value_float" ||
               name == "cubic_coeff_a" || name == "extrapolation_value") {
      a.kind = Attribute::kFloat;
      a.f = any_float();
    } else if (name == "kernel_shape" || name == "strides" || name == "pads" || name == "dilations" || name == "axes" ||
               name == "perm" || name == "split" || name == "starts" || name == "ends" || name == "shape" ||
               name == "output_padding" || name == "output_shape" || name == "value_ints") {
      a.kind = Attribute::kInts;
      a.ints = ints(6);
    } else if (name == "scales" || name == "value_floats") {
      a.kind = Attribute::kFloats;
      for (size_t i = 0, n = pick(5); i < n; ++i) a.floats.push_back(any_float());
    } else if (name == "value") {
      a.kind = Attribute::kTensor;
      a.t = tensor();
    } else if (name == "to" || name == "dtype") {
      a.kind = Attribute::kInt;
      a.i = static_cast<int64_t>(pick(17));
    } else {
      a.kind = Attribute::kInt;
      a.i = small_int();
    }
    return a;
  }

  uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

const char* const kAttrNames[] = {
    "axis", "axes", "keepdims", "perm", "kernel_shape", "strides", "pads", "dilations", "group", "auto_pad", "ceil_mode",
    "count_include_pad", "storage_order", "mode", "blocksize", "to", "dtype", "alpha", "beta", "epsilon", "transA",
    "transB", "split", "starts", "ends", "shape", "allowzero", "k", "largest", "sorted", "exclusive", "reverse", "upper",
    "select_last_index", "noop_with_empty_axes", "output_padding", "output_shape", "coordinate_transformation_mode",
    "nearest_mode", "exclude_outside", "cubic_coeff_a", "extrapolation_value", "value", "value_float", "value_floats",
    "value_int", "value_ints", "batch_dims", "reduction", "fmod", "direction", "detect_negative", "detect_positive",
    "ratio", "training_mode", "size", "bias", "lambd", "gamma", "min", "max", "p", "spatial", "num_outputs", "start",
    "end", "approximate", "saturate", "antialias", "keep_aspect_ratio_policy", "scales"};

TEST(FloatOpsFuzz, RandomInputsNeverCrash) {
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t opsets[] = {7, 9, 10, 11, 12, 13, 14, 16, 17, 18};
  int ran = 0, succeeded = 0;
  for (const std::string& op : float_op_types()) {
    Fuzzer f(static_cast<uint32_t>(std::hash<std::string>()(op)));
    const FloatOpFn fn = find_float_op(op);
    ASSERT_NE(fn, nullptr);
    for (int iter = 0; iter < 400; ++iter) {
      Node node;
      node.name = "fuzz";
      node.op_type = op;
      const size_t n_attrs = f.pick(5);
      for (size_t i = 0; i < n_attrs; ++i) {
        const std::string name = kAttrNames[f.pick(sizeof kAttrNames / sizeof kAttrNames[0])];
        node.attrs[name] = f.attribute(name);
      }
      const size_t n_in = f.pick(6);
      std::vector<Tensor> storage(n_in);
      std::vector<const Tensor*> inputs(n_in, nullptr);
      // Often make the inputs share the first one's type, so ops get past type checks.
      const bool same_type = f.pick(2) == 0;
      for (size_t i = 0; i < n_in; ++i) {
        node.inputs.push_back(f.pick(6) == 0 ? "" : "in" + std::to_string(i));
        storage[i] = f.tensor();
        if (same_type && i > 0 && storage[0].dtype != storage[i].dtype) storage[i] = convert(storage[i], storage[0].dtype);
        if (!node.inputs.back().empty()) inputs[i] = &storage[i];
      }
      const size_t n_out = 1 + f.pick(3);
      for (size_t i = 0; i < n_out; ++i) node.outputs.push_back("out" + std::to_string(i));
      std::vector<Tensor> outputs(n_out);
      std::string error;
      const int64_t opset = opsets[f.pick(sizeof opsets / sizeof opsets[0])];
      const bool ok = fn(node, opset, inputs, &outputs, &error);
      ++ran;
      if (!ok) {
        EXPECT_FALSE(error.empty()) << op << " failed without a message";
        continue;
      }
      ++succeeded;
      const Tensor& y = outputs[0];
      int64_t n = 1;
      for (int64_t d : y.shape) {
        ASSERT_GE(d, 0) << op;
        n *= d;
      }
      ASSERT_EQ(y.bytes.size(), static_cast<size_t>(n) * dtype_size(y.dtype)) << op << " returned a malformed tensor";
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fuzzed %d calls, %d succeeded (%.1f s)\n", ran, succeeded, secs);
}

// A copy of t with one thing changed: a dimension, the element type, or values
// pushed to extremes.
Tensor mutate_tensor(Fuzzer& f, const Tensor& t) {
  if (t.bytes.size() != static_cast<size_t>(t.numel()) * dtype_size(t.dtype)) return f.tensor();  // absent input
  Tensor m = t;
  switch (f.pick(5)) {
    case 0: {  // grow or shrink one dimension (or the rank)
      std::vector<int64_t> shape = t.shape;
      if (shape.empty() || f.pick(4) == 0) shape.push_back(1 + f.pick(3));
      else shape[f.pick(static_cast<uint32_t>(shape.size()))] = f.pick(4);
      m = Tensor(t.dtype, shape);
      for (int64_t i = 0; i < std::min(m.numel(), t.numel()); ++i)
        std::memcpy(m.bytes.data() + i * dtype_size(t.dtype), t.bytes.data() + i * dtype_size(t.dtype), dtype_size(t.dtype));
      break;
    }
    case 1: {
      static const DType kTypes[] = {DType::kFloat32, DType::kInt64, DType::kInt32, DType::kInt8, DType::kUInt8, DType::kBool};
      m = convert(t, kTypes[f.pick(6)]);
      break;
    }
    case 2:
      for (int64_t i = 0; i < m.numel(); ++i) {
        if (f.pick(3)) continue;
        if (m.dtype == DType::kFloat32) m.data<float>()[i] = f.any_float();
        else if (m.dtype == DType::kInt64) m.data<int64_t>()[i] = f.pick(2) ? f.small_int() : (static_cast<int64_t>(f.pick(9)) - 3) * 1000;
        else if (m.dtype == DType::kInt32) m.data<int32_t>()[i] = static_cast<int32_t>(f.small_int());
      }
      break;
    case 3: m = Tensor(t.dtype, {}); break;
    default: m = f.tensor(); break;
  }
  return m;
}

void mutate_attribute(Fuzzer& f, Attribute* a) {
  switch (a->kind) {
    case Attribute::kInt:  // nudge it (wrapping) or replace it
      a->i = f.pick(2) ? static_cast<int64_t>(static_cast<uint64_t>(a->i) + f.pick(5) - 2) : f.small_int();
      break;
    case Attribute::kFloat: a->f = f.any_float(); break;
    case Attribute::kInts:
      if (a->ints.empty() || f.pick(4) == 0) a->ints.push_back(f.small_int());
      else if (f.pick(3) == 0) a->ints.pop_back();
      else a->ints[f.pick(static_cast<uint32_t>(a->ints.size()))] = f.small_int();
      break;
    case Attribute::kFloats:
      if (a->floats.empty()) a->floats.push_back(f.any_float());
      else a->floats[f.pick(static_cast<uint32_t>(a->floats.size()))] = f.any_float();
      break;
    case Attribute::kString: a->s = f.attribute("mode").s; break;
    case Attribute::kTensor: a->t = mutate_tensor(f, a->t); break;
    default: break;
  }
}

// Each node of ONNX's node tests, run on its real inputs, then on mutated
// inputs and attributes: deeper than random inputs, since most ops reject those.
TEST(FloatOpsFuzz, MutatedOnnxNodeTestsNeverCrash) {
  const char* env = std::getenv("OCTET_ONNX_TESTDATA");
  const std::filesystem::path root = env && *env ? env : "/usr/share/libonnx-testdata/data";
  if (!std::filesystem::is_directory(root / "node")) GTEST_SKIP() << "no ONNX test data";
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(root / "node")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  const auto t0 = std::chrono::steady_clock::now();
  int calls = 0, succeeded = 0;
  double slowest_s = 0;
  std::string slowest;
  Fuzzer f(12345);
  const bool trace = std::getenv("OCTET_FUZZ_TRACE") != nullptr;  // prints every call before making it
  const char* iters_env = std::getenv("OCTET_FUZZ_ITERS");          // mutations per node (default 100)
  const int iters = iters_env ? std::atoi(iters_env) : 100;
  if (const char* seed = std::getenv("OCTET_FUZZ_SEED")) f = Fuzzer(static_cast<uint32_t>(std::atoi(seed)));
  for (const auto& dir : dirs) {
    Graph g;
    std::string error;
    if (!import_onnx_file((dir / "model.onnx").string(), ImportOptions(), &g, &error)) continue;
    std::map<std::string, Tensor> inputs, values;
    bool ok = true;
    for (size_t k = 0; k < g.inputs.size() && ok; ++k) {
      Tensor t;
      const auto p = dir / "test_data_set_0" / ("input_" + std::to_string(k) + ".pb");
      ok = read_tensor_pb(p.string(), &t, nullptr, &error);
      inputs[g.inputs[k]] = std::move(t);
    }
    FloatExecutor ex(g);
    if (!ok || !ex.run(inputs, &values, &error, /*keep_all=*/true)) continue;
    for (const auto& kv : inputs) values[kv.first] = kv.second;
    for (const auto& kv : g.constants) values[kv.first] = kv.second;
    for (const Node& orig : g.nodes) {
      const FloatOpFn fn = find_float_op(orig.op_type);
      if (!fn) continue;
      for (int iter = 0; iter < iters; ++iter) {
        Node node = orig;
        std::vector<Tensor> storage(node.inputs.size());
        std::vector<const Tensor*> ins(node.inputs.size(), nullptr);
        for (size_t i = 0; i < node.inputs.size(); ++i)
          if (!node.inputs[i].empty() && values.count(node.inputs[i])) storage[i] = values[node.inputs[i]];
        const int mutations = 1 + static_cast<int>(f.pick(3));
        for (int m = 0; m < mutations; ++m) {
          const uint32_t what = f.pick(4);
          if (what == 0 && !node.attrs.empty()) {
            auto it = node.attrs.begin();
            std::advance(it, f.pick(static_cast<uint32_t>(node.attrs.size())));
            mutate_attribute(f, &it->second);
          } else if (what == 1) {
            const std::string name = kAttrNames[f.pick(sizeof kAttrNames / sizeof kAttrNames[0])];
            node.attrs[name] = f.attribute(name);
          } else if (!storage.empty()) {
            const size_t i = f.pick(static_cast<uint32_t>(storage.size()));
            if (what == 2) storage[i] = mutate_tensor(f, storage[i]);
            else node.inputs[i] = f.pick(2) ? "" : node.inputs[i];
          }
        }
        for (size_t i = 0; i < node.inputs.size(); ++i)
          if (!node.inputs[i].empty()) ins[i] = &storage[i];
        std::vector<Tensor> outs(node.outputs.size());
        const int64_t opset = f.pick(4) ? g.opset : 7 + static_cast<int64_t>(f.pick(12));
        if (trace) {
          std::fprintf(stderr, "%s %s opset %lld:", dir.filename().c_str(), node.label().c_str(), static_cast<long long>(opset));
          for (const Tensor* t : ins)
            std::fprintf(stderr, " %s%s", t ? dtype_name(t->dtype) : "-", t ? shape_str(t->shape).c_str() : "");
          for (const auto& kv : node.attrs) {
            std::fprintf(stderr, " %s=", kv.first.c_str());
            if (kv.second.kind == Attribute::kInt) std::fprintf(stderr, "%lld", static_cast<long long>(kv.second.i));
            else if (kv.second.kind == Attribute::kInts) std::fprintf(stderr, "%s", shape_str(kv.second.ints).c_str());
            else if (kv.second.kind == Attribute::kString) std::fprintf(stderr, "%s", kv.second.s.c_str());
            else if (kv.second.kind == Attribute::kFloat) std::fprintf(stderr, "%g", kv.second.f);
          }
          std::fprintf(stderr, "\n");
          std::fflush(stderr);
        }
        const auto c0 = std::chrono::steady_clock::now();
        const bool ran = fn(node, opset, ins, &outs, &error);
        const double call_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
        if (call_s > slowest_s) {
          slowest_s = call_s;
          slowest = dir.filename().string() + " " + node.label() + (ran ? " (ran)" : " (failed: " + error + ")");
        }
        ++calls;
        if (!ran) continue;
        ++succeeded;
        if (outs.empty()) continue;
        int64_t n = 1;
        for (int64_t d : outs[0].shape) {
          ASSERT_GE(d, 0) << node.label();
          n *= d;
        }
        ASSERT_EQ(outs[0].bytes.size(), static_cast<size_t>(n) * dtype_size(outs[0].dtype)) << node.label();
      }
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("mutated %d calls, %d succeeded (%.1f s); slowest call %.3f s: %s\n", calls, succeeded, secs, slowest_s,
              slowest.c_str());
}

}  // namespace
}  // namespace octet::cvt

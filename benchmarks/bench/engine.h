// An inference engine octet-bench can time: octet itself (the public C API) or
// XNNPACK's quantized operators running the same .octet model (the yardstick).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace octet::bench {

struct TensorDesc {
  std::string name;
  std::vector<int64_t> dims;  // as the float accessors see it (NCHW for 4-D image tensors)
  size_t elements = 0;
};

// One operator of the last profiled invoke.
struct OperatorProfile {
  std::string name, type, kernel;
  std::string choice;          // octet: why this kernel, where it chose between forms
  std::vector<int64_t> shape;  // output 0 as the engine stores it (NHWC for octet)
  uint64_t macs = 0;           // multiply-accumulates (0 for non-MAC operators)
  uint64_t start_ns = 0;       // from the start of the invoke
  uint64_t time_ns = 0;
};

struct EngineOptions {
  int threads = 1;
  bool profile = false;
  std::string kernel_path;  // octet: force a kernel path ("avx2", ...); empty: default
  int winograd = 0;         // octet: OCTET_WINOGRAD_* (0: default)
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  virtual const std::vector<TensorDesc>& inputs() const = 0;
  virtual const std::vector<TensorDesc>& outputs() const = 0;
  // Float data in the layout of TensorDesc::dims (quantized on the way in).
  virtual bool set_input(size_t index, const float* data, size_t elements, std::string* error) = 0;
  virtual bool invoke(std::string* error) = 0;
  virtual bool get_output(size_t index, float* data, size_t elements, std::string* error) = 0;
  // Operators of the model this engine cannot run (reported, never faked).
  virtual std::vector<std::string> unsupported() const { return {}; }
  // Per-operator times of the last invoke when created with EngineOptions::profile;
  // empty when the engine cannot profile.
  virtual std::vector<OperatorProfile> profile() const { return {}; }
  // Another engine on the same loaded model (throughput mode: one model shared by
  // several sessions); nullptr when this engine cannot share its model.
  virtual std::unique_ptr<Engine> share(const EngineOptions& /*options*/, std::string* /*error*/) const {
    return nullptr;
  }
  // Wall time of loading the model (ms), negative when unknown; activation memory.
  virtual double load_ms() const { return -1.0; }
  // The load time split into open / verify / prepare (ms); false when unknown.
  virtual bool load_phases(double* /*open_ms*/, double* /*verify_ms*/, double* /*prepare_ms*/) const { return false; }
  virtual size_t arena_bytes() const { return 0; }
  // octet: the kernel path the model runs on; empty for other engines.
  virtual std::string kernel_path() const { return ""; }
  // octet: how the layers with two forms chose (e.g. "winograd in 12 of 16 3x3
  // stride-1/2 layers, chosen by timing at load: 35.1 ms"); empty when none.
  virtual std::string choices() const { return ""; }
};


// The XNNPACK engine (benchmarks/bench/xnnpack_engine.cc).
std::unique_ptr<Engine> create_xnnpack_engine(const std::string& model_path, const EngineOptions& options,
                                              std::string* error);

// "octet" or "xnnpack"; nullptr with a message when the engine is unknown or the
// model can't be loaded by it.
std::unique_ptr<Engine> create_engine(const std::string& engine, const std::string& model_path,
                                      const EngineOptions& options, std::string* error);

}  // namespace octet::bench

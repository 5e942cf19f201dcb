// An inference engine octet-bench can time: octet itself (the public C API) or
// XNNPACK's quantized operators running the same .octet model (the yardstick).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace octet::bench {

struct TensorDesc {
  std::string name;
  std::vector<int64_t> dims;  // as the float accessors see it (NCHW for 4-D image tensors)
  size_t elements = 0;
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
};

struct EngineOptions {
  int threads = 1;
  bool profile = false;
};

// The XNNPACK engine (benchmarks/bench/xnnpack_engine.cc).
std::unique_ptr<Engine> create_xnnpack_engine(const std::string& model_path, const EngineOptions& options,
                                              std::string* error);

// "octet" or "xnnpack"; nullptr with a message when the engine is unknown or the
// model can't be loaded by it.
std::unique_ptr<Engine> create_engine(const std::string& engine, const std::string& model_path,
                                      const EngineOptions& options, std::string* error);

}  // namespace octet::bench

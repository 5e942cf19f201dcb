// Writes .octet files: the flatbuffer graph, then every constant at a 64-byte
// aligned offset (schema/octet.fbs describes the layout). Used by octet-convert,
// the demo-model tool and the tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "octet/schema/octet_generated.h"

namespace octet {

struct QuantParams {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int axis = -1;
  static QuantParams per_tensor(float scale, int32_t zero_point) { return {{scale}, {zero_point}, -1}; }
};

// Precomputed requantization of a convolution-like op: M = in * w[c] / out per channel.
struct RequantizationValues {
  std::vector<int32_t> multiplier, shift;
};
// false when a multiplier is out of range (see quantize_multiplier).
bool compute_requantization(float input_scale, const std::vector<float>& weight_scales, float output_scale,
                            RequantizationValues* out);

class ModelWriter {
 public:
  using OptionsFn = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;

  // Returns the new tensor's index.
  int add_tensor(const std::string& name, fb::ElementType type, const std::vector<int32_t>& shape,
                 const QuantParams* quant = nullptr);
  int add_constant(const std::string& name, fb::ElementType type, const std::vector<int32_t>& shape, const void* data,
                   size_t bytes, const QuantParams* quant = nullptr);
  void add_operator(fb::OperatorOptions type, OptionsFn options, const std::vector<int>& inputs,
                    const std::vector<int>& outputs, const std::string& name = "");
  void add_input(const std::string& name, int tensor, bool nchw = false);
  void add_output(const std::string& name, int tensor, bool nchw = false);
  void set_metadata(const std::string& converter_version, const std::string& source_model,
                    const std::string& source_sha256, const std::string& calibration_method,
                    const std::string& description);
  void set_format_version(uint32_t v) { format_version_ = v; }

  // The complete file.
  std::vector<uint8_t> finish() const;
  // Writes the file atomically (a temporary file renamed over `path`), so a failed
  // write never leaves a partial model behind.
  bool write_file(const std::string& path, std::string* error) const;

 private:
  struct TensorRec {
    std::string name;
    fb::ElementType type;
    std::vector<int32_t> shape;
    bool has_quant = false;
    QuantParams quant;
    uint32_t buffer = 0;
  };
  struct OpRec {
    fb::OperatorOptions type;
    OptionsFn options;
    std::vector<int> inputs, outputs;
    std::string name;
  };
  struct IORec {
    std::string name;
    int tensor;
    bool nchw;
  };
  std::vector<TensorRec> tensors_;
  std::vector<std::vector<uint8_t>> buffers_{std::vector<uint8_t>()};  // buffer 0 is empty
  std::vector<OpRec> ops_;
  std::vector<IORec> inputs_, outputs_;
  std::string meta_[5];
  bool has_meta_ = false;
  uint32_t format_version_ = 1;
};

}  // namespace octet

// Helpers shared by the runtime tests: loading through the C API with the status
// and message kept, temporary files, deterministic inputs, small models.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "octet/octet.h"

namespace octet_test {

struct ModelDeleter {
  void operator()(octet_model* m) const { octet_model_release(m); }
};
struct SessionDeleter {
  void operator()(octet_session* s) const { octet_session_release(s); }
};
using ModelPtr = std::unique_ptr<octet_model, ModelDeleter>;
using SessionPtr = std::unique_ptr<octet_session, SessionDeleter>;

// The outcome of a load: status, the message written into the error buffer, and
// the model (null unless status is OCTET_OK).
struct Loaded {
  octet_status status = OCTET_INTERNAL;
  std::string error;
  ModelPtr model;
  bool ok() const { return status == OCTET_OK && model != nullptr; }
};
Loaded load_memory(const std::vector<uint8_t>& bytes);
Loaded load_memory(const void* data, size_t size);
Loaded load_file(const std::string& path);

// A session (num_threads threads), or null with *error set.
SessionPtr make_session(octet_model* model, int num_threads = 1, bool profiling = false, std::string* error = nullptr);

// The demo network's file for a weight seed.
std::vector<uint8_t> demo_file(uint32_t seed);

// Uniform floats in [lo, hi) from a seed.
std::vector<float> random_floats(uint32_t seed, size_t n, float lo, float hi);

// A path in the temporary directory, unique to this process and stem; the file is
// removed when the TempFile goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& stem);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  bool write(const std::vector<uint8_t>& bytes) const;

 private:
  std::string path_;
};

// float [n] -> Quantize(scale, zero_point) -> int8 "q" -> Dequantize -> float "y".
// Graph inputs: "x". Graph outputs: "q" (int8) then "y" (float).
std::vector<uint8_t> quantize_dequantize_model(int n, float scale, int32_t zero_point);
// int8 [n] input "q" (scale, zero_point) -> Dequantize -> float "y".
std::vector<uint8_t> dequantize_model(int n, float scale, int32_t zero_point);

// Output `index` of a session as raw bytes / floats (sized from the model's
// output info); empty when the model or session refuses.
std::vector<uint8_t> output_raw(octet_session* s, const octet_model* m, size_t index);
std::vector<float> output_float(octet_session* s, const octet_model* m, size_t index);

}  // namespace octet_test

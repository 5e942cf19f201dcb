#include "tests/support/test_util.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "converter/writer/demo_model.h"

namespace octet_test {

namespace fb = octet::fb;

Loaded load_memory(const void* data, size_t size) {
  Loaded r;
  char err[1024] = "(unchanged)";
  octet_model* m = reinterpret_cast<octet_model*>(uintptr_t{1});  // must be overwritten
  r.status = octet_model_load_memory(data, size, &m, err, sizeof(err));
  r.error = err;
  r.model.reset(r.status == OCTET_OK ? m : nullptr);
  if (r.status != OCTET_OK && m != nullptr) r.error += " [model handle not cleared]";
  return r;
}

Loaded load_memory(const std::vector<uint8_t>& bytes) { return load_memory(bytes.data(), bytes.size()); }

Loaded load_file(const std::string& path) {
  Loaded r;
  char err[1024] = "(unchanged)";
  octet_model* m = reinterpret_cast<octet_model*>(uintptr_t{1});
  r.status = octet_model_load_file(path.c_str(), &m, err, sizeof(err));
  r.error = err;
  r.model.reset(r.status == OCTET_OK ? m : nullptr);
  if (r.status != OCTET_OK && m != nullptr) r.error += " [model handle not cleared]";
  return r;
}

SessionPtr make_session(octet_model* model, int num_threads, bool profiling, std::string* error) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.num_threads = num_threads;
  o.enable_profiling = profiling ? 1 : 0;
  char err[1024] = "";
  octet_session* s = nullptr;
  const octet_status st = octet_session_create(model, &o, &s, err, sizeof(err));
  if (error != nullptr) *error = err;
  return SessionPtr(st == OCTET_OK ? s : nullptr);
}

std::vector<uint8_t> demo_file(uint32_t seed) {
  const octet::DemoModel m = octet::make_demo_model(seed);
  return octet::write_demo_model(m).finish();  // m outlives the writer's callbacks
}

std::vector<float> random_floats(uint32_t seed, size_t n, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

TempFile::TempFile(const std::string& stem) {
  const char* dir = std::getenv("TMPDIR");
  path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/octet_test_" + std::to_string(::getpid()) + "_" + stem;
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

bool TempFile::write(const std::vector<uint8_t>& bytes) const {
  FILE* f = std::fopen(path_.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

std::vector<uint8_t> quantize_dequantize_model(int n, float scale, int32_t zero_point) {
  octet::ModelWriter w;
  const octet::QuantParams q = octet::QuantParams::per_tensor(scale, zero_point);
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {n});
  const int qt = w.add_tensor("q", fb::ElementType::INT8, {n}, &q);
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {n});
  w.add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); },
                 {x}, {qt}, "quantize");
  w.add_operator(fb::OperatorOptions::DequantizeOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {qt}, {y}, "dequantize");
  w.add_input("x", x);
  w.add_output("q", qt);
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> dequantize_model(int n, float scale, int32_t zero_point) {
  octet::ModelWriter w;
  const octet::QuantParams q = octet::QuantParams::per_tensor(scale, zero_point);
  const int qt = w.add_tensor("q", fb::ElementType::INT8, {n}, &q);
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {n});
  w.add_operator(fb::OperatorOptions::DequantizeOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {qt}, {y}, "dequantize");
  w.add_input("q", qt);
  w.add_output("y", y);
  return w.finish();
}

std::vector<uint8_t> output_raw(octet_session* s, const octet_model* m, size_t index) {
  octet_tensor_info info;
  if (octet_model_output_info(m, index, &info) != OCTET_OK) return {};
  std::vector<uint8_t> v(info.raw_size);
  if (octet_session_get_output_raw(s, index, v.data(), v.size()) != OCTET_OK) return {};
  return v;
}

std::vector<float> output_float(octet_session* s, const octet_model* m, size_t index) {
  octet_tensor_info info;
  if (octet_model_output_info(m, index, &info) != OCTET_OK) return {};
  std::vector<float> v(info.element_count);
  if (octet_session_get_output_float(s, index, v.data(), v.size()) != OCTET_OK) return {};
  return v;
}

}  // namespace octet_test

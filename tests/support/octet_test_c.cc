#include "tests/support/octet_test_c.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "converter/writer/demo_model.h"
#include "tests/support/demo_reference.h"

extern "C" {

int octet_test_write_demo_model(const char* path, unsigned seed) {
  if (path == nullptr) return 1;
  try {
    const octet::DemoModel m = octet::make_demo_model(seed);
    std::string error;
    return octet::write_demo_model(m).write_file(path, &error) ? 0 : 1;
  } catch (const std::exception&) {
    return 1;
  }
}

int octet_test_demo_expected(unsigned seed, const float* input_nchw, float* expected_probs) {
  if (input_nchw == nullptr || expected_probs == nullptr) return 1;
  try {
    const octet::DemoModel m = octet::make_demo_model(seed);
    const octet_test::DemoTrace t = octet_test::demo_reference(m, input_nchw);
    if (t.probabilities.size() != static_cast<size_t>(m.classes)) return 1;
    std::memcpy(expected_probs, t.probabilities.data(), t.probabilities.size() * sizeof(float));
    return 0;
  } catch (const std::exception&) {
    return 1;
  }
}

int octet_test_temp_path(const char* stem, char* path, size_t size) {
  if (stem == nullptr || path == nullptr) return 1;
  const char* dir = std::getenv("TMPDIR");
  const std::string p = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/octet_test_" + std::to_string(::getpid()) + "_" + stem;
  if (p.size() + 1 > size) return 1;
  std::memcpy(path, p.c_str(), p.size() + 1);
  return 0;
}

}  // extern "C"

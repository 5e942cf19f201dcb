// Shared by the fuzz targets: an exact-size copy of the input (so AddressSanitizer
// sees a read one byte past the end), deterministic input data, and a check that
// stops the fuzzer with a message when an invariant fails.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model.h"
#include "runtime/session.h"

namespace octet_fuzz {

// A finding that is not a crash (a wrong status, outputs that differ between
// kernel paths): print it and abort, which libFuzzer records as a crash with the
// input saved.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "octet fuzz invariant failed: %s\n", what.c_str());
  std::abort();
}

class ExactBytes final : public octet::rt::ModelBytes {
 public:
  ExactBytes(const uint8_t* p, size_t n) {
    // 64-byte aligned like the runtime's own copies; posix_memalign takes any size,
    // so the block ends exactly at byte n.
    if (posix_memalign(&mem_, 64, n == 0 ? 1 : n) != 0) std::abort();
    if (n != 0) std::memcpy(mem_, p, n);
    data_ = static_cast<const uint8_t*>(mem_);
    size_ = n;
  }
  ~ExactBytes() override { std::free(mem_); }

 private:
  void* mem_ = nullptr;
};

// winograd: octet_load_options.winograd (OCTET_WINOGRAD_*).
inline octet::rt::Status load_exact(const uint8_t* data, size_t size, const char* kernel_path, int winograd,
                                    std::shared_ptr<const octet::rt::Model>* out) {
  return octet::rt::Model::Load(std::unique_ptr<octet::rt::ModelBytes>(new ExactBytes(data, size)), out, kernel_path,
                                winograd);
}

// xorshift64*: the same stream for the same seed on every platform.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
};

inline uint64_t hash_bytes(const uint8_t* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace octet_fuzz

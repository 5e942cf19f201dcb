// The runtime's operator interface. An operator is created (checked and prepared:
// parameters derived, weights located) once at model load, and run many times by
// sessions; run() is const and allocates nothing, so a model's operators are
// shared by all its sessions.
#pragma once

#include <pthreadpool.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/status.h"
#include "runtime/tensor.h"

namespace octet::fb {
struct Operator;
}

namespace octet::rt {

// What run() sees: one data pointer per tensor of the model, and the thread pool.
struct ExecContext {
  void* const* data = nullptr;
  pthreadpool_t pool = nullptr;
  template <typename T>
  T* tensor(int index) const {
    return static_cast<T*>(data[index]);
  }
};

class Operator {
 public:
  virtual ~Operator() = default;
  virtual void run(const ExecContext& ctx) const = 0;

  std::string name;          // from the model, for messages and profiles
  const char* type = "";     // "Conv2D", "Add", ...
  const char* kernel = "";   // kernel variant, e.g. "qs8_conv2d__reference"
  std::vector<int> inputs;   // tensor indices, -1 for absent optional inputs
  std::vector<int> outputs;
  bool empty_output = false;  // every output has 0 elements: run() is skipped
  // Multiply-accumulates of one run, set at create time (octet_operator_info): Conv2D
  // out_elements * kh * kw * cin / groups, FullyConnected rows * K * N, BatchMatMul
  // rows * K * N; every other operator 0.
  uint64_t macs = 0;
};

// Everything an operator's create function may look at.
struct OpBuildContext {
  const fb::Operator* op = nullptr;
  const std::vector<Tensor>* tensors = nullptr;
  std::vector<int> inputs;
  std::vector<int> outputs;
  std::string name;

  const Tensor& tensor(int index) const { return (*tensors)[index]; }
  const Tensor& input(size_t i) const { return (*tensors)[inputs[i]]; }
  const Tensor& output(size_t i) const { return (*tensors)[outputs[i]]; }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i] >= 0; }
  // An error prefixed with the operator's position, type and name.
  Error error(octet_status code = OCTET_INVALID_MODEL) const;
  const char* type_name = "";
  size_t index = 0;
};

// Validates one operator against its tensors and creates it.
Status create_operator(const OpBuildContext& ctx, std::unique_ptr<Operator>* op);

// Runs body(begin, end) over [0, range) in tiles on the pool (or inline when the
// pool is null or the range is one tile). body must be thread-safe.
template <typename F>
void parallel_for(pthreadpool_t pool, size_t range, size_t tile, const F& body) {
  if (range == 0) return;
  if (pool == nullptr || range <= tile || pthreadpool_get_threads_count(pool) <= 1) {
    body(size_t{0}, range);
    return;
  }
  struct Ctx {
    const F* body;
    size_t range;
  } c{&body, range};
  pthreadpool_parallelize_1d_tile_1d(
      pool,
      [](void* p, size_t start, size_t count) {
        auto* cx = static_cast<Ctx*>(p);
        (*cx->body)(start, start + count);
      },
      &c, range, tile, 0);
}

}  // namespace octet::rt

// The runtime's operator interface. An operator is created (checked and prepared:
// parameters derived, weights located) once at model load, and run many times by
// sessions; run() is const and allocates nothing, so a model's operators are
// shared by all its sessions.
#pragma once

#include <pthreadpool.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernel-table.h"
#include "runtime/conv_choice.h"
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
  // Scratch for parallel work: `slots` regions of slot_bytes (64-byte aligned), one
  // per thread of the pool; parallel_for_slots hands each task its own.
  uint8_t* scratch = nullptr;
  size_t slot_bytes = 0;
  size_t slots = 1;
  std::atomic<uint8_t>* slot_busy = nullptr;  // one flag per slot: held by a running task
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
  // Scratch one worker slot needs in run() (im2col rows, ...), set at create time.
  size_t scratch_bytes = 0;
  // Why this kernel, where the runtime chose between forms at load
  // (octet_operator_info.choice); empty otherwise.
  std::string choice;
};

// Everything an operator's create function may look at.
struct OpBuildContext {
  const fb::Operator* op = nullptr;
  const std::vector<Tensor>* tensors = nullptr;
  const KernelTable* kernels = nullptr;  // the model's kernel path
  WinogradMode winograd = WinogradMode::kMeasure;
  ConvChoiceCache* choices = nullptr;  // the load's measured choices (may be null)
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

// Runs body(slot, begin, end) over [0, range) in tasks of `tile` (the last may be
// shorter), spread over the pool's threads by pthreadpool's work stealing; each task
// holds a scratch slot of its own (ctx.scratch + slot * ctx.slot_bytes) for its
// duration. At most as many tasks run at once as the pool has threads, and the
// session has one slot per thread, so a free slot always exists. The split never
// changes the bytes: every output element is computed by one task alone.
template <typename F>
void parallel_for_slots(const ExecContext& ctx, size_t range, size_t tile, const F& body) {
  if (range == 0) return;
  if (tile == 0) tile = 1;
  const size_t threads = ctx.pool != nullptr ? pthreadpool_get_threads_count(ctx.pool) : 1;
  if (threads <= 1 || ctx.slots <= 1 || ctx.slot_busy == nullptr || range <= tile) {
    body(size_t{0}, size_t{0}, range);
    return;
  }
  struct Ctx {
    const F* body;
    std::atomic<uint8_t>* busy;
    size_t slots;
  } c{&body, ctx.slot_busy, ctx.slots};
  pthreadpool_parallelize_1d_tile_1d(
      ctx.pool,
      [](void* p, size_t start, size_t count) {
        auto* cx = static_cast<Ctx*>(p);
        size_t slot = 0;
        while (cx->busy[slot].exchange(1, std::memory_order_acquire) != 0) slot = (slot + 1) % cx->slots;
        (*cx->body)(slot, start, start + count);
        cx->busy[slot].store(0, std::memory_order_release);
      },
      &c, range, tile, 0);
}

}  // namespace octet::rt

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

#include "kernels/kernel-table.h"
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
};

// Everything an operator's create function may look at.
struct OpBuildContext {
  const fb::Operator* op = nullptr;
  const std::vector<Tensor>* tensors = nullptr;
  const KernelTable* kernels = nullptr;  // the model's kernel path
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

// Runs body(slot, begin, end) over [0, range) cut into at most ctx.slots contiguous
// chunks of whole tiles, each with its own slot number (so its own scratch region,
// ctx.scratch + slot * ctx.slot_bytes). The split depends only on range, tile and the
// thread count; any split gives the same bytes, as every element is computed alone.
template <typename F>
void parallel_for_slots(const ExecContext& ctx, size_t range, size_t tile, const F& body) {
  if (range == 0) return;
  const size_t tiles = (range + tile - 1) / tile;
  size_t chunks = ctx.pool != nullptr ? pthreadpool_get_threads_count(ctx.pool) : 1;
  if (chunks > ctx.slots) chunks = ctx.slots;
  if (chunks > tiles) chunks = tiles;
  if (chunks <= 1) {
    body(size_t{0}, size_t{0}, range);
    return;
  }
  struct Ctx {
    const F* body;
    size_t range, tile, tiles, chunks;
  } c{&body, range, tile, tiles, chunks};
  pthreadpool_parallelize_1d(
      ctx.pool,
      [](void* p, size_t slot) {
        auto* cx = static_cast<Ctx*>(p);
        const size_t t0 = slot * cx->tiles / cx->chunks, t1 = (slot + 1) * cx->tiles / cx->chunks;
        const size_t b = t0 * cx->tile, e = t1 * cx->tile < cx->range ? t1 * cx->tile : cx->range;
        if (b < e) (*cx->body)(slot, b, e);
      },
      &c, chunks, 0);
}

}  // namespace octet::rt

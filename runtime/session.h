// A session: one thread's activations (an arena planned by the model), the thread
// pool, input bookkeeping and per-operator timings. Keeps its model alive.
#pragma once

#include <pthreadpool.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model.h"
#include "runtime/status.h"

namespace octet::rt {

struct SessionOptions {
  int num_threads = 1;
  bool enable_profiling = false;
};

class Session {
 public:
  static Status Create(std::shared_ptr<const Model> model, const SessionOptions& options, std::unique_ptr<Session>* out);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Model& model() const { return *model_; }
  Status set_input_float(size_t index, const float* data, size_t count);
  Status set_input_raw(size_t index, const void* data, size_t size);
  Status invoke();
  Status get_output_float(size_t index, float* data, size_t count) const;
  Status get_output_raw(size_t index, void* data, size_t size) const;
  const std::vector<uint64_t>& operator_times_ns() const { return times_ns_; }
  // Start of each operator from the start of the last invoke (profiling only).
  const std::vector<uint64_t>& operator_starts_ns() const { return starts_ns_; }
  bool profiling() const { return options_.enable_profiling; }

 private:
  Session() = default;
  std::shared_ptr<const Model> model_;
  SessionOptions options_;
  uint8_t* arena_ = nullptr;
  uint8_t* scratch_ = nullptr;  // num_threads slots of slot_bytes_
  size_t slot_bytes_ = 0;
  std::unique_ptr<std::atomic<uint8_t>[]> slot_busy_;  // one flag per slot
  std::vector<void*> data_;
  pthreadpool_t pool_ = nullptr;
  std::vector<bool> input_set_;
  std::vector<uint64_t> times_ns_;
  std::vector<uint64_t> starts_ns_;
  // Outputs hold results only after a successful invoke, until an input is set
  // (the arena may place an input where an output was).
  bool invoked_ = false;
};

}  // namespace octet::rt

// An immutable, loaded model: verified graph, prepared operators, arena plan.
// Shared (read-only) by every session created from it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/kernel-path.h"
#include "runtime/arena_planner.h"
#include "runtime/model_file.h"
#include "runtime/operator.h"
#include "runtime/status.h"
#include "runtime/tensor.h"

namespace octet::rt {

struct GraphIO {
  std::string name;
  int tensor = -1;
  bool nchw = false;
};

class Model {
 public:
  // Verifies the bytes completely, then prepares every operator. Nothing is
  // allocated for activations here; sessions do that.
  // `kernel_path`: a path name (kernels/kernel-path.h) or null for the default
  // (runtime/cpu.h resolve_kernel_path).
  // `winograd`: octet_load_options.winograd (runtime/conv_choice.h).
  static Status Load(std::unique_ptr<ModelBytes> bytes, std::shared_ptr<const Model>* out,
                     const char* kernel_path = nullptr, int winograd = 0);

  const std::vector<Tensor>& tensors() const { return tensors_; }
  const std::vector<std::unique_ptr<Operator>>& operators() const { return operators_; }
  const std::vector<GraphIO>& inputs() const { return inputs_; }
  const std::vector<GraphIO>& outputs() const { return outputs_; }
  const ArenaPlan& arena_plan() const { return plan_; }
  // The kernel path every operator was built for.
  KernelPath kernel_path() const { return path_; }
  // Scratch bytes one worker slot needs (the largest over operators); a session
  // holds one slot per thread.
  size_t scratch_bytes_per_slot() const { return scratch_per_slot_; }
  // Milliseconds spent verifying the container and tensors, and checking and
  // preparing the operators (weights located, parameters derived, later packed) and
  // planning the arena.
  double verify_ms() const { return verify_ms_; }
  double prepare_ms() const { return prepare_ms_; }
  // Of prepare_ms: timing the forms of convolutions to choose one (WinogradMode).
  double choose_ms() const { return choose_ms_; }
  WinogradMode winograd_mode() const { return winograd_; }

 private:
  std::unique_ptr<ModelBytes> bytes_;
  std::vector<Tensor> tensors_;
  std::vector<std::unique_ptr<Operator>> operators_;
  std::vector<GraphIO> inputs_, outputs_;
  ArenaPlan plan_;
  double verify_ms_ = 0, prepare_ms_ = 0, choose_ms_ = 0;
  WinogradMode winograd_ = WinogradMode::kMeasure;
  KernelPath path_ = KernelPath::kReference;
  size_t scratch_per_slot_ = 0;
};

}  // namespace octet::rt

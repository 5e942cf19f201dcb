// An immutable, loaded model: verified graph, prepared operators, arena plan.
// Shared (read-only) by every session created from it.
#pragma once

#include <memory>
#include <string>
#include <vector>

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
  static Status Load(std::unique_ptr<ModelBytes> bytes, std::shared_ptr<const Model>* out);

  const std::vector<Tensor>& tensors() const { return tensors_; }
  const std::vector<std::unique_ptr<Operator>>& operators() const { return operators_; }
  const std::vector<GraphIO>& inputs() const { return inputs_; }
  const std::vector<GraphIO>& outputs() const { return outputs_; }
  const ArenaPlan& arena_plan() const { return plan_; }
  // Milliseconds spent verifying the container and tensors, and checking and
  // preparing the operators (weights located, parameters derived, later packed) and
  // planning the arena.
  double verify_ms() const { return verify_ms_; }
  double prepare_ms() const { return prepare_ms_; }

 private:
  std::unique_ptr<ModelBytes> bytes_;
  std::vector<Tensor> tensors_;
  std::vector<std::unique_ptr<Operator>> operators_;
  std::vector<GraphIO> inputs_, outputs_;
  ArenaPlan plan_;
  double verify_ms_ = 0, prepare_ms_ = 0;
};

}  // namespace octet::rt

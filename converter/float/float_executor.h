// Runs a Graph in float32 with the reference float ops (converter/float/float_ops.h).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "converter/ir/graph.h"

namespace octet::cvt {

class FloatExecutor {
 public:
  explicit FloatExecutor(const Graph& g) : g_(g) {}
  // Called after every node with the node's index and the values it produced.
  using Observer = std::function<void(int node_index, const std::vector<std::string>& names,
                                      const std::vector<const Tensor*>& values)>;
  void set_observer(Observer o) { observer_ = std::move(o); }
  // Values of the graph inputs in; every graph output (and, with keep_all,
  // every intermediate value) out. false with a message on the first failure.
  bool run(const std::map<std::string, Tensor>& inputs, std::map<std::string, Tensor>* outputs, std::string* error,
           bool keep_all = false);

 private:
  const Graph& g_;
  Observer observer_;
};

}  // namespace octet::cvt

// Plans every activation tensor into one arena from tensor lifetimes.
#pragma once

#include <cstddef>
#include <vector>

namespace octet::rt {

constexpr size_t kArenaAlignment = 64;

struct TensorLifetime {
  size_t bytes = 0;
  int first = 0;  // step that writes it (-1: graph input, written before step 0)
  int last = 0;   // last step that reads it (num_steps: graph output, read after the run)
};

struct ArenaPlan {
  std::vector<size_t> offsets;  // one per lifetime, multiples of kArenaAlignment
  size_t arena_bytes = 0;
  // The largest sum of (aligned) sizes alive at one step: no plan can use less.
  size_t lower_bound_bytes = 0;
};

// Greedy by size (as TFLite's arena planner): place the largest tensors first, each
// at the lowest aligned offset that does not overlap a placed tensor whose
// lifetime intersects its own. Tensors with bytes == 0 get offset 0 and no space.
ArenaPlan plan_arena(const std::vector<TensorLifetime>& lifetimes);

}  // namespace octet::rt

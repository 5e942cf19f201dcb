#include "runtime/arena_planner.h"

#include <algorithm>
#include <numeric>

namespace octet::rt {

namespace {
size_t align_up(size_t v) { return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }
bool lifetimes_intersect(const TensorLifetime& a, const TensorLifetime& b) {
  return a.first <= b.last && b.first <= a.last;
}
}  // namespace

ArenaPlan plan_arena(const std::vector<TensorLifetime>& lifetimes) {
  ArenaPlan plan;
  const size_t n = lifetimes.size();
  plan.offsets.assign(n, 0);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return lifetimes[a].bytes > lifetimes[b].bytes;
  });
  std::vector<size_t> placed;
  for (size_t t : order) {
    const size_t size = align_up(lifetimes[t].bytes);
    if (size == 0) continue;
    // Intervals taken by intersecting tensors, sorted by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t p : placed) {
      if (lifetimes_intersect(lifetimes[t], lifetimes[p])) {
        busy.emplace_back(plan.offsets[p], plan.offsets[p] + align_up(lifetimes[p].bytes));
      }
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& b : busy) {
      if (offset + size <= b.first) break;
      offset = std::max(offset, b.second);
    }
    plan.offsets[t] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back(t);
  }
  // Lower bound: the live set at each step.
  int lo = 0, hi = 0;
  for (const auto& l : lifetimes) {
    lo = std::min(lo, l.first);
    hi = std::max(hi, l.last);
  }
  for (int step = lo; step <= hi; ++step) {
    size_t live = 0;
    for (const auto& l : lifetimes) {
      if (l.first <= step && step <= l.last) live += align_up(l.bytes);
    }
    plan.lower_bound_bytes = std::max(plan.lower_bound_bytes, live);
  }
  return plan;
}

}  // namespace octet::rt

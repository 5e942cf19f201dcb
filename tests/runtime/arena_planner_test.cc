// The arena planner (runtime/arena_planner.h) on its own: tensors alive at the
// same time never share bytes, offsets are aligned, the arena is at least the
// lower bound (computed again here), and chains of tensors reuse memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "runtime/arena_planner.h"

namespace octet_test {
namespace {

using octet::rt::ArenaPlan;
using octet::rt::kArenaAlignment;
using octet::rt::plan_arena;
using octet::rt::TensorLifetime;

size_t aligned(size_t v) { return (v + 63) / 64 * 64; }

bool alive_together(const TensorLifetime& a, const TensorLifetime& b) { return a.first <= b.last && b.first <= a.last; }

// The largest sum of aligned sizes alive at one step, by brute force.
size_t lower_bound(const std::vector<TensorLifetime>& ls) {
  size_t best = 0;
  for (int step = -1; step <= 1000; ++step) {
    size_t live = 0;
    for (const TensorLifetime& l : ls) {
      if (l.first <= step && step <= l.last) live += aligned(l.bytes);
    }
    best = std::max(best, live);
  }
  return best;
}

// Every property of a valid plan; the first violation as a failure.
testing::AssertionResult ValidPlan(const std::vector<TensorLifetime>& ls, const ArenaPlan& plan) {
  if (plan.offsets.size() != ls.size()) return testing::AssertionFailure() << plan.offsets.size() << " offsets for " << ls.size() << " tensors";
  for (size_t i = 0; i < ls.size(); ++i) {
    if (plan.offsets[i] % kArenaAlignment != 0) return testing::AssertionFailure() << "offset " << plan.offsets[i] << " of tensor " << i;
    if (plan.offsets[i] + ls[i].bytes > plan.arena_bytes) {
      return testing::AssertionFailure() << "tensor " << i << " [" << plan.offsets[i] << ", +" << ls[i].bytes << ") past the arena of "
                                         << plan.arena_bytes;
    }
  }
  for (size_t i = 0; i < ls.size(); ++i) {
    for (size_t j = i + 1; j < ls.size(); ++j) {
      if (ls[i].bytes == 0 || ls[j].bytes == 0 || !alive_together(ls[i], ls[j])) continue;
      const size_t a0 = plan.offsets[i], a1 = a0 + ls[i].bytes, b0 = plan.offsets[j], b1 = b0 + ls[j].bytes;
      if (a0 < b1 && b0 < a1) {
        return testing::AssertionFailure() << "tensors " << i << " [" << a0 << ", " << a1 << ") steps [" << ls[i].first << ", " << ls[i].last
                                           << "] and " << j << " [" << b0 << ", " << b1 << ") steps [" << ls[j].first << ", "
                                           << ls[j].last << "] overlap";
      }
    }
  }
  const size_t lb = lower_bound(ls);
  if (plan.lower_bound_bytes != lb) return testing::AssertionFailure() << "lower bound " << plan.lower_bound_bytes << ", expected " << lb;
  if (plan.arena_bytes < lb) return testing::AssertionFailure() << "arena " << plan.arena_bytes << " below the lower bound " << lb;
  if (plan.arena_bytes % kArenaAlignment != 0) return testing::AssertionFailure() << "arena " << plan.arena_bytes << " not aligned";
  return testing::AssertionSuccess();
}

TEST(ArenaPlanner, Empty) {
  const ArenaPlan plan = plan_arena({});
  EXPECT_TRUE(plan.offsets.empty());
  EXPECT_EQ(plan.arena_bytes, 0u);
  EXPECT_EQ(plan.lower_bound_bytes, 0u);
}

TEST(ArenaPlanner, ZeroSizeTensorsTakeNoSpace) {
  const std::vector<TensorLifetime> ls = {{0, -1, 3}, {0, 0, 0}, {100, 0, 2}, {0, 1, 5}};
  const ArenaPlan plan = plan_arena(ls);
  ASSERT_TRUE(ValidPlan(ls, plan));
  EXPECT_EQ(plan.arena_bytes, 128u);
  EXPECT_EQ(plan.offsets[0], 0u);
  EXPECT_EQ(plan.offsets[1], 0u);
  EXPECT_EQ(plan.offsets[3], 0u);
}

TEST(ArenaPlanner, AllAliveTogetherIsTheSum) {
  std::vector<TensorLifetime> ls;
  for (size_t b : {1, 64, 65, 1000, 7}) ls.push_back({b, -1, 4});
  const ArenaPlan plan = plan_arena(ls);
  ASSERT_TRUE(ValidPlan(ls, plan));
  EXPECT_EQ(plan.arena_bytes, 64u + 64u + 128u + 1024u + 64u);
  EXPECT_EQ(plan.arena_bytes, plan.lower_bound_bytes);
}

TEST(ArenaPlanner, DisjointLifetimesShareOneSlot) {
  std::vector<TensorLifetime> ls;
  for (int i = 0; i < 20; ++i) ls.push_back({4096, 2 * i, 2 * i + 1});
  const ArenaPlan plan = plan_arena(ls);
  ASSERT_TRUE(ValidPlan(ls, plan));
  EXPECT_EQ(plan.arena_bytes, 4096u);
  for (size_t o : plan.offsets) EXPECT_EQ(o, 0u);
}

// A chain: tensor i is written by step i - 1 and read by step i, so at most two are
// alive at once, and the arena must be far below the sum of sizes.
TEST(ArenaPlanner, ChainReusesMemory) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<TensorLifetime> ls;
    size_t sum = 0;
    const int n = 30 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const size_t bytes = 1000 + rng() % 50000;
      ls.push_back({bytes, i - 1, i});
      sum += aligned(bytes);
    }
    const ArenaPlan plan = plan_arena(ls);
    ASSERT_TRUE(ValidPlan(ls, plan)) << "trial " << trial;
    EXPECT_LE(plan.arena_bytes, 2 * plan.lower_bound_bytes) << "trial " << trial;
    EXPECT_LT(plan.arena_bytes * 5, sum) << "trial " << trial;
  }
  // Equal sizes: exactly two slots.
  std::vector<TensorLifetime> ls;
  for (int i = 0; i < 100; ++i) ls.push_back({1024, i - 1, i});
  const ArenaPlan plan = plan_arena(ls);
  ASSERT_TRUE(ValidPlan(ls, plan));
  EXPECT_EQ(plan.arena_bytes, 2048u);
}

// A chain with residual connections (each tensor also read two steps later), as in
// a ResNet or MobileNetV2 block.
TEST(ArenaPlanner, ResidualChain) {
  std::vector<TensorLifetime> ls;
  size_t sum = 0;
  for (int i = 0; i < 60; ++i) {
    ls.push_back({4096, i - 1, i + 1});
    sum += 4096;
  }
  const ArenaPlan plan = plan_arena(ls);
  ASSERT_TRUE(ValidPlan(ls, plan));
  EXPECT_EQ(plan.lower_bound_bytes, 3u * 4096u);
  EXPECT_LE(plan.arena_bytes, 4u * 4096u);
  EXPECT_LT(plan.arena_bytes * 10, sum);
}

TEST(ArenaPlanner, RandomLifetimes) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 2000; ++trial) {
    const int steps = 1 + static_cast<int>(rng() % 40);
    const int n = static_cast<int>(rng() % 60);
    std::vector<TensorLifetime> ls;
    for (int i = 0; i < n; ++i) {
      TensorLifetime l;
      switch (rng() % 5) {
        case 0: l.bytes = 0; break;
        case 1: l.bytes = 1 + rng() % 64; break;
        case 2: l.bytes = 64 * (1 + rng() % 8); break;
        default: l.bytes = 1 + rng() % 100000; break;
      }
      l.first = static_cast<int>(rng() % (steps + 1)) - 1;  // -1: a graph input
      l.last = l.first + static_cast<int>(rng() % (steps + 1 - l.first));  // up to `steps`: a graph output
      if (l.last < l.first) l.last = l.first;
      ls.push_back(l);
    }
    const ArenaPlan plan = plan_arena(ls);
    ASSERT_TRUE(ValidPlan(ls, plan)) << "trial " << trial;
  }
}

TEST(ArenaPlanner, PlanIsDeterministic) {
  std::mt19937 rng(3);
  std::vector<TensorLifetime> ls;
  for (int i = 0; i < 50; ++i) {
    const int first = static_cast<int>(rng() % 20) - 1;
    ls.push_back({1 + rng() % 5000, first, first + static_cast<int>(rng() % 5)});
  }
  const ArenaPlan a = plan_arena(ls);
  const ArenaPlan b = plan_arena(ls);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.arena_bytes, b.arena_bytes);
}

}  // namespace
}  // namespace octet_test

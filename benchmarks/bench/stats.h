// Summary statistics of a set of latencies.
#pragma once

#include <vector>

namespace octet::bench {

struct Stats {
  double min = 0, median = 0, mean = 0, p90 = 0, p99 = 0, stddev = 0;
};

// Percentiles by linear interpolation between closest ranks; stddev is the
// population standard deviation. All zero for an empty set.
Stats summarize(std::vector<double> values);
// The p-th percentile (0..100) of sorted values.
double percentile(const std::vector<double>& sorted, double p);

}  // namespace octet::bench

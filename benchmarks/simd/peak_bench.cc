// The INT8 peak: vpdpbusd zmm in a tight loop with 24 independent accumulators.
#include <benchmark/benchmark.h>

#include <chrono>

#include "benchmarks/simd/peak.h"

namespace octet_bench {

#if defined(__x86_64__)
double vnni_peak_gmacs() {
  static const double peak = [] {
    if (!__builtin_cpu_supports("avx512vnni")) return 0.0;
    peak_loop_avx512vnni(1000000);  // warm up the clock
    double best = 0;
    for (int r = 0; r < 5; ++r) {
      const long n = 2000000;
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(peak_loop_avx512vnni(n));
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double g = static_cast<double>(n) * 24 * 64 / s / 1e9;
      if (g > best) best = g;
    }
    return best;
  }();
  return peak;
}

namespace {

void BM_Peak_vpdpbusd_zmm(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx512vnni")) {
    state.SkipWithError("no AVX-512 VNNI");
    return;
  }
  const long n = 100000;
  for (auto _ : state) benchmark::DoNotOptimize(peak_loop_avx512vnni(n));
  state.counters["GMAC/s"] =
      benchmark::Counter(static_cast<double>(n) * 24 * 64 / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Peak_vpdpbusd_zmm)->Unit(benchmark::kMicrosecond);

}  // namespace
#else
double vnni_peak_gmacs() { return 0.0; }
#endif
}  // namespace octet_bench

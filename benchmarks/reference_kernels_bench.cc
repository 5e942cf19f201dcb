// Google Benchmark of the reference kernels on real layer shapes (MobileNetV2,
// 224x224). The reference kernels are the specification, not the fast path: these
// figures are the baseline the SIMD kernels of later issues are measured against.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kernels/reference/qs8-conv2d-reference.h"

namespace {

struct Layer {
  const char* name;
  int hw, in_c, out_c, kernel, stride, groups;
};

// A few MobileNetV2 layers: first conv, an expansion 1x1, a depthwise 3x3, a projection 1x1.
const Layer kLayers[] = {
    {"mbv2_conv0_3x3s2_3to32", 224, 3, 32, 3, 2, 1},
    {"mbv2_b1_expand_1x1_24to144", 56, 24, 144, 1, 1, 1},
    {"mbv2_b1_dw_3x3_144", 56, 144, 144, 3, 1, 144},
    {"mbv2_b1_project_1x1_144to24", 56, 144, 24, 1, 1, 1},
};

void BM_qs8_conv2d__reference(benchmark::State& state) {
  const Layer& l = kLayers[state.range(0)];
  octet::ConvShape s;
  s.in_h = s.in_w = l.hw;
  s.in_c = l.in_c;
  s.out_c = l.out_c;
  s.kernel_h = s.kernel_w = l.kernel;
  s.stride_h = s.stride_w = l.stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = l.kernel / 2;
  s.groups = l.groups;
  s.out_h = s.out_w = (l.hw + 2 * (l.kernel / 2) - l.kernel) / l.stride + 1;
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> x(static_cast<size_t>(l.hw) * l.hw * l.in_c), w(static_cast<size_t>(l.out_c) * l.kernel * l.kernel * (l.in_c / l.groups));
  for (auto& v : x) v = static_cast<int8_t>(d(rng));
  for (auto& v : w) v = static_cast<int8_t>(d(rng) / 2);
  std::vector<int32_t> bias(l.out_c, 100), m0(l.out_c, 1 << 30), shift(l.out_c, 40);
  std::vector<int8_t> y(static_cast<size_t>(s.out_h) * s.out_w * l.out_c);
  octet::RequantParams rq;
  rq.m0 = m0.data();
  rq.shift = shift.data();
  rq.per_channel = true;
  for (auto _ : state) {
    octet::qs8_conv2d__reference(s, x.data(), 3, w.data(), bias.data(), rq, y.data(), 0, s.out_h);
    benchmark::DoNotOptimize(y.data());
  }
  const double macs = static_cast<double>(s.out_h) * s.out_w * l.out_c * l.kernel * l.kernel * (l.in_c / l.groups);
  state.counters["GMAC"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(l.name);
}
BENCHMARK(BM_qs8_conv2d__reference)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

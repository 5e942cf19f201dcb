// Convolution layers of ResNet-50 and MobileNetV2 (groups 1: im2col / direct 1x1
// GEMM) on every kernel path this CPU runs, one thread, in GMAC/s and percent of the
// measured vpdpbusd peak (peak.h), with XNNPACK's qc8 convolution on the same shapes.
//   octet-simd-bench --benchmark_filter=Conv --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "benchmarks/simd/layer_model.h"
#include "benchmarks/simd/peak.h"

#if OCTET_HAVE_XNNPACK
#include <xnnpack.h>
#endif

namespace octet_bench {
namespace {

const ConvLayer kLayers[] = {
    // ResNet-50 (torchvision v1.5: stride in the 3x3)
    {"resnet50", 224, 224, 3, 64, 7, 2, 3, 1},
    {"resnet50", 56, 56, 64, 64, 1, 1, 0, 1},
    {"resnet50", 56, 56, 64, 64, 3, 1, 1, 1},
    {"resnet50", 56, 56, 64, 256, 1, 1, 0, 1},
    {"resnet50", 56, 56, 256, 64, 1, 1, 0, 1},
    {"resnet50", 56, 56, 128, 128, 3, 2, 1, 1},
    {"resnet50", 28, 28, 128, 128, 3, 1, 1, 1},
    {"resnet50", 28, 28, 128, 512, 1, 1, 0, 1},
    {"resnet50", 28, 28, 512, 128, 1, 1, 0, 1},
    {"resnet50", 14, 14, 256, 256, 3, 1, 1, 1},
    {"resnet50", 14, 14, 256, 1024, 1, 1, 0, 1},
    {"resnet50", 14, 14, 1024, 256, 1, 1, 0, 1},
    {"resnet50", 7, 7, 512, 512, 3, 1, 1, 1},
    {"resnet50", 7, 7, 512, 2048, 1, 1, 0, 1},
    {"resnet50", 7, 7, 2048, 512, 1, 1, 0, 1},
    // MobileNetV2 (pointwise and the stem)
    {"mobilenet_v2", 224, 224, 3, 32, 3, 2, 1, 1},
    {"mobilenet_v2", 112, 112, 32, 16, 1, 1, 0, 1},
    {"mobilenet_v2", 112, 112, 16, 96, 1, 1, 0, 1},
    {"mobilenet_v2", 56, 56, 24, 144, 1, 1, 0, 1},
    {"mobilenet_v2", 56, 56, 144, 24, 1, 1, 0, 1},
    {"mobilenet_v2", 28, 28, 32, 192, 1, 1, 0, 1},
    {"mobilenet_v2", 28, 28, 192, 32, 1, 1, 0, 1},
    {"mobilenet_v2", 14, 14, 64, 384, 1, 1, 0, 1},
    {"mobilenet_v2", 14, 14, 384, 64, 1, 1, 0, 1},
    {"mobilenet_v2", 14, 14, 96, 576, 1, 1, 0, 1},
    {"mobilenet_v2", 7, 7, 160, 960, 1, 1, 0, 1},
    {"mobilenet_v2", 7, 7, 960, 320, 1, 1, 0, 1},
    {"mobilenet_v2", 7, 7, 320, 1280, 1, 1, 0, 1},
};

void report(benchmark::State& state, double macs) {
  state.counters["GMAC/s"] = benchmark::Counter(macs / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  const double peak = vnni_peak_gmacs();
  if (peak > 0) {
    // kIsIterationInvariantRate divides by time: percent = rate / peak * 100.
    state.counters["%peak"] =
        benchmark::Counter(macs / 1e9 / peak * 100.0, benchmark::Counter::kIsIterationInvariantRate);
  }
}

void BM_Conv_octet(benchmark::State& state, ConvLayer l, const char* path) {
  LoadedLayer layer(conv_layer_model(l), path, 1);
  if (layer.session == nullptr) {
    state.SkipWithError(layer.error.c_str());
    return;
  }
  for (auto _ : state) octet_session_invoke(layer.session);
  state.SetLabel(layer.kernel);
  report(state, l.macs());
}

#if OCTET_HAVE_XNNPACK
void BM_Conv_xnnpack(benchmark::State& state, ConvLayer l) {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize");
    return;
  }
  std::mt19937 rng(7);
  const int gi = l.in_c / l.groups, go = l.out_c / l.groups;
  std::vector<int8_t> w(static_cast<size_t>(l.out_c) * l.kernel * l.kernel * gi);
  for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<int32_t> bias(l.out_c, 7);
  std::vector<float> ws(l.out_c, 0.0015f);
  std::vector<int8_t> x(static_cast<size_t>(l.in_h) * l.in_w * l.in_c + 64), y(static_cast<size_t>(l.out_h()) * l.out_w() * l.out_c);
  for (auto& v : x) v = static_cast<int8_t>(rng());
  xnn_operator_t op = nullptr;
  if (xnn_create_convolution2d_nhwc_qc8(l.pad, l.pad, l.pad, l.pad, l.kernel, l.kernel, l.stride, l.stride, 1, 1,
                                        l.groups, gi, go, l.in_c, l.out_c, -3, 0.02f, ws.data(), w.data(), bias.data(),
                                        5, 0.05f * l.kernel, 5, 127, 0, &op) != xnn_status_success ||
      xnn_setup_convolution2d_nhwc_qc8(op, 1, l.in_h, l.in_w, x.data(), y.data(), nullptr) != xnn_status_success) {
    state.SkipWithError("XNNPACK refused the layer");
    return;
  }
  for (auto _ : state) xnn_run_operator(op, nullptr);
  xnn_delete_operator(op);
  state.SetLabel("xnnpack qc8");
  report(state, l.macs());
}
#endif

int register_all() {
  const char* paths[] = {"avx512vnni", "avxvnni", "avx512bw", "avx2"};
  for (const ConvLayer& l : kLayers) {
    for (const char* p : paths) {
      benchmark::RegisterBenchmark(("Conv/" + l.label() + "/octet_" + p).c_str(), BM_Conv_octet, l, p)
          ->Unit(benchmark::kMicrosecond);
    }
#if OCTET_HAVE_XNNPACK
    benchmark::RegisterBenchmark(("Conv/" + l.label() + "/xnnpack").c_str(), BM_Conv_xnnpack, l)
        ->Unit(benchmark::kMicrosecond);
#endif
  }
  return 0;
}
const int registered = register_all();

}  // namespace
}  // namespace octet_bench

// The 3x3 stride-1 convolutions of ResNet-18 and ResNet-50 (the same four shapes in
// both), ResNet-50's stride-2 3x3 layers and two of PaddleOCR's detector (many
// pixels, few output channels) in their two exact forms, im2col+GEMM and Winograd
// F(2x2, 3x3) (its stride-2 form f23s2 for stride 2), on every
// kernel path this CPU runs, one thread. GMAC/s counts the direct convolution's
// multiply-accumulates for both forms, so the ratio of the two is the speed-up.
//   octet-simd-bench --benchmark_filter=Winograd --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "benchmarks/simd/layer_model.h"

namespace octet_bench {
namespace {

const ConvLayer kLayers[] = {
    {"resnet", 56, 56, 64, 64, 3, 1, 1, 1},
    {"resnet", 28, 28, 128, 128, 3, 1, 1, 1},
    {"resnet", 14, 14, 256, 256, 3, 1, 1, 1},
    {"resnet", 7, 7, 512, 512, 3, 1, 1, 1},
    // the stride-2 3x3 layers of ResNet-50 (torchvision's v1.5: the stride on the 3x3)
    {"resnet50", 56, 56, 128, 128, 3, 2, 1, 1},
    {"resnet50", 28, 28, 256, 256, 3, 2, 1, 1},
    {"resnet50", 14, 14, 512, 512, 3, 2, 1, 1},
    {"ppocr_det", 160, 160, 96, 24, 3, 1, 1, 1},
    {"ppocr_det", 80, 80, 96, 24, 3, 1, 1, 1},
};

void BM_Winograd(benchmark::State& state, ConvLayer l, const char* path, int mode) {
  LoadedLayer layer(conv_layer_model(l), path, 1, mode);
  if (layer.session == nullptr) {
    state.SkipWithError(layer.error.c_str());
    return;
  }
  for (auto _ : state) octet_session_invoke(layer.session);
  state.SetLabel(layer.kernel);
  state.counters["GMAC/s"] = benchmark::Counter(l.macs() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  const char* paths[] = {"avx512vnni", "avxvnni", "avx512bw", "avx2"};
  for (const ConvLayer& l : kLayers) {
    for (const char* p : paths) {
      for (int mode : {OCTET_WINOGRAD_OFF, OCTET_WINOGRAD_ON}) {
        const std::string name =
            "Winograd/" + l.label() + "/" + p + (mode == OCTET_WINOGRAD_ON ? "/winograd" : "/gemm");
        benchmark::RegisterBenchmark(name.c_str(), BM_Winograd, l, p, mode)->Unit(benchmark::kMicrosecond);
      }
    }
  }
  return 0;
}
const int registered = register_all();

}  // namespace
}  // namespace octet_bench

// float Conv2D / FullyConnected layers (the layers the converter keeps in float) on
// the reference path and on each x86 path this CPU runs, one thread, through the C
// API (packing excluded), in GMAC/s: 1x1 56x56x64->64 and 3x3
// 28x28x128->128 (ResNet), depthwise 3x3 112x112x32 (MobileNetV2), fully connected
// 1x1280->1000 (MobileNetV2's classifier).
//   octet-simd-bench --benchmark_filter=F32 --benchmark_repetitions=5
//                    --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "benchmarks/simd/layer_model.h"
#include "converter/writer/model_writer.h"

namespace octet_bench {
namespace {

namespace fb = octet::fb;

struct F32Layer {
  const char* label;
  int in_h, in_w, in_c, out_c, kernel, stride, pad, groups;
  bool fc;  // rows = in_h, k = in_c, n = out_c
  int out_h() const { return fc ? in_h : (in_h + 2 * pad - kernel) / stride + 1; }
  int out_w() const { return fc ? 1 : (in_w + 2 * pad - kernel) / stride + 1; }
  double macs() const {
    return static_cast<double>(out_h()) * out_w() * out_c * kernel * kernel * (in_c / groups);
  }
};

const F32Layer kLayers[] = {
    {"conv1x1_56x56x64_64", 56, 56, 64, 64, 1, 1, 0, 1, false},
    {"conv3x3_28x28x128_128", 28, 28, 128, 128, 3, 1, 1, 1, false},
    {"dw3x3_112x112x32", 112, 112, 32, 32, 3, 1, 1, 32, false},
    {"fc_1x1280_1000", 1, 1, 1280, 1000, 1, 1, 0, 1, true},
};

std::vector<float> uniform(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<uint8_t> f32_model(const F32Layer& l) {
  std::mt19937 rng(7);
  octet::ModelWriter w;
  const int gi = l.in_c / l.groups;
  const std::vector<float> wv = uniform(rng, static_cast<size_t>(l.out_c) * l.kernel * l.kernel * gi);
  const std::vector<float> bv = uniform(rng, static_cast<size_t>(l.out_c));
  const fb::FloatClamp clamp(0.0f, 6.0f);
  if (l.fc) {
    const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {l.in_h, l.in_c});
    w.add_input("x", x);
    const int wt = w.add_constant("w", fb::ElementType::FLOAT32, {l.out_c, l.in_c}, wv.data(), wv.size() * 4);
    const int b = w.add_constant("b", fb::ElementType::FLOAT32, {l.out_c}, bv.data(), bv.size() * 4);
    const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {l.in_h, l.out_c});
    w.add_operator(
        fb::OperatorOptions::FullyConnectedOptions,
        [&](flatbuffers::FlatBufferBuilder& f) { return fb::CreateFullyConnectedOptions(f, 0, &clamp).Union(); },
        {x, wt, b}, {y}, "fc");
    w.add_output("y", y);
    return w.finish();
  }
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {1, l.in_h, l.in_w, l.in_c});
  w.add_input("x", x);
  const int wt =
      w.add_constant("w", fb::ElementType::FLOAT32, {l.out_c, l.kernel, l.kernel, gi}, wv.data(), wv.size() * 4);
  const int b = w.add_constant("b", fb::ElementType::FLOAT32, {l.out_c}, bv.data(), bv.size() * 4);
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {1, l.out_h(), l.out_w(), l.out_c});
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [&](flatbuffers::FlatBufferBuilder& f) {
        return fb::CreateConv2DOptions(f, l.stride, l.stride, 1, 1, l.pad, l.pad, l.pad, l.pad, l.groups, 0, &clamp)
            .Union();
      },
      {x, wt, b}, {y}, "conv");
  w.add_output("y", y);
  return w.finish();
}

void BM_F32(benchmark::State& state, F32Layer l, const char* path) {
  LoadedLayer layer(f32_model(l), path, 1);
  if (layer.session == nullptr) {
    state.SkipWithError(layer.error.c_str());
    return;
  }
  // Finite inputs in [-1, 1] (LoadedLayer's random bytes would include NaNs and
  // denormals as floats).
  std::mt19937 rng(3);
  const std::vector<float> in = uniform(rng, static_cast<size_t>(l.in_h) * l.in_w * l.in_c);
  octet_session_set_input_raw(layer.session, 0, in.data(), in.size() * sizeof(float));
  for (auto _ : state) octet_session_invoke(layer.session);
  state.SetLabel(layer.kernel);
  state.counters["GMAC/s"] = benchmark::Counter(l.macs() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  const char* paths[] = {"reference", "avx2", "avx512bw"};
  for (const F32Layer& l : kLayers) {
    for (const char* p : paths) {
      const std::string name = std::string("F32/") + l.label + "/" + p;
      benchmark::RegisterBenchmark(name.c_str(), BM_F32, l, p)->Unit(benchmark::kMicrosecond);
    }
  }
  return 0;
}
const int registered = register_all();

}  // namespace
}  // namespace octet_bench

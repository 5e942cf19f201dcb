// MobileNetV2's depthwise 3x3 layers on every depthwise kernel path this CPU runs,
// one thread, calling the row kernels directly (the runtime's row walk without the
// thread pool), in GMAC/s, with XNNPACK's qc8 depthwise convolution
// (xnn_create_convolution2d_nhwc_qc8 with groups = channels) on the same shapes.
//   octet-simd-bench --benchmark_filter=DwConv --benchmark_repetitions=3
//                    --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel-table.h"
#include "kernels/pack/qs8-dwconv-pack.h"
#include "kernels/reference/requantize.h"
#include "kernels/x86/qs8-dwconv-x86.h"
#include "runtime/cpu.h"

#if OCTET_HAVE_XNNPACK
#include <xnnpack.h>
#endif

namespace octet_bench {
namespace {

struct DwLayer {
  int hw, c, stride;
};

// MobileNetV2 (224x224 input), kernel 3x3, pad 1.
const DwLayer kDwLayers[] = {{112, 32, 1}, {112, 96, 2}, {56, 144, 1}, {56, 144, 2}, {28, 192, 1},
                             {28, 192, 2}, {14, 384, 1}, {14, 576, 1}, {14, 576, 2}, {7, 960, 1}};

constexpr float kInScale = 0.02f, kOutScale = 0.05f;
constexpr int32_t kInZero = -3, kOutZero = 5;

// 64-byte aligned storage, as the runtime's tensors are.
template <typename T>
struct AlignedVector {
  std::unique_ptr<T, decltype(&std::free)> p{nullptr, &std::free};
  size_t n = 0;
  void resize(size_t count) {
    n = count;
    p.reset(static_cast<T*>(std::aligned_alloc(64, (count * sizeof(T) + 63) / 64 * 64)));
  }
  T* data() const { return p.get(); }
  T* begin() const { return p.get(); }
  T* end() const { return p.get() + n; }
};

struct Bytes {
  int8_t* p = nullptr;
  size_t n = 0;
  int8_t* data() const { return p; }
  int8_t* begin() const { return p; }
  int8_t* end() const { return p + n; }
};

struct DwData {
  int in_h, in_w, c, out_h, out_w, stride;
  // Input and output side by side in one 64-byte aligned block, as a session's
  // arena places a layer's tensors (separate allocations made the speed of some
  // shapes depend on where the allocator put them, by up to 1.5x).
  AlignedVector<int8_t> arena;
  Bytes input, output;
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;
  std::vector<float> w_scales;
  std::vector<int32_t> m0, shift;

  explicit DwData(const DwLayer& l)
      : in_h(l.hw), in_w(l.hw), c(l.c), out_h((l.hw + 2 - 3) / l.stride + 1), out_w(out_h), stride(l.stride) {
    std::mt19937 rng(42);
    const size_t in_bytes = static_cast<size_t>(in_h) * in_w * c;
    const size_t out_bytes = static_cast<size_t>(out_h) * out_w * c;
    arena.resize((in_bytes + 63) / 64 * 64 + out_bytes);
    input = {arena.data(), in_bytes};
    output = {arena.data() + (in_bytes + 63) / 64 * 64, out_bytes};
    for (auto& v : input) v = static_cast<int8_t>(rng());
    weights.resize(static_cast<size_t>(c) * 9);
    for (auto& v : weights) v = static_cast<int8_t>(rng() % 255 - 127);
    bias.resize(c);
    for (auto& v : bias) v = static_cast<int32_t>(rng() % 20001) - 10000;
    for (int i = 0; i < c; ++i) {
      w_scales.push_back(0.001f * (1.0f + static_cast<float>(rng() % 1000) / 250.0f));
      octet::QuantizedMultiplier q;
      octet::quantize_multiplier(static_cast<double>(kInScale) * w_scales.back() / kOutScale, &q);
      m0.push_back(q.m0);
      shift.push_back(q.shift);
    }
  }
  double macs() const { return static_cast<double>(out_h) * out_w * c * 9; }
};

// dw: the path's table entry, or another kernel of the path's ISA.
void octet_dwconv(benchmark::State& state, DwLayer l, octet::KernelPath path, octet::QS8DwConvConfig dw) {
  if (!octet::rt::kernel_path_supported(path)) {
    state.SkipWithError("this CPU does not run the path");
    return;
  }
  DwData d(l);
  const octet::QS8DwConvLayout layout = dw.layout(3, 3);
  const size_t bytes = (layout.packed_bytes(d.c) + 63) / 64 * 64;
  std::unique_ptr<void, decltype(&std::free)> packed(std::aligned_alloc(64, bytes), &std::free);
  octet::qs8_dwconv_pack(layout, d.c, d.weights.data(), d.bias.data(), kInZero, d.m0.data(), d.shift.data(), true,
                         packed.get());
  AlignedVector<int8_t> zero;
  zero.resize(static_cast<size_t>(d.in_w) * d.c + 64);
  std::memset(zero.data(), kInZero, zero.n);
  octet::QS8DwConvRow r;
  r.channels = d.c;
  r.in_w = d.in_w;
  r.out_w = d.out_w;
  r.stride_w = d.stride;
  r.pad_left = 1;
  r.interior_begin = 1;
  r.interior_end = std::min(d.out_w, (d.in_w - 3 + 1) / d.stride + 1);
  r.zero = zero.data();
  r.zero_point = kOutZero;
  r.high_multiply = true;
  for (int32_t s : d.shift) r.high_multiply = r.high_multiply && s >= 33 && s <= 54;
  const size_t in_row = static_cast<size_t>(d.in_w) * d.c, out_row = static_cast<size_t>(d.out_w) * d.c;
  for (auto _ : state) {
    const int8_t* rows[3];
    for (int oy = 0; oy < d.out_h; ++oy) {
      for (int ky = 0; ky < 3; ++ky) {
        const int iy = oy * d.stride - 1 + ky;
        rows[ky] = iy >= 0 && iy < d.in_h ? d.input.data() + static_cast<size_t>(iy) * in_row : zero.data();
      }
      dw.k3x3.fn(rows, d.output.data() + oy * out_row, packed.get(), r);
    }
    benchmark::DoNotOptimize(d.output.data());
    benchmark::ClobberMemory();
  }
  state.counters["GMAC/s"] = benchmark::Counter(d.macs() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(dw.k3x3.name);
}

#if OCTET_HAVE_XNNPACK
void xnnpack_dwconv(benchmark::State& state, DwLayer l) {
  DwData d(l);
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  xnn_operator_t op = nullptr;
  if (xnn_create_convolution2d_nhwc_qc8(1, 1, 1, 1, 3, 3, d.stride, d.stride, 1, 1, d.c, 1, 1, d.c, d.c,
                                        static_cast<int8_t>(kInZero), kInScale, d.w_scales.data(), d.weights.data(),
                                        d.bias.data(), static_cast<int8_t>(kOutZero), kOutScale, -128, 127, 0,
                                        &op) != xnn_status_success ||
      xnn_setup_convolution2d_nhwc_qc8(op, 1, d.in_h, d.in_w, d.input.data(), d.output.data(), nullptr) !=
          xnn_status_success) {
    state.SkipWithError("XNNPACK refused the layer");
    if (op != nullptr) xnn_delete_operator(op);
    return;
  }
  for (auto _ : state) {
    xnn_run_operator(op, nullptr);
    benchmark::ClobberMemory();
  }
  xnn_delete_operator(op);
  state.counters["GMAC/s"] = benchmark::Counter(d.macs() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("xnn qc8 dwconv");
}
#endif

int register_all() {
  for (const DwLayer& l : kDwLayers) {
    const std::string shape = "DwConv/mobilenetv2/" + std::to_string(l.hw) + "x" + std::to_string(l.hw) + "x" +
                              std::to_string(l.c) + "s" + std::to_string(l.stride);
    for (int p = 1; p <= 4; ++p) {
      const auto path = static_cast<octet::KernelPath>(p);
      if (!octet::kernel_path_built(path) || octet::kernel_table(path).dwconv.name == nullptr) continue;
      benchmark::RegisterBenchmark((shape + "/" + octet::kernel_path_name(path)).c_str(), octet_dwconv, l, path,
                                   octet::kernel_table(path).dwconv);
    }
#if defined(__x86_64__)
    // The 32-channel vpdpwssd kernel the 64-channel vpdpbusd one replaced on avx512vnni.
    const octet::QS8DwConvConfig dw32 = {"qs8_dwconv_32c__avx512vnni", 32, true, 2,
                                         {"qs8_dwconv_3x3_32c__avx512vnni", octet::qs8_dwconv_3x3_32c__avx512vnni},
                                         {"qs8_dwconv_5x5_32c__avx512vnni", octet::qs8_dwconv_5x5_32c__avx512vnni}};
    benchmark::RegisterBenchmark((shape + "/avx512vnni-32c").c_str(), octet_dwconv, l, octet::KernelPath::kAvx512vnni,
                                 dw32);
#endif
#if OCTET_HAVE_XNNPACK
    benchmark::RegisterBenchmark((shape + "/xnnpack").c_str(), xnnpack_dwconv, l);
#endif
  }
  return 0;
}

const int kRegistered = register_all();

}  // namespace
}  // namespace octet_bench

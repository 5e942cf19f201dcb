// Element-wise kernels on MobileNetV3 / EfficientNet-B0 activation sizes, one thread,
// calling the kernels of each path directly, in elements/s: the 256-entry lookup
// (HardSwish, Sigmoid, Swish ... tables), Add of two tensors (residuals), Mul of two
// tensors and the squeeze-excitation Mul [1,H,W,C] x [1,1,1,C] (short runs grouped
// against the vector copied into scratch, as the runtime does; one call per pixel for
// C >= 128), with XNNPACK's qs8 sigmoid (its table lookup),
// add and multiply on the same shapes.
//   octet-simd-bench --benchmark_filter=Elementwise --benchmark_repetitions=5
//                    --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel-table.h"
#include "kernels/reference/qs8-binary-reference.h"
#include "kernels/reference/qs8-lut-reference.h"
#include "kernels/reference/qs8-pool-reference.h"
#include "runtime/cpu.h"

#if OCTET_HAVE_XNNPACK
#include <xnnpack.h>
#endif

namespace octet_bench {
namespace {

struct Act {
  int hw, c;
};

// MobileNetV3-Large / EfficientNet-B0 activations (224x224 input).
const Act kActs[] = {{112, 16}, {56, 24}, {28, 40}, {14, 112}, {7, 960}};

constexpr float kScaleA = 0.05f, kScaleB = 0.03f, kScaleY = 0.07f;
constexpr int32_t kZeroA = -3, kZeroB = 7, kZeroY = 2;

struct Data {
  size_t n, pixels, c;
  std::vector<int8_t> a, b, y, table;
  explicit Data(const Act& s)
      : n(static_cast<size_t>(s.hw) * s.hw * s.c), pixels(static_cast<size_t>(s.hw) * s.hw), c(static_cast<size_t>(s.c)) {
    std::mt19937 rng(1);
    a.resize(n);
    b.resize(n);
    y.resize(n);
    table.resize(256);
    for (auto& v : a) v = static_cast<int8_t>(rng());
    for (auto& v : b) v = static_cast<int8_t>(rng());
    octet::build_qs8_lut(octet::UnaryFunction::kHardSwish, 0, 0, kScaleA, kZeroA, kScaleY, kZeroY, table.data());
  }
};

enum class Op { kLut, kAdd, kMul, kMulSe };
const char* const kOpNames[] = {"Lut", "Add", "Mul", "MulSE"};

octet::QAddParams add_params() {
  octet::QAddParams p;
  octet::compute_qs8_add_params(kScaleA, kZeroA, kScaleB, kZeroB, kScaleY, kZeroY, false, -128, 127, &p);
  return p;
}

octet::QMulParams mul_params() {
  octet::QMulParams p;
  p.a_zero_point = kZeroA;
  p.b_zero_point = kZeroB;
  p.output_zero_point = kZeroY;
  octet::quantize_multiplier(static_cast<double>(kScaleA) * kScaleB / kScaleY, &p.multiplier);
  return p;
}

void finish(benchmark::State& state, const Data& d, const char* label) {
  state.counters["elements/s"] = benchmark::Counter(static_cast<double>(d.n), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(label);
}

// path -1: the reference kernels; -2: the AVX-512 BW path without its VBMI lookup.
void octet_op(benchmark::State& state, Act s, Op op, int path) {
  const octet::KernelPath kp = path == -1 ? octet::KernelPath::kReference
                               : path == -2 ? octet::KernelPath::kAvx512bw
                                            : static_cast<octet::KernelPath>(path);
  if (!octet::rt::kernel_path_supported(kp)) {
    state.SkipWithError("this CPU does not run the path");
    return;
  }
  Data d(s);
  const octet::QS8ElementwiseConfig& e = octet::kernel_table(kp).elementwise;
  const octet::QAddParams ap = add_params();
  const octet::QMulParams mp = mul_params();
  const bool vbmi = path != -2 && e.lut_vbmi != nullptr && octet::rt::cpu_features().x86_avx512vbmi;
  const octet::x8_lut_fn lut = vbmi ? e.lut_vbmi : e.lut;
  octet::BroadcastShape same, se;
  const int64_t full[] = {1, s.hw, s.hw, s.c}, vec[] = {1, 1, 1, s.c};
  octet::make_broadcast_shape(full, 4, full, 4, &same);
  octet::make_broadcast_shape(full, 4, vec, 4, &se);
  const char* label = "reference";
  const size_t group = d.c < 128 ? 1024 / d.c : 1;
  std::vector<int8_t> rep(group * d.c);
  for (size_t g = 0; g < group; ++g) std::copy(d.b.begin(), d.b.begin() + d.c, rep.begin() + g * d.c);
  for (auto _ : state) {
    switch (op) {
      case Op::kLut:
        if (lut != nullptr) lut(d.n, d.a.data(), d.table.data(), d.y.data());
        else octet::qs8_lut__reference(d.n, d.a.data(), d.table.data(), d.y.data());
        break;
      case Op::kAdd:
        if (e.vadd != nullptr) e.vadd(d.n, d.a.data(), d.b.data(), ap, d.y.data());
        else octet::qs8_add__reference(same, d.a.data(), d.b.data(), ap, d.y.data());
        break;
      case Op::kMul:
        if (e.vmul != nullptr) e.vmul(d.n, d.a.data(), d.b.data(), mp, d.y.data());
        else octet::qs8_mul__reference(same, d.a.data(), d.b.data(), mp, d.y.data());
        break;
      case Op::kMulSe:
        if (e.vmul != nullptr) {
          // As the runtime does: short runs grouped against the vector copied group times.
          for (size_t p = 0; p < d.pixels; p += group) {
            const size_t rows = d.pixels - p < group ? d.pixels - p : group;
            e.vmul(rows * d.c, d.a.data() + p * d.c, rep.data(), mp, d.y.data() + p * d.c);
          }
        } else {
          octet::qs8_mul__reference(se, d.a.data(), d.b.data(), mp, d.y.data());
        }
        break;
    }
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  if (kp != octet::KernelPath::kReference) {
    label = op == Op::kLut ? (vbmi ? e.lut_vbmi_name : e.lut_name) : op == Op::kAdd ? e.vadd_name : e.vmul_name;
  }
  finish(state, d, label);
}

// ResNet's stem MaxPool 3x3 s2 pad 1 on 112x112x64 and MobileNetV3's
// GlobalAveragePool of 7x7x960, one thread, per output pixel as the runtime calls the
// kernels (windows clipped at the borders), in input elements/s.
void octet_pool(benchmark::State& state, bool global, int path) {
  const octet::KernelPath kp = path < 0 ? octet::KernelPath::kReference : static_cast<octet::KernelPath>(path);
  if (!octet::rt::kernel_path_supported(kp)) {
    state.SkipWithError("this CPU does not run the path");
    return;
  }
  const int hw = global ? 7 : 112, c = global ? 960 : 64, oh = global ? 1 : 56;
  std::vector<int8_t> x(static_cast<size_t>(hw) * hw * c), y(static_cast<size_t>(oh) * oh * c);
  std::mt19937 rng(3);
  for (auto& v : x) v = static_cast<int8_t>(rng());
  const octet::QS8ElementwiseConfig& e = octet::kernel_table(kp).elementwise;
  octet::ConvShape s;
  s.in_h = s.in_w = hw;
  s.in_c = s.out_c = c;
  s.out_h = s.out_w = oh;
  s.kernel_h = s.kernel_w = 3;
  s.stride_h = s.stride_w = 2;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  octet::QGlobalAvgPoolParams gp;
  octet::quantize_multiplier(1.0 / (hw * hw), &gp.multiplier);
  octet::QS8AvgPoolPixel px;
  px.m = gp.multiplier;
  for (auto _ : state) {
    if (global) {
      if (e.avgpool != nullptr) {
        octet::QS8PoolWindow w;
        w.x = x.data();
        w.rows = static_cast<size_t>(hw) * hw;
        w.cols = 1;
        w.row_stride = w.col_stride = static_cast<size_t>(c);
        e.avgpool(w, static_cast<size_t>(c), px, y.data());
      } else {
        octet::qs8_global_avgpool__reference(1, static_cast<size_t>(hw) * hw, static_cast<size_t>(c), x.data(), gp, y.data());
      }
    } else if (e.maxpool != nullptr) {
      for (int oy = 0; oy < oh; ++oy) {
        const int y0 = oy * 2 - 1, r0 = y0 < 0 ? 0 : y0, r1 = y0 + 3 > hw ? hw : y0 + 3;
        for (int ox = 0; ox < oh; ++ox) {
          const int x0 = ox * 2 - 1, c0 = x0 < 0 ? 0 : x0, c1 = x0 + 3 > hw ? hw : x0 + 3;
          octet::QS8PoolWindow w;
          w.x = x.data() + (static_cast<size_t>(r0) * hw + c0) * c;
          w.rows = static_cast<size_t>(r1 - r0);
          w.cols = static_cast<size_t>(c1 - c0);
          w.row_stride = static_cast<size_t>(hw) * c;
          w.col_stride = static_cast<size_t>(c);
          e.maxpool(w, static_cast<size_t>(c), -128, 127, y.data() + (static_cast<size_t>(oy) * oh + ox) * c);
        }
      }
    } else {
      octet::qs8_maxpool2d__reference(s, x.data(), -128, 127, y.data());
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["elements/s"] = benchmark::Counter(static_cast<double>(x.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(kp == octet::KernelPath::kReference ? "reference" : global ? e.avgpool_name : e.maxpool_name);
}

#if OCTET_HAVE_XNNPACK
void xnnpack_op(benchmark::State& state, Act s, Op op) {
  Data d(s);
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  xnn_operator_t x = nullptr;
  xnn_status st = xnn_status_success;
  const size_t full[] = {1, static_cast<size_t>(s.hw), static_cast<size_t>(s.hw), d.c}, vec[] = {1, 1, 1, d.c};
  const char* label = "";
  switch (op) {
    case Op::kLut:
      st = xnn_create_sigmoid_nc_qs8(d.c, d.c, d.c, kZeroA, kScaleA, -128, 1.0f / 256.0f, -128, 127, 0, &x);
      if (st == xnn_status_success) st = xnn_setup_sigmoid_nc_qs8(x, d.pixels, d.a.data(), d.y.data(), nullptr);
      label = "xnn qs8 sigmoid (lut)";
      break;
    case Op::kAdd:
      st = xnn_create_add_nd_qs8(kZeroA, kScaleA, kZeroB, kScaleB, kZeroY, kScaleY, -128, 127, 0, &x);
      if (st == xnn_status_success) st = xnn_setup_add_nd_qs8(x, 4, full, 4, full, d.a.data(), d.b.data(), d.y.data(), nullptr);
      label = "xnn qs8 add";
      break;
    case Op::kMul:
    case Op::kMulSe:
      st = xnn_create_multiply_nd_qs8(kZeroA, kScaleA, kZeroB, kScaleB, kZeroY, kScaleY, -128, 127, 0, &x);
      if (st == xnn_status_success) {
        st = xnn_setup_multiply_nd_qs8(x, 4, full, 4, op == Op::kMul ? full : vec, d.a.data(), d.b.data(), d.y.data(), nullptr);
      }
      label = "xnn qs8 multiply";
      break;
  }
  if (st != xnn_status_success) {
    state.SkipWithError("XNNPACK refused the operator");
    if (x != nullptr) xnn_delete_operator(x);
    return;
  }
  for (auto _ : state) {
    xnn_run_operator(x, nullptr);
    benchmark::ClobberMemory();
  }
  xnn_delete_operator(x);
  finish(state, d, label);
}
#endif

int register_all() {
  for (int o = 0; o < 4; ++o) {
    for (const Act& s : kActs) {
      const std::string shape = std::string("Elementwise/") + kOpNames[o] + "/" + std::to_string(s.hw) + "x" + std::to_string(s.hw) + "x" +
                                std::to_string(s.c);
      benchmark::RegisterBenchmark((shape + "/reference").c_str(), octet_op, s, static_cast<Op>(o), -1);
      for (int p = 1; p <= 4; ++p) {
        const auto path = static_cast<octet::KernelPath>(p);
        if (!octet::kernel_path_built(path) || octet::kernel_table(path).elementwise.name == nullptr) continue;
        benchmark::RegisterBenchmark((shape + "/" + octet::kernel_path_name(path)).c_str(), octet_op, s, static_cast<Op>(o), p);
      }
      if (o == static_cast<int>(Op::kLut) && octet::kernel_path_built(octet::KernelPath::kAvx512bw)) {
        benchmark::RegisterBenchmark((shape + "/avx512bw-no-vbmi").c_str(), octet_op, s, Op::kLut, -2);
      }
#if OCTET_HAVE_XNNPACK
      benchmark::RegisterBenchmark((shape + "/xnnpack").c_str(), xnnpack_op, s, static_cast<Op>(o));
#endif
    }
  }
  for (bool global : {false, true}) {
    const std::string name = global ? "Elementwise/GlobalAveragePool/7x7x960" : "Elementwise/MaxPool3x3s2/112x112x64";
    benchmark::RegisterBenchmark((name + "/reference").c_str(), octet_pool, global, -1);
    for (int p = 1; p <= 4; ++p) {
      const auto path = static_cast<octet::KernelPath>(p);
      if (!octet::kernel_path_built(path) || octet::kernel_table(path).elementwise.name == nullptr) continue;
      benchmark::RegisterBenchmark((name + "/" + octet::kernel_path_name(path)).c_str(), octet_pool, global, p);
    }
  }
  return 0;
}

const int kRegistered = register_all();

}  // namespace
}  // namespace octet_bench

// The choice between the GEMM and Winograd forms of a 3x3 stride-1 or stride-2
// convolution.
// Measured on the device at load: both forms run the layer on one thread, over an
// input of the layer's real size (values do not change the time), a few times each,
// interleaved; Winograd is kept when its best time is at least 10% below the GEMM's.
// Repeated geometries reuse the first timing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/pack/qs8-winograd-pack.h"
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

namespace {

constexpr int kRounds = 3;           // timed runs of each form (after one warm-up)
constexpr double kLongRunMs = 20.0;  // a warm-up this long: one timed run is enough
constexpr double kClearWin = 1.5;    // a ratio of best times this large decides at once
// Winograd must win by this factor: its weights are 3.6 times the GEMM's bytes
// (int16, 16 values for 9), read from L2 in this isolated timing but often from L3
// or memory inside a model, where a near-tie turned into a loss (ResNet-18 on the
// VNNI path: 4 layers at +2% isolated made the model 9% slower).
constexpr double kWinogradMargin = 1.10;

bool same_geometry(const ConvShape& a, const ConvShape& b) {
  return a.batch == b.batch && a.in_h == b.in_h && a.in_w == b.in_w && a.in_c == b.in_c && a.out_c == b.out_c &&
         a.stride_h == b.stride_h && a.stride_w == b.stride_w &&
         a.pad_top == b.pad_top && a.pad_left == b.pad_left && a.pad_bottom == b.pad_bottom &&
         a.pad_right == b.pad_right;
}

struct Freer {
  void operator()(void* p) const { std::free(p); }
};

double run_ms(const Operator& op, const ExecContext& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  op.run(ctx);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Best times of `a` and `b` over interleaved runs on scratch buffers.
Status time_forms(const OpBuildContext& c, Operator* a, Operator* b, double* ta, double* tb) {
  const size_t in_bytes = c.input(0).bytes, out_bytes = c.output(0).bytes;
  const size_t scratch = (std::max(a->scratch_bytes, b->scratch_bytes) + 63) / 64 * 64;
  std::unique_ptr<void, Freer> x(std::aligned_alloc(64, (in_bytes + 63) / 64 * 64 + 64));
  std::unique_ptr<void, Freer> y(std::aligned_alloc(64, (out_bytes + 63) / 64 * 64 + 64));
  std::unique_ptr<void, Freer> s(std::aligned_alloc(64, scratch + 64));
  if (!x || !y || !s) return c.error(OCTET_OUT_OF_MEMORY) << "out of memory while timing the convolution's forms";
  auto* xb = static_cast<uint8_t*>(x.get());
  uint32_t r = 12345;
  for (size_t i = 0; i < in_bytes; ++i) {
    r = r * 1664525u + 1013904223u;
    xb[i] = static_cast<uint8_t>(r >> 24);
  }
  void* data[2] = {x.get(), y.get()};
  std::atomic<uint8_t> busy{0};
  ExecContext ctx;
  ctx.data = data;
  ctx.scratch = static_cast<uint8_t*>(s.get());
  ctx.slot_bytes = scratch;
  ctx.slots = 1;
  ctx.slot_busy = &busy;
  for (Operator* op : {a, b}) {
    op->inputs = {0};
    op->outputs = {1};
  }
  *ta = run_ms(*a, ctx);
  *tb = run_ms(*b, ctx);
  const int rounds = std::max(*ta, *tb) > kLongRunMs ? 1 : kRounds;
  for (int i = 0; i < rounds; ++i) {
    const double da = run_ms(*a, ctx), db = run_ms(*b, ctx);
    if (i == 0 || da < *ta) *ta = da;
    if (i == 0 || db < *tb) *tb = db;
    // A clear winner after one timed round needs no more.
    if (std::max(*ta, *tb) > kClearWin * std::min(*ta, *tb)) break;
  }
  return Status::Ok();
}

std::string format_choice(bool winograd, double wino_ms, double gemm_ms) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%s: measured at load, winograd %.3f ms, gemm %.3f ms (1 thread; winograd needs 10%% less)",
                winograd ? "winograd" : "gemm", wino_ms, gemm_ms);
  return buf;
}

}  // namespace

Status select_conv2d_winograd(const OpBuildContext& c, const QS8ConvParams& p, std::unique_ptr<Operator>* op) {
  if (!conv2d_winograd_available(c.kernels->winograd, p.shape)) return Status::Ok();
  if (c.winograd == WinogradMode::kOff) {
    (*op)->choice = "gemm: Winograd off";
    return Status::Ok();
  }
  if (!conv2d_winograd_exact(p)) {
    (*op)->choice = "gemm: weights outside Winograd's exact int32 bound";
    return Status::Ok();
  }
  // A geometry measured earlier in this load: its choice, without timing again (nor
  // packing Winograd weights that would not be used).
  const ConvChoiceCache::Entry* known = nullptr;
  if (c.winograd == WinogradMode::kMeasure && c.choices != nullptr) {
    for (const ConvChoiceCache::Entry& e : c.choices->entries) {
      if (same_geometry(e.shape, p.shape)) known = &e;
    }
  }
  const char* kShared = " [timed on an earlier layer of this shape]";
  if (known != nullptr && !known->winograd) {
    (*op)->choice = known->choice + kShared;
    return Status::Ok();
  }
  std::unique_ptr<Operator> wino;
  OCTET_RETURN_IF_ERROR(create_conv2d_winograd(c, p, &wino));
  if (!wino) return c.error(OCTET_INTERNAL) << "Winograd form missing for an exact 3x3 layer";
  if (c.winograd == WinogradMode::kOn || known != nullptr) {
    wino->choice = known != nullptr ? known->choice + kShared : "winograd: forced";
    *op = std::move(wino);
    return Status::Ok();
  }
  double gemm_ms = 0, wino_ms = 0;
  OCTET_RETURN_IF_ERROR(time_forms(c, op->get(), wino.get(), &gemm_ms, &wino_ms));
  const bool use = wino_ms * kWinogradMargin < gemm_ms;
  std::string choice = format_choice(use, wino_ms, gemm_ms);
  if (c.choices != nullptr) c.choices->entries.push_back({p.shape, use, choice});
  if (use) {
    wino->choice = std::move(choice);
    *op = std::move(wino);
  } else {
    (*op)->choice = std::move(choice);
  }
  return Status::Ok();
}

}  // namespace octet::rt

// Winograd F(2x2, 3x3) against the reference direct convolution, byte for byte on
// every SIMD path at 1, 2 and 3 threads (Winograd forced on): channel counts around
// the vector widths and tiles, odd output sizes, every padding, batches, zero
// points at the ends of their range, clamps, per-tensor weights, no bias, layers of
// several tile blocks and column chunks; the int32 bound at its edge (the largest
// channel count that is exact with every weight at -128, fed the largest |x - Z|),
// and one channel more, which must fall back to the GEMM; the measured choice; the
// option and environment errors. The per-position int16 GEMM of every path also runs
// alone against scalar sums, with K values (even) the layer never gives it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel-table.h"
#include "octet/octet.h"
#include "runtime/cpu.h"
#include "runtime/session.h"
#include "tests/simd/conv_model.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

void check(const ConvCase& c) {
  EXPECT_GT(expect_same_bytes_on_every_path(conv_model(c), c.seed + 300, c.describe(), OCTET_WINOGRAD_ON), 0);
}

bool is_winograd(const octet::rt::Model& m) {
  return std::strncmp(m.operators().back()->kernel, "qs8_conv2d_winograd_f23", 23) == 0;
}

ConvCase stride2(ConvCase c) {
  c.stride_h = c.stride_w = 2;
  return c;
}

// check(), and on every path with a stride-2 form, that the form ran (not a
// fallback to the GEMM).
void check_s2(const ConvCase& c) {
  const std::vector<uint8_t> file = conv_model(c);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const char* want = octet::kernel_table(p).winograd.s2_name;
    if (want == nullptr) continue;
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p), OCTET_WINOGRAD_ON).ok());
    EXPECT_STREQ(m->operators().back()->kernel, want) << c.describe();
  }
  check(c);
}

TEST(SimdWinograd, ForcedOnRunsWinogradOnEverySimdPath) {
  ConvCase c;
  const std::vector<uint8_t> file = conv_model(c);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const char* name = octet::kernel_path_name(p);
    for (int mode : {OCTET_WINOGRAD_ON, OCTET_WINOGRAD_OFF}) {
      std::shared_ptr<const octet::rt::Model> m;
      ASSERT_TRUE(load_exact(file.data(), file.size(), &m, name, mode).ok()) << name;
      const octet::rt::Operator& op = *m->operators().back();
      if (p == octet::KernelPath::kReference) {
        EXPECT_STREQ(op.kernel, "qs8_conv2d__reference");
        EXPECT_EQ(op.choice, "");
      } else if (mode == OCTET_WINOGRAD_ON) {
        EXPECT_EQ(std::string(op.kernel), std::string("qs8_conv2d_winograd_f23__") + name);
        EXPECT_EQ(op.choice, "winograd: forced");
      } else {
        EXPECT_FALSE(is_winograd(*m)) << name;
        EXPECT_EQ(op.choice, "gemm: Winograd off");
      }
    }
  }
}

// The path's s16_gemm_fn against int64 sums: every row count up to the tile's, K
// even but not only multiples of the channel padding (the kernels' last runs), N
// around the block width; every column of the touched blocks is compared, and the
// values at the ends of the Winograd ranges (|V| <= 1020, |U'| <= 1152).
TEST(SimdWinograd, GemmKernelAgainstScalar) {
  std::mt19937 rng(77);
  std::uniform_int_distribution<int> vd(-1020, 1020), ud(-1152, 1152);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const octet::QS8WinogradConfig& cfg = octet::kernel_table(p).winograd;
    if (cfg.gemm == nullptr) continue;
    const size_t nr = static_cast<size_t>(cfg.layout.nr), tile_mr = static_cast<size_t>(cfg.mr);
    for (size_t kc : {2, 4, 6, 8, 10, 14, 16, 18, 22, 34, 64}) {
      for (size_t nc : {size_t{1}, nr - 1, nr, nr + 1, 2 * nr + 3}) {
        for (size_t mr = 1; mr <= tile_mr; ++mr) {
          const size_t blocks = (nc + nr - 1) / nr, cols = blocks * nr;
          const size_t a_stride = kc + 6, c_stride = cols + 5;
          std::vector<int16_t> a(mr * a_stride), w(blocks * kc * nr);
          for (auto& v : a) v = static_cast<int16_t>(vd(rng));
          for (auto& v : w) v = static_cast<int16_t>(ud(rng));
          if (kc == 64) {  // the extremes together
            for (auto& v : a) v = v < 0 ? -1020 : 1020;
            for (auto& v : w) v = v < 0 ? -1152 : 1152;
          }
          std::vector<int32_t> c(mr * c_stride, 0x5a5a5a5a);
          cfg.gemm(mr, nc, kc, a.data(), a_stride, w.data(), c.data(), c_stride);
          for (size_t i = 0; i < mr; ++i) {
            for (size_t j = 0; j < cols; ++j) {
              // [kc / 2][nr][2] per block of nr columns
              const int16_t* wb = w.data() + (j / nr) * kc * nr;
              int64_t want = 0;
              for (size_t k = 0; k < kc; ++k) want += int64_t{a[i * a_stride + k]} * wb[(k / 2) * nr * 2 + (j % nr) * 2 + k % 2];
              ASSERT_EQ(c[i * c_stride + j], static_cast<int32_t>(want))
                  << cfg.gemm_name << " mr " << mr << " nc " << nc << " kc " << kc << " at (" << i << ", " << j << ")";
            }
            ASSERT_EQ(c[i * c_stride + cols], 0x5a5a5a5a) << cfg.gemm_name << ": wrote past the blocks";
          }
        }
      }
    }
  }
}

TEST(SimdWinograd, ChannelSweep) {
  uint32_t seed = 1;
  for (int cin : {1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 48, 65}) {
    for (int cout : {1, 5, 15, 16, 17, 31, 32, 33, 47, 70}) {
      ConvCase c;
      c.in_h = 5;
      c.in_w = 7;
      c.in_c = cin;
      c.out_c = cout;
      c.seed = seed++;
      check(c);
    }
  }
}

// Even and odd sizes (odd output sizes leave half tiles), no padding, asymmetric
// padding as ONNX's SAME_UPPER / SAME_LOWER give it, more padding than the kernel,
// and a batch, at `stride` (1 or 2).
void sizes_and_padding(int stride, uint32_t seed) {
  struct G {
    int h, w, pt, pl, pb, pr;
  };
  const G geoms[] = {{1, 1, 1, 1, 1, 1}, {2, 2, 1, 1, 1, 1}, {3, 3, 0, 0, 0, 0}, {4, 4, 0, 0, 0, 0},
                     {5, 5, 0, 0, 0, 0}, {3, 8, 1, 1, 1, 1}, {6, 9, 1, 1, 1, 1}, {7, 7, 1, 0, 0, 1},
                     {8, 5, 0, 1, 1, 0}, {9, 11, 2, 2, 2, 2}, {4, 6, 2, 0, 1, 2}, {13, 3, 1, 2, 0, 0},
                     {1, 17, 1, 1, 1, 1}, {16, 16, 1, 1, 1, 1}, {3, 3, 2, 2, 2, 2}, {10, 10, 3, 0, 3, 1},
                     {6, 6, 0, 0, 1, 1}, {6, 6, 1, 1, 0, 0}, {15, 14, 1, 1, 1, 1}};
  for (const G& g : geoms) {
    ConvCase c;
    c.stride_h = c.stride_w = stride;
    c.in_h = g.h;
    c.in_w = g.w;
    c.pad_top = g.pt;
    c.pad_left = g.pl;
    c.pad_bottom = g.pb;
    c.pad_right = g.pr;
    c.in_c = 13;
    c.out_c = 21;
    c.seed = seed++;
    stride == 2 ? check_s2(c) : check(c);
  }
  ConvCase batch;
  batch.stride_h = batch.stride_w = stride;
  batch.batch = 3;
  batch.in_h = 7;
  batch.in_w = 6;
  batch.in_c = 9;
  batch.out_c = 18;
  batch.seed = seed++;
  stride == 2 ? check_s2(batch) : check(batch);
}

TEST(SimdWinograd, SizesAndPadding) { sizes_and_padding(1, 500); }

TEST(SimdWinograd, QuantizationKnobs) {
  uint32_t seed = 1000;
  for (int32_t zin : {-128, -1, 0, 127}) {
    for (int32_t zout : {-128, 0, 127}) {
      ConvCase c;
      c.in_c = 11;
      c.out_c = 19;
      c.input_zero_point = zin;
      c.output_zero_point = zout;
      c.seed = seed++;
      check(c);
    }
  }
  for (auto [lo, hi] : {std::pair{0, 127}, std::pair{-20, 30}, std::pair{5, 5}}) {
    ConvCase c;
    c.in_c = 16;
    c.out_c = 32;
    c.qmin = lo;
    c.qmax = hi;
    c.output_zero_point = 0;
    c.seed = seed++;
    check(c);
  }
  ConvCase per_tensor;
  per_tensor.per_channel = false;
  per_tensor.seed = seed++;
  check(per_tensor);
  ConvCase no_bias;
  no_bias.bias = false;
  no_bias.seed = seed++;
  check(no_bias);
  for (float scale : {1e-4f, 0.5f, 50.0f}) {  // saturating, mixed shifts, everything rounding to Z
    ConvCase c;
    c.in_c = 20;
    c.out_c = 40;
    c.output_scale = scale;
    c.seed = seed++;
    check(c);
  }
}

// Several tile blocks and column chunks, threaded (above the 2M-MAC threshold).
TEST(SimdWinograd, LargeLayersSplitOverThreads) {
  uint32_t seed = 2000;
  struct L {
    int h, w, cin, cout;
  };
  for (const L& l : {L{28, 28, 64, 64}, L{14, 15, 130, 100}, L{7, 7, 256, 260}, L{30, 22, 24, 40}}) {
    ConvCase c;
    c.in_h = l.h;
    c.in_w = l.w;
    c.in_c = l.cin;
    c.out_c = l.cout;
    c.seed = seed++;
    check(c);
  }
}

// Runs `file` with every input byte `fill` on `path` (Winograd `mode`), 1 thread.
std::vector<uint8_t> run_filled(const std::vector<uint8_t>& file, const char* path, int mode, uint8_t fill,
                                std::string* kernel) {
  std::shared_ptr<const octet::rt::Model> m;
  octet::rt::Status st = load_exact(file.data(), file.size(), &m, path, mode);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  *kernel = m->operators().back()->kernel;
  std::unique_ptr<octet::rt::Session> s;
  EXPECT_TRUE(octet::rt::Session::Create(m, octet::rt::SessionOptions(), &s).ok());
  const octet::rt::Tensor& in = m->tensors()[m->inputs()[0].tensor];
  const octet::rt::Tensor& out = m->tensors()[m->outputs()[0].tensor];
  std::vector<uint8_t> x(in.bytes, fill), y(out.bytes);
  EXPECT_TRUE(s->set_input_raw(0, x.data(), x.size()).ok());
  EXPECT_TRUE(s->invoke().ok());
  EXPECT_TRUE(s->get_output_raw(0, y.data(), y.size()).ok());
  return y;
}

// A bound-edge layer: in_c channels at `stride`, every weight -128, every input
// byte giving |x - Z| = 255 (x = 127 for Z = -128, x = -128 for Z = 127). The output
// scale keeps outputs inside the int8 range, so every pixel's value (4, 6 or 9 taps)
// is checked, not a clamp. Each SIMD path with Winograd forced must match the
// reference; `winograd_kernel(path)` returns the kernel expected there.
template <class Expected>
void bound_edge(int stride, int in_h, int in_w, int in_c, int32_t zp, float output_scale, Expected winograd_kernel) {
  ConvCase c;
  c.stride_h = c.stride_w = stride;
  c.in_h = in_h;
  c.in_w = in_w;
  c.in_c = in_c;
  c.out_c = 3;
  c.input_zero_point = zp;
  c.output_zero_point = 0;
  c.fill_weights = -128;
  c.per_channel = false;
  c.bias = false;
  c.output_scale = output_scale;
  const std::vector<uint8_t> file = conv_model(c);
  const uint8_t fill = zp == -128 ? 0x7f : 0x80;
  std::string kernel;
  const std::vector<uint8_t> want = run_filled(file, "reference", OCTET_WINOGRAD_OFF, fill, &kernel);
  bool varied = false;
  for (uint8_t b : want) varied = varied || (b != want[0]);
  EXPECT_TRUE(varied) << "outputs of corners, edges and centre should differ";
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    if (p == octet::KernelPath::kReference) continue;
    const char* name = octet::kernel_path_name(p);
    const std::vector<uint8_t> got = run_filled(file, name, OCTET_WINOGRAD_ON, fill, &kernel);
    EXPECT_EQ(got, want) << c.describe() << " [" << name << ", " << kernel << "]";
    const std::string expected = winograd_kernel(p);
    if (!expected.empty()) EXPECT_EQ(kernel, expected) << "for C " << in_c;
  }
  check(c);
}

// 4 * 255 * 128 * 9 * C <= 2^31 - 1 holds up to C = 1827: there |4 Y| reaches
// 2^31 - 1,175,040 and the products' partial sums wrap in int32; the result must
// still be exact. At C = 1828 the layer must run on the GEMM.
TEST(SimdWinograd, Int32BoundEdge) {
  for (int cin : {1827, 1828}) {
    for (int32_t zp : {-128, 127}) {
      bound_edge(1, 4, 3, cin, zp, 600.0f, [&](octet::KernelPath p) -> std::string {
        const char* n = octet::kernel_table(p).winograd.name;
        return cin == 1827 && n != nullptr ? n : octet::kernel_table(p).gemm.name;
      });
    }
  }
}

TEST(SimdWinograd, MeasuredChoiceIsRecordedAndExact) {
  ConvCase c;
  c.in_h = 20;
  c.in_w = 20;
  c.in_c = 32;
  c.out_c = 32;
  const std::vector<uint8_t> file = conv_model(c);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    if (p == octet::KernelPath::kReference) continue;
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p), OCTET_WINOGRAD_MEASURE).ok());
    const std::string& choice = m->operators().back()->choice;
    const std::string form = is_winograd(*m) ? "winograd: measured at load" : "gemm: measured at load";
    EXPECT_EQ(choice.rfind(form, 0), 0u) << choice;
    EXPECT_GT(m->choose_ms(), 0.0);
  }
  expect_same_bytes_on_every_path(file, 9, c.describe(), OCTET_WINOGRAD_MEASURE);
}

// The stride-2 form (f23s2): forced on, it runs wherever the path has it (x86), and
// the GEMM elsewhere; byte for byte the reference on every path and thread count.
TEST(SimdWinogradS2, ForcedOnRunsTheStride2Form) {
  const std::vector<uint8_t> file = conv_model(stride2(ConvCase()));
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const char* name = octet::kernel_path_name(p);
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, name, OCTET_WINOGRAD_ON).ok()) << name;
    const octet::rt::Operator& op = *m->operators().back();
    if (octet::kernel_table(p).winograd.s2_name != nullptr) {
      EXPECT_EQ(std::string(op.kernel), std::string("qs8_conv2d_winograd_f23s2__") + name);
      EXPECT_EQ(op.choice, "winograd: forced");
    } else {
      EXPECT_FALSE(is_winograd(*m)) << name;
    }
  }
  check_s2(stride2(ConvCase()));
  // Unequal strides have no Winograd form: the GEMM, with no choice to record.
  ConvCase mixed;
  mixed.stride_h = 2;
  const std::vector<uint8_t> mixed_file = conv_model(mixed);
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(mixed_file.data(), mixed_file.size(), &m, octet::kernel_path_name(p), OCTET_WINOGRAD_ON).ok());
    EXPECT_FALSE(is_winograd(*m));
    EXPECT_EQ(m->operators().back()->choice, "");
  }
  check(mixed);
}

TEST(SimdWinogradS2, MeasuredChoiceIsRecordedAndExact) {
  ConvCase c;
  c.in_h = 40;
  c.in_w = 40;
  c.in_c = 32;
  c.out_c = 32;
  const std::vector<uint8_t> file = conv_model(stride2(c));
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    if (octet::kernel_table(p).winograd.s2_name == nullptr) continue;
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p), OCTET_WINOGRAD_MEASURE).ok());
    const std::string& choice = m->operators().back()->choice;
    const std::string form = is_winograd(*m) ? "winograd: measured at load" : "gemm: measured at load";
    EXPECT_EQ(choice.rfind(form, 0), 0u) << choice;
    EXPECT_GT(m->choose_ms(), 0.0);
  }
  expect_same_bytes_on_every_path(file, 19, c.describe(), OCTET_WINOGRAD_MEASURE);
}

TEST(SimdWinogradS2, ChannelSweep) {
  uint32_t seed = 3000;
  for (int cin : {1, 3, 15, 16, 17, 33, 65}) {
    for (int cout : {1, 15, 16, 17, 33, 70}) {
      ConvCase c;
      c.in_h = 9;
      c.in_w = 7;
      c.in_c = cin;
      c.out_c = cout;
      c.seed = seed++;
      check_s2(stride2(c));
    }
  }
}

TEST(SimdWinogradS2, SizesAndPadding) { sizes_and_padding(2, 3500); }

TEST(SimdWinogradS2, QuantizationKnobs) {
  uint32_t seed = 4000;
  for (int32_t zin : {-128, 0, 127}) {
    for (int32_t zout : {-128, 127}) {
      ConvCase c;
      c.in_c = 11;
      c.out_c = 19;
      c.input_zero_point = zin;
      c.output_zero_point = zout;
      c.seed = seed++;
      check_s2(stride2(c));
    }
  }
  ConvCase clamp;
  clamp.in_c = 16;
  clamp.out_c = 32;
  clamp.qmin = -20;
  clamp.qmax = 30;
  clamp.output_zero_point = 0;
  clamp.seed = seed++;
  check_s2(stride2(clamp));
  ConvCase per_tensor;
  per_tensor.per_channel = false;
  per_tensor.bias = false;
  per_tensor.seed = seed++;
  check_s2(stride2(per_tensor));
  for (float scale : {1e-4f, 50.0f}) {
    ConvCase c;
    c.in_c = 20;
    c.out_c = 40;
    c.output_scale = scale;
    c.seed = seed++;
    check_s2(stride2(c));
  }
}

// ResNet's stride-2 shapes, smaller: several tile blocks and column chunks, threaded.
TEST(SimdWinogradS2, LargeLayersSplitOverThreads) {
  uint32_t seed = 4500;
  struct L {
    int h, w, cin, cout;
  };
  for (const L& l : {L{56, 56, 32, 48}, L{28, 27, 128, 100}, L{14, 14, 256, 260}}) {
    ConvCase c;
    c.in_h = l.h;
    c.in_w = l.w;
    c.in_c = l.cin;
    c.out_c = l.cout;
    c.seed = seed++;
    check_s2(stride2(c));
  }
}

// The stride-2 form does not scale, so its bound is the direct convolution's own:
// at C = 7310 (the runtime's int32 limit for 3x3 layers) |Y| = 2^31 - 98,048
// (2^31 - 1 - 98,047); the result must be exact, and the form is still chosen.
TEST(SimdWinogradS2, Int32BoundEdge) {
  for (int32_t zp : {-128, 127}) {
    bound_edge(2, 6, 5, 7310, zp, 2400.0f, [](octet::KernelPath p) -> std::string {
      const char* n = octet::kernel_table(p).winograd.s2_name;
      return n != nullptr ? n : "";
    });
  }
}

TEST(SimdWinograd, OptionAndEnvironmentErrors) {
  ConvCase c;
  const std::vector<uint8_t> file = conv_model(c);
  std::shared_ptr<const octet::rt::Model> m;
  octet::rt::Status st = load_exact(file.data(), file.size(), &m, nullptr, 7);
  EXPECT_EQ(st.code(), OCTET_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("winograd option 7"), std::string::npos) << st.message();
  const char* old = std::getenv("OCTET_WINOGRAD");
  const std::string saved = old != nullptr ? old : "";
  setenv("OCTET_WINOGRAD", "sometimes", 1);
  st = load_exact(file.data(), file.size(), &m, nullptr, OCTET_WINOGRAD_DEFAULT);
  EXPECT_EQ(st.code(), OCTET_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("OCTET_WINOGRAD 'sometimes'"), std::string::npos) << st.message();
  // An explicit option wins over the environment.
  EXPECT_TRUE(load_exact(file.data(), file.size(), &m, nullptr, OCTET_WINOGRAD_OFF).ok());
  if (old != nullptr) setenv("OCTET_WINOGRAD", saved.c_str(), 1);
  else unsetenv("OCTET_WINOGRAD");
}

TEST(SimdWinograd, ChoiceThroughTheCApi) {
  ConvCase c;
  const std::vector<uint8_t> file = conv_model(c);
  octet_load_options o;
  octet_load_options_init(&o);
  EXPECT_EQ(o.winograd, OCTET_WINOGRAD_DEFAULT);
  o.winograd = OCTET_WINOGRAD_OFF;
  octet_model* m = nullptr;
  char err[256];
  ASSERT_EQ(octet_model_load_memory_ex(file.data(), file.size(), &o, &m, err, sizeof(err)), OCTET_OK) << err;
  octet_operator_info info;
  ASSERT_EQ(octet_model_operator_info(m, octet_model_num_operators(m) - 1, &info), OCTET_OK);
  const bool simd = std::strcmp(octet_model_kernel_path(m), "reference") != 0;
  EXPECT_STREQ(info.choice, simd ? "gemm: Winograd off" : "");
  octet_load_times t;
  ASSERT_EQ(octet_model_load_times(m, &t), OCTET_OK);
  EXPECT_EQ(t.choose_ms, 0.0);
  octet_model_release(m);
}

}  // namespace
}  // namespace octet_test

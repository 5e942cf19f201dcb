// Quantize and Dequantize through every path against the reference path, byte for
// byte: ties (x / S exactly half-way), NaN, infinities, huge values, zero points at
// the ends of their range, lengths around every vector width.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/kernel-table.h"
#include "kernels/reference/qs8-quantize-reference.h"
#include "runtime/cpu.h"
#include "runtime/session.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

std::vector<uint8_t> model(bool quantize, int n, float scale, int32_t zp) {
  octet::ModelWriter w;
  const auto q = octet::QuantParams::per_tensor(scale, zp);
  const int x = quantize ? w.add_tensor("x", fb::ElementType::FLOAT32, {n}) : w.add_tensor("x", fb::ElementType::INT8, {n}, &q);
  w.add_input("x", x);
  const int y = quantize ? w.add_tensor("y", fb::ElementType::INT8, {n}, &q) : w.add_tensor("y", fb::ElementType::FLOAT32, {n});
  if (quantize) {
    w.add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); }, {x}, {y}, "q");
  } else {
    w.add_operator(fb::OperatorOptions::DequantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {x}, {y}, "dq");
  }
  w.add_output("y", y);
  return w.finish();
}

// Runs the model on a path with the given float input; the output bytes.
std::vector<uint8_t> run(const std::vector<uint8_t>& file, const char* path, const std::vector<float>& in, int threads) {
  std::shared_ptr<const octet::rt::Model> m;
  EXPECT_TRUE(load_exact(file.data(), file.size(), &m, path).ok());
  if (!m) return {};
  std::unique_ptr<octet::rt::Session> s;
  octet::rt::SessionOptions o;
  o.num_threads = threads;
  EXPECT_TRUE(octet::rt::Session::Create(m, o, &s).ok());
  EXPECT_TRUE(s->set_input_raw(0, in.data(), in.size() * 4).ok());
  EXPECT_TRUE(s->invoke().ok());
  const auto& t = m->tensors()[m->outputs()[0].tensor];
  std::vector<uint8_t> out(t.bytes);
  EXPECT_TRUE(s->get_output_raw(0, out.data(), out.size()).ok());
  return out;
}

TEST(SimdQuantize, SpecialValuesAndTiesOnEveryPath) {
  std::mt19937 rng(5);
  for (int n : {1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 40000}) {
    for (float scale : {0.5f, 0.1f, 1e-3f}) {
      for (int32_t zp : {-128, -3, 0, 127}) {
        std::vector<float> in(n);
        for (int i = 0; i < n; ++i) {
          switch (rng() % 8) {
            case 0: in[i] = (static_cast<float>(static_cast<int>(rng() % 400) - 200) + 0.5f) * scale; break;  // ties
            case 1: in[i] = std::numeric_limits<float>::quiet_NaN(); break;
            case 2: in[i] = (rng() & 1) ? INFINITY : -INFINITY; break;
            case 3: in[i] = (rng() & 1) ? 3e38f : -3e38f; break;
            default: in[i] = (static_cast<float>(rng() % 100000) / 100000.0f - 0.5f) * 300.0f * scale;
          }
        }
        const auto file = model(true, n, scale, zp);
        const auto want = run(file, "reference", in, 1);
        for (auto p : runnable_kernel_paths()) {
          for (int threads : {1, 2}) {
            EXPECT_EQ(run(file, octet::kernel_path_name(p), in, threads), want)
                << "n " << n << " scale " << scale << " zp " << zp << " path " << octet::kernel_path_name(p);
          }
        }
      }
    }
  }
}

TEST(SimdDequantize, EveryPath) {
  for (int n : {1, 8, 15, 16, 17, 33, 1000}) {
    for (int32_t zp : {-128, 5, 127}) {
      const auto file = model(false, n, 0.037f, zp);
      expect_same_bytes_on_every_path(file, static_cast<uint32_t>(n + zp + 1000), "dequantize n " + std::to_string(n));
    }
  }
}

// The kernels called directly, against the reference functions, on values the model
// tests rarely reach: denormal inputs and quotients (ARMv7 NEON flushes them), every
// tie from -300.5 to 300.5, the ends of float-exact integers (2^22, 2^23, 2^24) and of
// int32, NaNs with payloads, signed zeros and infinities, with denormal, tiny, huge
// and ordinary scales, at every length up to 40 and a misaligned start. Dequantize is
// compared bit for bit, so a flushed denormal product would show.
TEST(SimdQuantize, KernelsDirectlyOnEdgeValues) {
  std::vector<float> base;
  for (int i = -301; i <= 300; ++i) base.push_back(static_cast<float>(i) + 0.5f);
  for (float v : {0.0f, -0.0f, 1e-45f, -1e-45f, 1e-40f, -1e-40f, 1.1754942e-38f, 1.17549435e-38f, 0.49999997f, 0.5f,
                  0.50000006f, 1.5f, 2.5f, -2.5f, 126.5f, 127.5f, -128.5f, -127.5f, 255.5f, 511.5f, 512.5f, 4194303.5f,
                  4194304.0f, 4194304.5f, 8388607.5f, 8388608.0f, 16777216.0f, 2147483520.0f, 2147483648.0f,
                  -2147483648.0f, -2147483904.0f, 3e38f, -3e38f, INFINITY, -INFINITY}) {
    base.push_back(v);
  }
  for (uint32_t bits : {0x7FC00000u, 0xFFC00000u, 0x7FC12345u, 0x7F800001u, 0xFFBFFFFFu}) {
    float f;
    std::memcpy(&f, &bits, 4);
    base.push_back(f);
  }
  std::mt19937 rng(17);
  std::shuffle(base.begin(), base.end(), rng);
  for (auto p : runnable_kernel_paths()) {
    const octet::QS8QuantizeConfig& k = octet::kernel_table(p).quantize;
    if (k.quantize == nullptr) continue;
    for (float scale : {1.0f, 0.5f, 0.1f, 3.0f, 1e-3f, 1e-38f, 1e-40f, 1e-45f, 1e30f, 3e38f}) {
      for (int32_t zp : {-128, -1, 0, 77, 127}) {
        // Inputs: the edge values, and the edge values times the scale (so the quotients
        // are near the edges too).
        for (bool times_scale : {false, true}) {
          std::vector<float> x(base);
          if (times_scale) {
            for (float& v : x) v *= scale;
          }
          std::vector<int8_t> want(x.size()), got(x.size());
          octet::qs8_quantize__reference(x.size(), x.data(), scale, zp, want.data());
          k.quantize(x.size(), x.data(), scale, zp, got.data());
          for (size_t i = 0; i < x.size(); ++i) {
            ASSERT_EQ(got[i], want[i]) << k.quantize_name << " x " << x[i] << " scale " << scale << " zp " << zp;
          }
          for (size_t n = 0; n <= 40; ++n) {
            std::vector<int8_t> w(n + 1, 0x55), g(n + 1, 0x55);
            octet::qs8_quantize__reference(n, x.data() + 3, scale, zp, w.data());
            k.quantize(n, x.data() + 3, scale, zp, g.data());
            ASSERT_EQ(g, w) << k.quantize_name << " n " << n << " scale " << scale << " zp " << zp;
          }
        }
      }
    }
    std::vector<int8_t> q(256 + 3);
    for (int i = 0; i < 256; ++i) q[i + 3] = static_cast<int8_t>(i - 128);
    for (float scale : {1.0f, 0.037f, 1e-3f, 1.17549435e-38f, 1e-38f, 1e-40f, 1e-45f, 1e30f, 3e38f}) {
      for (int32_t zp : {-128, 0, 5, 127}) {
        for (size_t n : {size_t{256}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{15}, size_t{16}, size_t{17}, size_t{33}}) {
          std::vector<float> want(n + 1, 42.0f), got(n + 1, 42.0f);
          octet::qs8_dequantize__reference(n, q.data() + 3, scale, zp, want.data());
          k.dequantize(n, q.data() + 3, scale, zp, got.data());
          ASSERT_EQ(std::memcmp(want.data(), got.data(), (n + 1) * sizeof(float)), 0)
              << k.dequantize_name << " n " << n << " scale " << scale << " zp " << zp;
        }
      }
    }
  }
}

TEST(SimdQuantize, KernelNames) {
  const auto file = model(true, 16, 0.1f, 0);
  for (auto p : runnable_kernel_paths()) {
    std::shared_ptr<const octet::rt::Model> m;
    ASSERT_TRUE(load_exact(file.data(), file.size(), &m, octet::kernel_path_name(p)).ok());
    const char* want = octet::kernel_table(p).quantize.quantize_name;
    EXPECT_STREQ(m->operators()[0]->kernel, want != nullptr ? want : "qs8_quantize__reference");
  }
}

}  // namespace
}  // namespace octet_test

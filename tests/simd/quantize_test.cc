// Quantize and Dequantize through every path against the reference path, byte for
// byte: ties (x / S exactly half-way), NaN, infinities, huge values, zero points at
// the ends of their range, lengths around every vector width.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "converter/writer/model_writer.h"
#include "kernels/kernel-table.h"
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

// octet-bench's XNNPACK engine against octet's C API on the demo network, with
// every int8 intermediate tensor exposed as an extra graph output so each layer
// is compared, not just the 10 probabilities.
//
// XNNPACK derives its requantization from the float scales (fp32 multiply and
// magic-number rounding) where octet uses M0 and a 64-bit rounding shift, so the
// engines are not bit-exact: the test reports the fraction of identical bytes and
// the largest difference in quantization steps per tensor, and asserts at most one
// step.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "benchmarks/bench/engine.h"
#include "converter/writer/demo_model.h"
#include "octet/octet.h"

namespace {

// Tensors 1..14 of write_demo_model are its int8 activations, in graph order
// (image is 0, probabilities 15; constants come after).
constexpr int kFirstInt8 = 1, kLastInt8 = 14;

std::string write_model(const std::string& name) {
  const octet::DemoModel m = octet::make_demo_model(1);
  octet::ModelWriter w = octet::write_demo_model(m);
  for (int t = kFirstInt8; t <= kLastInt8; ++t) w.add_output("t" + std::to_string(t), t);
  const std::string path = testing::TempDir() + name;
  std::string error;
  EXPECT_TRUE(w.write_file(path, &error)) << error;
  return path;
}

struct Comparison {
  size_t elements = 0, identical = 0;
  int max_steps = 0;
};

// Outputs (in graph output order) of the softmax: 0 "probabilities" (its
// dequantized copy) and 14; 13 is the softmax's input (the fc output).
constexpr size_t kSoftmaxIn = 13;
bool is_softmax_output(size_t o) { return o == 0 || o == 14; }

// Softmax runs on octet's own kernel in both engines, but a one-step difference of
// its input (the fc logits, scale 0.2) moves the probabilities (scale 1/256) by
// several steps. Its rows are therefore checked for propagation only: a row whose
// logits are identical must give identical probabilities; *softmax_rows_checked
// counts those rows.
void compare(int threads, std::vector<Comparison>* per_output, std::string* unsupported_report,
             size_t* softmax_rows_checked) {
  const std::string path = write_model("xnnpack_demo_" + std::to_string(threads) + ".octet");
  octet_model* model = nullptr;
  char err[512] = {0};
  ASSERT_EQ(octet_model_load_file(path.c_str(), &model, err, sizeof(err)), OCTET_OK) << err;
  octet_session_options so;
  octet_session_options_init(&so);
  so.num_threads = threads;
  octet_session* session = nullptr;
  ASSERT_EQ(octet_session_create(model, &so, &session, err, sizeof(err)), OCTET_OK) << err;

  octet::bench::EngineOptions eo;
  eo.threads = threads;
  std::string error;
  std::unique_ptr<octet::bench::Engine> xnn = octet::bench::create_xnnpack_engine(path, eo, &error);
  ASSERT_NE(xnn, nullptr) << error;
  for (const std::string& line : xnn->unsupported()) *unsupported_report += line + "\n";

  const size_t num_out = octet_model_num_outputs(model);
  ASSERT_EQ(xnn->outputs().size(), num_out);
  per_output->assign(num_out, Comparison());
  octet_tensor_info in_info;
  ASSERT_EQ(octet_model_input_info(model, 0, &in_info), OCTET_OK);
  ASSERT_EQ(xnn->inputs().size(), 1u);
  ASSERT_EQ(xnn->inputs()[0].elements, in_info.element_count);

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  for (int trial = 0; trial < 16; ++trial) {
    std::vector<float> image(in_info.element_count);
    for (float& v : image) v = u(rng);
    ASSERT_EQ(octet_session_set_input_float(session, 0, image.data(), image.size()), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(session), OCTET_OK) << octet_session_last_error(session);
    ASSERT_TRUE(xnn->set_input(0, image.data(), image.size(), &error)) << error;
    ASSERT_TRUE(xnn->invoke(&error)) << error;
    std::vector<std::vector<float>> got_a(num_out), got_b(num_out);
    for (size_t o = 0; o < num_out; ++o) {
      octet_tensor_info info;
      ASSERT_EQ(octet_model_output_info(model, o, &info), OCTET_OK);
      std::vector<float> a(info.element_count), b(info.element_count);
      ASSERT_EQ(octet_session_get_output_float(session, o, a.data(), a.size()), OCTET_OK);
      ASSERT_TRUE(xnn->get_output(o, b.data(), b.size(), &error)) << error;
      // The float output "probabilities" is the dequantized softmax: the same steps.
      const float scale = info.dtype == OCTET_INT8 ? info.scale : 1.0f / 256.0f;
      Comparison& c = (*per_output)[o];
      for (size_t i = 0; i < a.size(); ++i) {
        const long steps = std::lround(std::fabs(a[i] - b[i]) / scale);
        c.elements += 1;
        c.identical += a[i] == b[i] ? 1 : 0;
        c.max_steps = std::max<int>(c.max_steps, static_cast<int>(steps));
      }
      got_a[o] = a;
      got_b[o] = b;
    }
    if (got_a[kSoftmaxIn] == got_b[kSoftmaxIn]) {
      *softmax_rows_checked += 1;
      EXPECT_EQ(got_a[0], got_b[0]) << "trial " << trial << ": identical logits, different probabilities";
      EXPECT_EQ(got_a[14], got_b[14]) << "trial " << trial;
    }
  }
  octet_session_release(session);
  octet_model_release(model);
}

void check(int threads) {
  std::vector<Comparison> cmp;
  std::string unsupported;
  size_t softmax_rows_checked = 0;
  compare(threads, &cmp, &unsupported, &softmax_rows_checked);
  if (testing::Test::HasFatalFailure()) return;
  std::printf("XNNPACK engine, %d thread(s); operators not run by XNNPACK:\n%s", threads, unsupported.c_str());
  size_t total = 0, identical = 0;
  int worst = 0;
  for (size_t o = 0; o < cmp.size(); ++o) {
    std::printf("  output %2zu: %6zu elements, %6.2f%% identical, max %d step(s)\n", o, cmp[o].elements,
                100.0 * cmp[o].identical / std::max<size_t>(1, cmp[o].elements), cmp[o].max_steps);
    if (is_softmax_output(o)) continue;
    total += cmp[o].elements;
    identical += cmp[o].identical;
    worst = std::max(worst, cmp[o].max_steps);
    EXPECT_LE(cmp[o].max_steps, 1) << "output " << o;
  }
  std::printf("  softmax rows with identical logits (checked identical): %zu of 16\n", softmax_rows_checked);
  std::printf("  all but softmax: %zu elements, %.2f%% identical, max %d step(s)\n", total, 100.0 * identical / std::max<size_t>(1, total), worst);
}

TEST(XnnpackEngine, DemoModelMatchesOctetWithinOneStep) { check(1); }
TEST(XnnpackEngine, DemoModelMatchesOctetWithinOneStepOnTwoThreads) { check(2); }

TEST(XnnpackEngine, MissingFileFails) {
  std::string error;
  EXPECT_EQ(octet::bench::create_xnnpack_engine("/nonexistent.octet", octet::bench::EngineOptions(), &error), nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace

// The demo network end to end, exactly: the runtime's output equals, byte for
// byte, the oracle of tests/support/demo_reference.h (the reference kernels called
// in sequence on the DemoModel's weights), for several weight seeds and inputs, at
// 1, 2, 3 and 8 threads, loaded from a file and from memory. A variant of the file
// that also lists every int8 activation as a graph output is checked layer by
// layer, so a mismatch names the first layer that differs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "converter/writer/demo_model.h"
#include "tests/support/demo_reference.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

constexpr size_t kImage = 3 * 32 * 32;

// Inputs: random in and beyond the input range [-2, 1.99], all zeros, values on
// the quantization grid's half-way points, and non-finite values.
std::vector<std::vector<float>> test_images() {
  std::vector<std::vector<float>> images;
  for (uint32_t seed : {1u, 2u, 3u}) images.push_back(random_floats(seed, kImage, -2.5f, 2.5f));
  images.push_back(random_floats(4, kImage, -0.2f, 0.2f));
  images.push_back(std::vector<float>(kImage, 0.0f));
  std::vector<float> ties(kImage);
  for (size_t i = 0; i < kImage; ++i) ties[i] = (static_cast<float>(i % 200) - 100.0f + 0.5f) * (4.0f / 255.0f);
  images.push_back(ties);
  std::vector<float> special = random_floats(5, kImage, -1.0f, 1.0f);
  for (size_t i = 0; i < kImage; i += 7) special[i] = std::numeric_limits<float>::quiet_NaN();
  for (size_t i = 3; i < kImage; i += 11) special[i] = std::numeric_limits<float>::infinity();
  for (size_t i = 5; i < kImage; i += 13) special[i] = -std::numeric_limits<float>::infinity();
  images.push_back(special);
  return images;
}

std::vector<uint8_t> as_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(float));
  if (!v.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

class DemoExact : public testing::TestWithParam<uint32_t> {};

TEST_P(DemoExact, MatchesTheReferenceKernelsAtEveryThreadCount) {
  const uint32_t seed = GetParam();
  const octet::DemoModel dm = octet::make_demo_model(seed);
  const std::vector<uint8_t> bytes = octet::write_demo_model(dm).finish();
  TempFile file("demo_exact_" + std::to_string(seed) + ".octet");
  ASSERT_TRUE(file.write(bytes));
  const Loaded from_file = load_file(file.path());
  ASSERT_TRUE(from_file.ok()) << from_file.error;
  const Loaded from_memory = load_memory(bytes);
  ASSERT_TRUE(from_memory.ok()) << from_memory.error;

  const auto images = test_images();
  std::vector<DemoTrace> expect;
  for (const auto& image : images) expect.push_back(demo_reference(dm, image.data()));
  for (size_t k = 0; k < images.size(); ++k) {
    ASSERT_EQ(expect[k].probabilities.size(), 10u);
    // The output is Dequantize of int8 with scale 1/256 and zero point -128:
    // (q + 128) / 256 exactly, so equal floats mean equal int8 values.
    for (size_t c = 0; c < 10; ++c) {
      EXPECT_EQ(expect[k].probabilities[c], static_cast<float>(int{expect[k].layers[13][c]} + 128) / 256.0f);
    }
  }
  // One session per way of loading and thread count, reused for every image.
  for (const Loaded* m : {&from_file, &from_memory}) {
    for (int threads : {1, 2, 3, 8}) {
      SCOPED_TRACE((m == &from_file ? "file, " : "memory, ") + std::to_string(threads) + " threads");
      SessionPtr s = make_session(m->model.get(), threads);
      ASSERT_NE(s, nullptr);
      for (size_t k = 0; k < images.size(); ++k) {
        ASSERT_EQ(octet_session_set_input_float(s.get(), 0, images[k].data(), images[k].size()), OCTET_OK);
        ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK) << octet_session_last_error(s.get());
        EXPECT_EQ(output_float(s.get(), m->model.get(), 0), expect[k].probabilities) << "image " << k;
        EXPECT_EQ(output_raw(s.get(), m->model.get(), 0), as_bytes(expect[k].probabilities)) << "image " << k;
      }
    }
  }
  std::vector<std::vector<float>> seen;
  for (const DemoTrace& t : expect) seen.push_back(t.probabilities);
  // The inputs are not all mapped to one output (the comparison above means something).
  size_t distinct = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    bool repeat = false;
    for (size_t j = 0; j < i; ++j) repeat = repeat || seen[j] == seen[i];
    distinct += repeat ? 0 : 1;
  }
  EXPECT_GE(distinct, 4u);
}

// The demo file with every int8 activation also listed as a graph output.
TEST_P(DemoExact, EveryLayerMatches) {
  const uint32_t seed = GetParam();
  const octet::DemoModel dm = octet::make_demo_model(seed);
  octet::ModelWriter w = octet::write_demo_model(dm);
  for (int i = 0; i < kDemoLayers; ++i) w.add_output(std::string(kDemoLayerNames[i]) + "_out", kDemoLayerTensor[i]);
  const Loaded m = load_memory(w.finish());
  ASSERT_TRUE(m.ok()) << m.error;
  ASSERT_EQ(octet_model_num_outputs(m.model.get()), 1u + kDemoLayers);
  for (int i = 0; i < kDemoLayers; ++i) {
    octet_tensor_info info;
    ASSERT_EQ(octet_model_output_info(m.model.get(), 1 + i, &info), OCTET_OK);
    ASSERT_EQ(info.dtype, OCTET_INT8) << kDemoLayerNames[i];
  }
  const auto images = test_images();
  for (size_t k = 0; k < images.size(); ++k) {
    const DemoTrace expect = demo_reference(dm, images[k].data());
    for (int threads : {1, 3}) {
      SessionPtr s = make_session(m.model.get(), threads);
      ASSERT_NE(s, nullptr);
      ASSERT_EQ(octet_session_set_input_float(s.get(), 0, images[k].data(), kImage), OCTET_OK);
      ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
      for (int i = 0; i < kDemoLayers; ++i) {
        const std::vector<uint8_t> got = output_raw(s.get(), m.model.get(), 1 + i);
        const std::vector<uint8_t> want(expect.layers[i].begin(), expect.layers[i].end());
        ASSERT_EQ(got, want) << "layer " << kDemoLayerNames[i] << ", image " << k << ", " << threads << " threads";
      }
      EXPECT_EQ(output_float(s.get(), m.model.get(), 0), expect.probabilities);
    }
  }
}

// The same session run on one input, another, and the first again gives the first
// result again (nothing carried over between runs in the arena).
TEST_P(DemoExact, RepeatedRunsInOneSession) {
  const octet::DemoModel dm = octet::make_demo_model(GetParam());
  const Loaded m = load_memory(octet::write_demo_model(dm).finish());
  ASSERT_TRUE(m.ok()) << m.error;
  const auto images = test_images();
  SessionPtr s = make_session(m.model.get(), 2);
  ASSERT_NE(s, nullptr);
  for (int round = 0; round < 2; ++round) {
    for (size_t k = 0; k < images.size(); ++k) {
      ASSERT_EQ(octet_session_set_input_float(s.get(), 0, images[k].data(), kImage), OCTET_OK);
      ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
      EXPECT_EQ(output_float(s.get(), m.model.get(), 0), demo_reference(dm, images[k].data()).probabilities) << round << " " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DemoExact, testing::Values(1u, 1234u));

// The oracle itself sees a change of weights: another seed gives other outputs.
TEST(DemoOracle, DependsOnTheWeights) {
  const std::vector<float> image = random_floats(1, kImage, -2.5f, 2.5f);
  const DemoTrace a = demo_reference(octet::make_demo_model(1), image.data());
  const DemoTrace b = demo_reference(octet::make_demo_model(2), image.data());
  EXPECT_NE(a.layers[1], b.layers[1]);
  EXPECT_NE(a.layers[12], b.layers[12]);
  // Softmax probabilities of the int8 output sum to about 1.
  float sum = 0;
  for (float p : a.probabilities) sum += p;
  EXPECT_NEAR(sum, 1.0f, 10.0f / 256.0f);
}

}  // namespace
}  // namespace octet_test

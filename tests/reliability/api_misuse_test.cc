// The C API used wrongly, beyond tests/runtime/api_test.cc (issue 8, part 2):
// handles used after release and released twice, one missing input of several,
// wrong types and sizes on inputs of every type, a failed set that leaves the input
// unset, empty inputs and outputs, and NaN / infinity through a float region
// before quantization (defined: NaN becomes the zero point, infinities saturate).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "converter/writer/model_writer.h"
#include "tests/fuzz/fuzz_models.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(ApiMisuse, ReleasedModelHandleIsRefused) {
  Loaded loaded = load_memory(demo_file(1));
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  octet_model* m = loaded.model.release();
  SessionPtr s = make_session(m);  // holds the model itself, not the handle
  ASSERT_NE(s, nullptr);
  octet_model_release(m);
  // m is stale now: every call refuses it instead of reading freed memory.
  octet_tensor_info info;
  EXPECT_EQ(octet_model_num_inputs(m), 0u);
  EXPECT_EQ(octet_model_num_operators(m), 0u);
  EXPECT_EQ(octet_model_input_info(m, 0, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_find_input(m, "image"), -1);
  EXPECT_STREQ(octet_model_kernel_path(m), "");
  char err[256];
  octet_session* s2 = reinterpret_cast<octet_session*>(uintptr_t{8});
  EXPECT_EQ(octet_session_create(m, nullptr, &s2, err, sizeof err), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(s2, nullptr);
  EXPECT_TRUE(contains(err, "released")) << err;
  octet_model_release(m);  // a second release is ignored
  // The session made before the release still runs.
  const std::vector<float> image = random_floats(3, 3 * 32 * 32, -2.5f, 2.5f);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, image.data(), image.size()), OCTET_OK);
  EXPECT_EQ(octet_session_invoke(s.get()), OCTET_OK) << octet_session_last_error(s.get());
}

TEST(ApiMisuse, ReleasedSessionHandleIsRefused) {
  const Loaded loaded = load_memory(demo_file(1));
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  octet_session* s = make_session(loaded.model.get()).release();
  ASSERT_NE(s, nullptr);
  octet_session_release(s);
  const std::vector<float> image(3 * 32 * 32, 0.5f);
  EXPECT_EQ(octet_session_set_input_float(s, 0, image.data(), image.size()), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_invoke(s), OCTET_INVALID_ARGUMENT);
  float out[10];
  EXPECT_EQ(octet_session_get_output_float(s, 0, out, 10), OCTET_INVALID_ARGUMENT);
  octet_operator_profile p;
  EXPECT_EQ(octet_session_operator_profile(s, 0, &p), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(octet_session_last_error(s), "released")) << octet_session_last_error(s);
  octet_session_release(s);  // ignored
  // A pointer that never was a handle is refused the same way.
  octet_model* bogus = reinterpret_cast<octet_model*>(const_cast<float*>(image.data()));
  EXPECT_EQ(octet_model_num_outputs(bogus), 0u);
  octet_model_release(bogus);  // ignored, not freed
}

class MultiInput : public testing::Test {
 protected:
  void SetUp() override {
    Loaded r = load_memory(octet_fuzz::multi_input_model());
    ASSERT_TRUE(r.ok()) << r.error;
    model_ = std::move(r.model);
    session_ = make_session(model_.get());
    ASSERT_NE(session_, nullptr);
    ASSERT_EQ(octet_model_num_inputs(model_.get()), 4u);
  }
  octet_session* s() { return session_.get(); }
  std::string last() { return octet_session_last_error(s()); }
  // a, b: int8 [2,3]; c: int32 [6]; e: int8 [0,4].
  void set_all_but(size_t skip) {
    const int8_t ab[6] = {1, -2, 3, -4, 5, -6};
    const int32_t c[6] = {-7, 0, 1 << 20, 3, 4, 5};
    if (skip != 0) {
      ASSERT_EQ(octet_session_set_input_raw(s(), 0, ab, 6), OCTET_OK) << last();
    }
    if (skip != 1) {
      ASSERT_EQ(octet_session_set_input_raw(s(), 1, ab, 6), OCTET_OK) << last();
    }
    if (skip != 2) {
      ASSERT_EQ(octet_session_set_input_raw(s(), 2, c, sizeof c), OCTET_OK) << last();
    }
    if (skip != 3) {
      ASSERT_EQ(octet_session_set_input_raw(s(), 3, nullptr, 0), OCTET_OK) << last();
    }
  }
  ModelPtr model_;
  SessionPtr session_;
};

TEST_F(MultiInput, EachMissingInputIsNamed) {
  const char* names[4] = {"a", "b", "c", "e"};
  for (size_t skip = 0; skip < 4; ++skip) {
    session_ = make_session(model_.get());
    set_all_but(skip);
    EXPECT_EQ(octet_session_invoke(s()), OCTET_INVALID_STATE);
    EXPECT_TRUE(contains(last(), std::string("input '") + names[skip] + "'")) << last();
  }
  set_all_but(4);
  EXPECT_EQ(octet_session_invoke(s()), OCTET_OK) << last();
}

TEST_F(MultiInput, WrongTypesAndSizesAreRefusedAndLeaveTheInputUnset) {
  const float f[8] = {0};
  const int32_t c[7] = {0};
  // int8 inputs: 6 elements, 6 bytes.
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(octet_session_set_input_float(s(), i, f, 5), OCTET_INVALID_ARGUMENT);
    EXPECT_EQ(octet_session_set_input_float(s(), i, f, 7), OCTET_INVALID_ARGUMENT);
    EXPECT_EQ(octet_session_set_input_raw(s(), i, f, 24), OCTET_INVALID_ARGUMENT);  // 6 floats' bytes
    EXPECT_EQ(octet_session_set_input_raw(s(), i, nullptr, 6), OCTET_INVALID_ARGUMENT);
  }
  // The int32 input takes raw bytes only, exactly 24.
  EXPECT_EQ(octet_session_set_input_float(s(), 2, f, 6), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(last(), "int32")) << last();
  EXPECT_EQ(octet_session_set_input_raw(s(), 2, c, 28), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_set_input_raw(s(), 2, c, 6), OCTET_INVALID_ARGUMENT);
  // The empty input: 0 elements, 0 bytes, data may be null.
  EXPECT_EQ(octet_session_set_input_float(s(), 3, f, 1), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_set_input_raw(s(), 3, f, 4), OCTET_INVALID_ARGUMENT);
  // An index past the last input.
  EXPECT_EQ(octet_session_set_input_raw(s(), 4, c, 24), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_set_input_raw(s(), static_cast<size_t>(-1), c, 24), OCTET_INVALID_ARGUMENT);
  // None of the refused calls set anything.
  EXPECT_EQ(octet_session_invoke(s()), OCTET_INVALID_STATE);
  EXPECT_TRUE(contains(last(), "input 'a'")) << last();
}

TEST_F(MultiInput, EmptyInputAndOutputRun) {
  set_all_but(4);
  ASSERT_EQ(octet_session_invoke(s()), OCTET_OK) << last();
  EXPECT_EQ(octet_session_get_output_float(s(), 2, nullptr, 0), OCTET_OK) << last();
  EXPECT_EQ(octet_session_get_output_raw(s(), 2, nullptr, 0), OCTET_OK) << last();
  EXPECT_EQ(octet_session_get_output_float(s(), 2, nullptr, 1), OCTET_INVALID_ARGUMENT);
  // The int32 output read as floats converts each value.
  float d[6];
  ASSERT_EQ(octet_session_get_output_float(s(), 1, d, 6), OCTET_OK) << last();
  EXPECT_EQ(d[2], 1048576.0f);
}

// Found by the C API fuzzer: the arena gives x and y of x -> Quantize -> Dequantize
// -> y the same memory, so an output read after a new input was set (and before
// the next invoke) returned the new input. Setting an input now invalidates the
// outputs until the next invoke.
TEST(ApiMisuse, OutputsAreInvalidAfterAnInputIsSet) {
  const Loaded m = load_memory(octet_fuzz::qdq_model());
  ASSERT_TRUE(m.ok()) << m.error;
  SessionPtr s = make_session(m.model.get());
  ASSERT_NE(s, nullptr);
  std::vector<float> x(10, 1.0f), y(10);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, x.data(), 10), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  ASSERT_EQ(octet_session_get_output_float(s.get(), 1, y.data(), 10), OCTET_OK);
  EXPECT_EQ(y, std::vector<float>(10, 1.0f));
  x.assign(10, 1e30f);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, x.data(), 10), OCTET_OK);
  EXPECT_EQ(octet_session_get_output_float(s.get(), 1, y.data(), 10), OCTET_INVALID_STATE);
  EXPECT_TRUE(contains(octet_session_last_error(s.get()), "input was set")) << octet_session_last_error(s.get());
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  ASSERT_EQ(octet_session_get_output_float(s.get(), 1, y.data(), 10), OCTET_OK);
  EXPECT_EQ(y, std::vector<float>(10, 0.5f * (127 - 3)));  // saturated
}

// float x [6] + constant float [6] (FLOAT32 Add) -> Quantize(0.25, -2) -> int8 q.
TEST(ApiFloatInputs, NanAndInfinityThroughAFloatRegionSaturate) {
  octet::ModelWriter w;
  const octet::QuantParams q = octet::QuantParams::per_tensor(0.25f, -2);
  const float one[7] = {1, 1, 1, 1, 1, 1, 1};
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {7});
  const int c = w.add_constant("one", fb::ElementType::FLOAT32, {7}, one, sizeof one);
  const int s = w.add_tensor("s", fb::ElementType::FLOAT32, {7});
  const int y = w.add_tensor("y", fb::ElementType::INT8, {7}, &q);
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); }, {x, c}, {s}, "add");
  w.add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); },
                 {s}, {y}, "quantize");
  w.add_input("x", x);
  w.add_output("y", y);
  const Loaded m = load_memory(w.finish());
  ASSERT_TRUE(m.ok()) << m.error;
  SessionPtr session = make_session(m.model.get());
  ASSERT_NE(session, nullptr);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float max = std::numeric_limits<float>::max();
  const std::vector<float> in = {nan, inf, -inf, max, -max, 1.5f, -1.25f};
  ASSERT_EQ(octet_session_set_input_float(session.get(), 0, in.data(), in.size()), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(session.get()), OCTET_OK) << octet_session_last_error(session.get());
  // NaN + 1 = NaN -> the zero point; +-inf and +-max (+1) saturate; (1.5 + 1) / 0.25 - 2 = 8;
  // (-1.25 + 1) / 0.25 - 2 = -3.
  const std::vector<int8_t> want = {-2, 127, -128, 127, -128, 8, -3};
  std::vector<int8_t> got(7);
  ASSERT_EQ(octet_session_get_output_raw(session.get(), 0, got.data(), 7), OCTET_OK);
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace octet_test

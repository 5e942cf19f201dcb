// The C API used wrongly: null pointers, bad indices and sizes, calls in the wrong
// order, bad options; and used rightly where it is easy to get wrong: model
// released before its session, non-finite float inputs, tensor info of an NCHW
// input, arena sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "converter/writer/demo_model.h"
#include "kernels/kernel-table.h"
#include "runtime/cpu.h"
#include "octet/octet.h"
#include "tests/support/demo_reference.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

constexpr size_t kImage = 3 * 32 * 32;

class DemoApi : public testing::Test {
 protected:
  void SetUp() override {
    bytes_ = demo_file(1);
    Loaded r = load_memory(bytes_);
    ASSERT_TRUE(r.ok()) << r.error;
    model_ = std::move(r.model);
    image_ = random_floats(11, kImage, -2.5f, 2.5f);
  }
  octet_model* model() { return model_.get(); }

  std::vector<uint8_t> bytes_;
  ModelPtr model_;
  std::vector<float> image_;
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(ApiStatus, EveryStatusHasAName) {
  for (int s = OCTET_OK; s <= OCTET_INTERNAL; ++s) {
    const char* name = octet_status_string(static_cast<octet_status>(s));
    ASSERT_NE(name, nullptr);
    EXPECT_GT(std::strlen(name), 1u) << s;
  }
  EXPECT_STREQ(octet_status_string(OCTET_OK), "ok");
  EXPECT_STREQ(octet_status_string(static_cast<octet_status>(99)), "unknown status");
  EXPECT_STRNE(octet_status_string(OCTET_INVALID_MODEL), octet_status_string(OCTET_UNSUPPORTED));
}

TEST(ApiCpu, DescriptionNamesTheKernelPath) {
  const std::string d = octet_cpu_description();
  // The best path this CPU runs, by the name load options take.
  const std::string best = octet::kernel_path_name(octet::rt::cpu_features().best);
  EXPECT_NE(d.find("kernels: " + best), std::string::npos) << d;
  EXPECT_EQ(octet_cpu_description(), octet_cpu_description());  // detected once, one static string
}

TEST(ApiNull, LoadFunctions) {
  const std::vector<uint8_t> bytes = demo_file(1);
  char err[256];
  octet_model* m = reinterpret_cast<octet_model*>(uintptr_t{1});
  EXPECT_EQ(octet_model_load_file(nullptr, &m, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  EXPECT_STRNE(err, "");
  EXPECT_EQ(octet_model_load_file("/tmp/x.octet", nullptr, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  m = reinterpret_cast<octet_model*>(uintptr_t{1});
  EXPECT_EQ(octet_model_load_memory(nullptr, bytes.size(), &m, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_STRNE(err, "");
  EXPECT_EQ(octet_model_load_memory(bytes.data(), bytes.size(), nullptr, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  // A null error buffer is allowed, on success and on failure.
  m = nullptr;
  EXPECT_EQ(octet_model_load_memory(bytes.data(), bytes.size(), &m, nullptr, 0), OCTET_OK);
  octet_model_release(m);
  m = reinterpret_cast<octet_model*>(uintptr_t{1});
  EXPECT_EQ(octet_model_load_memory(bytes.data(), 5, &m, nullptr, 100), OCTET_INVALID_MODEL);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(octet_model_load_file("/nonexistent.octet", &m, nullptr, 0), OCTET_IO_ERROR);
  octet_model_release(nullptr);
}

TEST(ApiNull, ErrorBufferIsTruncatedAndTerminated) {
  const std::vector<uint8_t> bytes = demo_file(1);
  char err[8];
  std::memset(err, 'x', sizeof(err));
  octet_model* m = nullptr;
  EXPECT_EQ(octet_model_load_memory(bytes.data(), 5, &m, err, sizeof(err)), OCTET_INVALID_MODEL);
  EXPECT_EQ(std::strlen(err), 7u);
  EXPECT_EQ(std::string(err), "file of");
  char one[1] = {'x'};
  EXPECT_EQ(octet_model_load_memory(bytes.data(), 5, &m, one, 1), OCTET_INVALID_MODEL);
  EXPECT_EQ(one[0], '\0');
  char untouched[4] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(octet_model_load_memory(bytes.data(), 5, &m, untouched, 0), OCTET_INVALID_MODEL);
  EXPECT_EQ(untouched[0], 'a');
}

TEST_F(DemoApi, NullModelQueries) {
  octet_tensor_info info;
  EXPECT_EQ(octet_model_num_inputs(nullptr), 0u);
  EXPECT_EQ(octet_model_num_outputs(nullptr), 0u);
  EXPECT_EQ(octet_model_num_operators(nullptr), 0u);
  EXPECT_EQ(octet_model_input_info(nullptr, 0, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_output_info(nullptr, 0, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_input_info(model(), 0, nullptr), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_output_info(model(), 0, nullptr), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_find_input(nullptr, "image"), -1);
  EXPECT_EQ(octet_model_find_input(model(), nullptr), -1);
  EXPECT_EQ(octet_model_find_output(nullptr, "probabilities"), -1);
  EXPECT_EQ(octet_model_find_output(model(), nullptr), -1);
  size_t a = 0, b = 0;
  EXPECT_EQ(octet_model_arena_size(nullptr, &a, &b), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_arena_size(model(), nullptr, nullptr), OCTET_OK);
  octet_session_options_init(nullptr);
}

TEST_F(DemoApi, NullSessionCalls) {
  float f[kImage] = {};
  uint8_t raw[64] = {};
  octet_operator_profile p;
  char err[256] = "";
  octet_session* s = reinterpret_cast<octet_session*>(uintptr_t{1});
  EXPECT_EQ(octet_session_create(nullptr, nullptr, &s, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  EXPECT_STRNE(err, "");
  EXPECT_EQ(octet_session_create(model(), nullptr, nullptr, err, sizeof(err)), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_set_input_float(nullptr, 0, f, kImage), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_set_input_raw(nullptr, 0, raw, 1), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_invoke(nullptr), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_get_output_float(nullptr, 0, f, 10), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_get_output_raw(nullptr, 0, raw, 40), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_operator_profile(nullptr, 0, &p), OCTET_INVALID_ARGUMENT);
  ASSERT_NE(octet_session_last_error(nullptr), nullptr);
  octet_session_release(nullptr);

  // Null data with a non-zero count, on a real session.
  SessionPtr session = make_session(model(), 1, true);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(octet_session_set_input_float(session.get(), 0, nullptr, kImage), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(octet_session_last_error(session.get()), "null"));
  EXPECT_EQ(octet_session_set_input_raw(session.get(), 0, nullptr, kImage * 4), OCTET_INVALID_ARGUMENT);
  ASSERT_EQ(octet_session_set_input_float(session.get(), 0, image_.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(session.get()), OCTET_OK);
  EXPECT_EQ(octet_session_get_output_float(session.get(), 0, nullptr, 10), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_get_output_raw(session.get(), 0, nullptr, 40), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_operator_profile(session.get(), 0, nullptr), OCTET_INVALID_ARGUMENT);
}

TEST_F(DemoApi, WrongInputAndOutputSizes) {
  SessionPtr s = make_session(model());
  ASSERT_NE(s, nullptr);
  std::vector<float> f(kImage + 1, 0.5f);
  for (size_t n : {size_t{0}, kImage - 1, kImage + 1, size_t{32 * 32}}) {
    EXPECT_EQ(octet_session_set_input_float(s.get(), 0, f.data(), n), OCTET_INVALID_ARGUMENT) << n;
    const std::string e = octet_session_last_error(s.get());
    EXPECT_TRUE(contains(e, "'image'") && contains(e, "needs 3072 floats") && contains(e, "got " + std::to_string(n))) << e;
  }
  std::vector<uint8_t> raw(kImage * 4 + 4);
  for (size_t n : {size_t{0}, kImage, kImage * 4 - 1, kImage * 4 + 4}) {
    EXPECT_EQ(octet_session_set_input_raw(s.get(), 0, raw.data(), n), OCTET_INVALID_ARGUMENT) << n;
    EXPECT_TRUE(contains(octet_session_last_error(s.get()), "needs 12288 bytes")) << octet_session_last_error(s.get());
  }
  // None of those counted as setting the input.
  EXPECT_EQ(octet_session_invoke(s.get()), OCTET_INVALID_STATE);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, image_.data(), kImage), OCTET_OK);
  EXPECT_STREQ(octet_session_last_error(s.get()), "");
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  std::vector<float> out(11);
  for (size_t n : {size_t{0}, size_t{9}, size_t{11}}) {
    EXPECT_EQ(octet_session_get_output_float(s.get(), 0, out.data(), n), OCTET_INVALID_ARGUMENT) << n;
    EXPECT_TRUE(contains(octet_session_last_error(s.get()), "has 10 elements")) << octet_session_last_error(s.get());
  }
  std::vector<uint8_t> rout(44);
  for (size_t n : {size_t{10}, size_t{39}, size_t{41}}) {
    EXPECT_EQ(octet_session_get_output_raw(s.get(), 0, rout.data(), n), OCTET_INVALID_ARGUMENT) << n;
    EXPECT_TRUE(contains(octet_session_last_error(s.get()), "has 40 bytes")) << octet_session_last_error(s.get());
  }
  EXPECT_EQ(octet_session_get_output_float(s.get(), 0, out.data(), 10), OCTET_OK);
  EXPECT_EQ(octet_session_get_output_raw(s.get(), 0, rout.data(), 40), OCTET_OK);
}

TEST_F(DemoApi, InvokeBeforeInputsAreSet) {
  SessionPtr s = make_session(model());
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(octet_session_last_error(s.get()), "");
  EXPECT_EQ(octet_session_invoke(s.get()), OCTET_INVALID_STATE);
  const std::string e = octet_session_last_error(s.get());
  EXPECT_TRUE(contains(e, "'image'") && contains(e, "not set")) << e;
  // Raw input counts as set too.
  std::vector<uint8_t> raw(kImage * 4, 0);
  ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, raw.data(), raw.size()), OCTET_OK);
  EXPECT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  EXPECT_STREQ(octet_session_last_error(s.get()), "");
}

TEST_F(DemoApi, OutputsBeforeTheFirstInvokeAreAnError) {
  SessionPtr s = make_session(model());
  ASSERT_NE(s, nullptr);
  std::vector<float> probs(10);
  std::vector<uint8_t> raw(40);
  EXPECT_EQ(octet_session_get_output_float(s.get(), 0, probs.data(), probs.size()), OCTET_INVALID_STATE);
  EXPECT_TRUE(contains(octet_session_last_error(s.get()), "before the first invoke")) << octet_session_last_error(s.get());
  EXPECT_EQ(octet_session_get_output_raw(s.get(), 0, raw.data(), raw.size()), OCTET_INVALID_STATE);
  std::vector<uint8_t> image(kImage * 4, 0);
  ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, image.data(), image.size()), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  EXPECT_EQ(octet_session_get_output_float(s.get(), 0, probs.data(), probs.size()), OCTET_OK);
}

TEST_F(DemoApi, BadIndices) {
  SessionPtr s = make_session(model(), 1, true);
  ASSERT_NE(s, nullptr);
  octet_tensor_info info;
  EXPECT_EQ(octet_model_input_info(model(), 1, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_output_info(model(), 1, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_input_info(model(), SIZE_MAX, &info), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_find_input(model(), "image"), 0);
  EXPECT_EQ(octet_model_find_input(model(), "probabilities"), -1);
  EXPECT_EQ(octet_model_find_output(model(), "probabilities"), 0);
  EXPECT_EQ(octet_model_find_output(model(), ""), -1);
  EXPECT_EQ(octet_session_set_input_float(s.get(), 1, image_.data(), kImage), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(octet_session_last_error(s.get()), "input index 1 out of range")) << octet_session_last_error(s.get());
  EXPECT_EQ(octet_session_set_input_raw(s.get(), SIZE_MAX, image_.data(), kImage * 4), OCTET_INVALID_ARGUMENT);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, image_.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  float out[10];
  EXPECT_EQ(octet_session_get_output_float(s.get(), 1, out, 10), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(octet_session_last_error(s.get()), "output index 1 out of range")) << octet_session_last_error(s.get());
  EXPECT_EQ(octet_session_get_output_raw(s.get(), 7, out, 40), OCTET_INVALID_ARGUMENT);
  octet_operator_profile p;
  const size_t ops = octet_model_num_operators(model());
  EXPECT_EQ(octet_session_operator_profile(s.get(), ops, &p), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_session_operator_profile(s.get(), ops - 1, &p), OCTET_OK);
}

TEST_F(DemoApi, ThreadCountMustBeSane) {
  for (int n : {0, -1, -1000, 1025, 100000, INT_MAX, INT_MIN}) {
    octet_session_options o;
    octet_session_options_init(&o);
    o.num_threads = n;
    char err[256] = "";
    octet_session* s = reinterpret_cast<octet_session*>(uintptr_t{1});
    EXPECT_EQ(octet_session_create(model(), &o, &s, err, sizeof(err)), OCTET_INVALID_ARGUMENT) << n;
    EXPECT_EQ(s, nullptr);
    EXPECT_TRUE(contains(err, "num_threads " + std::to_string(n))) << err;
  }
  for (int n : {1, 2, 16}) {
    std::string err;
    SessionPtr s = make_session(model(), n, false, &err);
    EXPECT_NE(s, nullptr) << n << ": " << err;
  }
  // Defaults: options may be null.
  octet_session* s = nullptr;
  ASSERT_EQ(octet_session_create(model(), nullptr, &s, nullptr, 0), OCTET_OK);
  octet_session_release(s);
  octet_session_options o;
  o.num_threads = 77;
  o.enable_profiling = 5;
  octet_session_options_init(&o);
  EXPECT_EQ(o.num_threads, 1);
  EXPECT_EQ(o.enable_profiling, 0);
}

TEST_F(DemoApi, ProfileNeedsProfiling) {
  SessionPtr s = make_session(model(), 1, false);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(octet_session_set_input_float(s.get(), 0, image_.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  octet_operator_profile p;
  EXPECT_EQ(octet_session_operator_profile(s.get(), 0, &p), OCTET_INVALID_STATE);

  SessionPtr prof = make_session(model(), 2, true);
  ASSERT_NE(prof, nullptr);
  ASSERT_EQ(octet_session_set_input_float(prof.get(), 0, image_.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(prof.get()), OCTET_OK);
  const char* const names[] = {"quantize", "conv1",   "dw",     "pw",  "pw2",        "residual",  "hardswish", "maxpool",
                               "avgpool",  "concat",  "gap",    "flatten", "fc",     "softmax",   "dequantize"};
  const char* const types[] = {"Quantize", "Conv2D", "Conv2D", "Conv2D", "Conv2D", "Add", "HardSwish", "MaxPool",
                               "AveragePool", "Concat", "GlobalAveragePool", "Reshape", "FullyConnected", "Softmax", "Dequantize"};
  ASSERT_EQ(octet_model_num_operators(model()), 15u);
  uint64_t total = 0;
  for (size_t i = 0; i < 15; ++i) {
    ASSERT_EQ(octet_session_operator_profile(prof.get(), i, &p), OCTET_OK);
    EXPECT_STREQ(p.name, names[i]);
    EXPECT_STREQ(p.type, types[i]);
    ASSERT_NE(p.kernel, nullptr);
    EXPECT_GT(std::strlen(p.kernel), 0u) << i;
    total += p.time_ns;
  }
  EXPECT_GT(total, 0u);
  ASSERT_EQ(octet_session_operator_profile(prof.get(), 1, &p), OCTET_OK);
  // conv1 runs the GEMM of the model's path (OCTET_KERNEL_PATH may force one), or the
  // reference kernel on the reference path.
  octet::KernelPath path;
  ASSERT_TRUE(octet::parse_kernel_path(octet_model_kernel_path(model()), &path)) << octet_model_kernel_path(model());
  const char* gemm = octet::kernel_table(path).gemm.name;
  EXPECT_STREQ(p.kernel, gemm != nullptr ? gemm : "qs8_conv2d__reference");
}

TEST_F(DemoApi, SessionKeepsTheModelAlive) {
  const octet::DemoModel dm = octet::make_demo_model(1);
  const DemoTrace expect = demo_reference(dm, image_.data());

  // Loaded from a file that is deleted too: the mapping must stay valid.
  TempFile file("alive.octet");
  ASSERT_TRUE(file.write(bytes_));
  Loaded loaded = load_file(file.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  octet_model* m = loaded.model.release();
  SessionPtr a = make_session(m, 1);
  SessionPtr b = make_session(m, 2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  octet_tensor_info info;
  ASSERT_EQ(octet_model_output_info(m, 0, &info), OCTET_OK);
  octet_model_release(m);
  m = nullptr;
  std::remove(file.path().c_str());
  for (octet_session* s : {a.get(), b.get()}) {
    for (int run = 0; run < 2; ++run) {
      ASSERT_EQ(octet_session_set_input_float(s, 0, image_.data(), kImage), OCTET_OK);
      ASSERT_EQ(octet_session_invoke(s), OCTET_OK) << octet_session_last_error(s);
      std::vector<float> out(10);
      ASSERT_EQ(octet_session_get_output_float(s, 0, out.data(), out.size()), OCTET_OK);
      EXPECT_EQ(out, expect.probabilities);
    }
  }
  a.reset();
  // The last session releases the model.
  ASSERT_EQ(octet_session_invoke(b.get()), OCTET_OK);
  b.reset();
}

// x (float) -> Quantize(0.5, zp) -> q (int8) -> Dequantize -> y.
TEST(ApiFloatInputs, NonFiniteValuesSaturateAsDocumented) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x = {nan, -nan, inf, -inf, 1.25f, 1.75f, -1e30f, 1e30f, 0.0f, -0.25f};
  for (int32_t zp : {5, -128, 127, 0}) {
    SCOPED_TRACE("zero point " + std::to_string(zp));
    const auto z = [&](int v) { return static_cast<int8_t>(std::min(127, std::max(-128, v))); };
    // round_half_even(x / 0.5) + zp, saturated.
    const std::vector<int8_t> expect_q = {z(zp), z(zp), 127, -128, z(2 + zp), z(4 + zp), -128, 127, z(zp), z(zp)};
    std::vector<float> expect_y;
    for (int8_t q : expect_q) expect_y.push_back(0.5f * static_cast<float>(q - zp));

    // Through the graph's Quantize operator.
    const Loaded m = load_memory(quantize_dequantize_model(static_cast<int>(x.size()), 0.5f, zp));
    ASSERT_TRUE(m.ok()) << m.error;
    SessionPtr s = make_session(m.model.get());
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(octet_session_set_input_float(s.get(), 0, x.data(), x.size()), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
    std::vector<int8_t> q(x.size());
    ASSERT_EQ(octet_session_get_output_raw(s.get(), 0, q.data(), q.size()), OCTET_OK);
    EXPECT_EQ(q, expect_q);
    EXPECT_EQ(output_float(s.get(), m.model.get(), 1), expect_y);
    // The int8 output read as float is dequantized too.
    EXPECT_EQ(output_float(s.get(), m.model.get(), 0), expect_y);

    // Through the API's own quantization of an int8 graph input.
    const Loaded d = load_memory(dequantize_model(static_cast<int>(x.size()), 0.5f, zp));
    ASSERT_TRUE(d.ok()) << d.error;
    SessionPtr ds = make_session(d.model.get());
    ASSERT_NE(ds, nullptr);
    ASSERT_EQ(octet_session_set_input_float(ds.get(), 0, x.data(), x.size()), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(ds.get()), OCTET_OK);
    EXPECT_EQ(output_float(ds.get(), d.model.get(), 0), expect_y);
    octet_tensor_info info;
    ASSERT_EQ(octet_model_input_info(d.model.get(), 0, &info), OCTET_OK);
    EXPECT_EQ(info.dtype, OCTET_INT8);
    EXPECT_EQ(info.scale, 0.5f);
    EXPECT_EQ(info.zero_point, zp);
  }
}

TEST(ApiFloatInputs, Int32InputsNeedTheRawAccessor) {
  octet::ModelWriter w;
  const int a = w.add_tensor("a", fb::ElementType::INT32, {4});
  const int b = w.add_tensor("b", fb::ElementType::INT32, {2, 2});
  w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateReshapeOptions(f).Union(); },
                 {a}, {b}, "reshape");
  w.add_input("a", a);
  w.add_output("b", b);
  const Loaded m = load_memory(w.finish());
  ASSERT_TRUE(m.ok()) << m.error;
  SessionPtr s = make_session(m.model.get());
  ASSERT_NE(s, nullptr);
  const float f[4] = {1, 2, 3, 4};
  EXPECT_EQ(octet_session_set_input_float(s.get(), 0, f, 4), OCTET_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(octet_session_last_error(s.get()), "int32")) << octet_session_last_error(s.get());
  const int32_t v[4] = {-7, 0, 1 << 20, 3};
  ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, v, sizeof(v)), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  EXPECT_EQ(output_float(s.get(), m.model.get(), 0), (std::vector<float>{-7.0f, 0.0f, 1048576.0f, 3.0f}));
  octet_tensor_info info;
  ASSERT_EQ(octet_model_output_info(m.model.get(), 0, &info), OCTET_OK);
  EXPECT_EQ(info.dtype, OCTET_INT32);
  EXPECT_EQ(info.raw_size, 16u);
}

TEST_F(DemoApi, ArenaSize) {
  size_t arena = 0, lower = 0;
  ASSERT_EQ(octet_model_arena_size(model(), &arena, &lower), OCTET_OK);
  EXPECT_GT(lower, 0u);
  EXPECT_GE(arena, lower);
  // The float image (12288 bytes) and its int8 copy (3072) are alive together.
  EXPECT_GE(lower, 12288u + 3072u);
  // Every activation of the demo together (image, image_q, conv1, dw, pw, pw2, add,
  // hswish, maxpool, avgpool, concat, then five tiny tensors of one 64-byte line
  // each): the plan must reuse memory.
  const size_t all = 12288 + 3072 + 2 * 2048 + 4 * 4096 + 2 * 1024 + 2048 + 5 * 64;
  EXPECT_LT(arena, all);
  size_t only_arena = 0, only_lower = 0;
  ASSERT_EQ(octet_model_arena_size(model(), &only_arena, nullptr), OCTET_OK);
  ASSERT_EQ(octet_model_arena_size(model(), nullptr, &only_lower), OCTET_OK);
  EXPECT_EQ(only_arena, arena);
  EXPECT_EQ(only_lower, lower);
}

TEST_F(DemoApi, InputAndOutputInfo) {
  ASSERT_EQ(octet_model_num_inputs(model()), 1u);
  ASSERT_EQ(octet_model_num_outputs(model()), 1u);
  octet_tensor_info in;
  ASSERT_EQ(octet_model_input_info(model(), 0, &in), OCTET_OK);
  EXPECT_STREQ(in.name, "image");
  EXPECT_EQ(in.dtype, OCTET_FLOAT32);
  EXPECT_EQ(in.rank, 4);
  EXPECT_EQ(in.nchw, 1);
  const int64_t nhwc[4] = {1, 32, 32, 3}, nchw[4] = {1, 3, 32, 32};
  for (int d = 0; d < 4; ++d) {
    EXPECT_EQ(in.dims[d], nhwc[d]) << d;
    EXPECT_EQ(in.float_dims[d], nchw[d]) << d;
  }
  for (int d = 4; d < OCTET_MAX_RANK; ++d) {
    EXPECT_EQ(in.dims[d], 0) << d;
    EXPECT_EQ(in.float_dims[d], 0) << d;
  }
  EXPECT_EQ(in.element_count, kImage);
  EXPECT_EQ(in.raw_size, kImage * 4);
  EXPECT_EQ(in.scale, 0.0f);
  EXPECT_EQ(in.zero_point, 0);

  octet_tensor_info out;
  ASSERT_EQ(octet_model_output_info(model(), 0, &out), OCTET_OK);
  EXPECT_STREQ(out.name, "probabilities");
  EXPECT_EQ(out.dtype, OCTET_FLOAT32);
  EXPECT_EQ(out.rank, 2);
  EXPECT_EQ(out.nchw, 0);
  EXPECT_EQ(out.dims[0], 1);
  EXPECT_EQ(out.dims[1], 10);
  EXPECT_EQ(out.float_dims[0], 1);
  EXPECT_EQ(out.float_dims[1], 10);
  EXPECT_EQ(out.element_count, 10u);
  EXPECT_EQ(out.raw_size, 40u);
}

// The float accessor takes NCHW and the raw accessor NHWC: the same image given
// both ways gives the same result.
TEST_F(DemoApi, NchwFloatInputMatchesNhwcRawInput) {
  std::vector<float> nhwc(kImage);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) nhwc[(y * 32 + x) * 3 + c] = image_[(c * 32 + y) * 32 + x];
  SessionPtr a = make_session(model());
  SessionPtr b = make_session(model());
  ASSERT_EQ(octet_session_set_input_float(a.get(), 0, image_.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_set_input_raw(b.get(), 0, nhwc.data(), kImage * 4), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(a.get()), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(b.get()), OCTET_OK);
  EXPECT_EQ(output_raw(a.get(), model(), 0), output_raw(b.get(), model(), 0));
  // And a transposed image (NHWC given as NCHW) gives a different one for this seed.
  SessionPtr c = make_session(model());
  ASSERT_EQ(octet_session_set_input_float(c.get(), 0, nhwc.data(), kImage), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(c.get()), OCTET_OK);
  EXPECT_NE(output_raw(a.get(), model(), 0), output_raw(c.get(), model(), 0));
}

// NCHW graph inputs and outputs with a batch of 2: the float accessors convert
// from and to NCHW, the raw ones use the runtime's NHWC.
TEST(ApiLayout, NchwInputsAndOutputs) {
  const int N = 2, H = 3, W = 4, C = 5, count = N * H * W * C;
  std::vector<float> nchw(count);
  for (int i = 0; i < count; ++i) nchw[i] = 0.25f * static_cast<float>(i - 50);
  auto nhwc_index = [&](int n, int c, int h, int w) { return ((n * H + h) * W + w) * C + c; };
  auto nchw_index = [&](int n, int c, int h, int w) { return ((n * C + c) * H + h) * W + w; };

  // float -> Reshape (same shape) -> float, both NCHW.
  {
    octet::ModelWriter w;
    const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {N, H, W, C});
    const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {N, H, W, C});
    w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateReshapeOptions(f).Union(); },
                   {x}, {y}, "copy");
    w.add_input("x", x, true);
    w.add_output("y", y, true);
    const Loaded m = load_memory(w.finish());
    ASSERT_TRUE(m.ok()) << m.error;
    octet_tensor_info in, out;
    ASSERT_EQ(octet_model_input_info(m.model.get(), 0, &in), OCTET_OK);
    ASSERT_EQ(octet_model_output_info(m.model.get(), 0, &out), OCTET_OK);
    for (const octet_tensor_info* info : {&in, &out}) {
      EXPECT_EQ(info->nchw, 1);
      EXPECT_EQ(info->float_dims[0], N);
      EXPECT_EQ(info->float_dims[1], C);
      EXPECT_EQ(info->float_dims[2], H);
      EXPECT_EQ(info->float_dims[3], W);
      EXPECT_EQ(info->dims[1], H);
      EXPECT_EQ(info->dims[3], C);
    }
    SessionPtr s = make_session(m.model.get());
    ASSERT_EQ(octet_session_set_input_float(s.get(), 0, nchw.data(), count), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
    EXPECT_EQ(output_float(s.get(), m.model.get(), 0), nchw);
    std::vector<float> raw(count);
    ASSERT_EQ(octet_session_get_output_raw(s.get(), 0, raw.data(), count * 4), OCTET_OK);
    for (int n = 0; n < N; ++n)
      for (int c = 0; c < C; ++c)
        for (int h = 0; h < H; ++h)
          for (int x2 = 0; x2 < W; ++x2) ASSERT_EQ(raw[nhwc_index(n, c, h, x2)], nchw[nchw_index(n, c, h, x2)]) << n << c << h << x2;
  }
  // int8 NCHW input (quantized on the way in) -> Dequantize -> float NCHW output;
  // and the int8 tensor as a second, NCHW output read as float.
  {
    octet::ModelWriter w;
    const octet::QuantParams q = octet::QuantParams::per_tensor(0.5f, 1);
    const int x = w.add_tensor("q", fb::ElementType::INT8, {N, H, W, C}, &q);
    const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {N, H, W, C});
    w.add_operator(fb::OperatorOptions::DequantizeOptions,
                   [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {x}, {y}, "dequantize");
    w.add_input("q", x, true);
    w.add_output("y", y, true);
    w.add_output("q", x, true);
    const Loaded m = load_memory(w.finish());
    ASSERT_TRUE(m.ok()) << m.error;
    SessionPtr s = make_session(m.model.get());
    ASSERT_EQ(octet_session_set_input_float(s.get(), 0, nchw.data(), count), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
    std::vector<float> expect(count);
    for (int i = 0; i < count; ++i) {
      const float r = std::nearbyint(nchw[i] / 0.5f) + 1.0f;
      expect[i] = 0.5f * (std::min(127.0f, std::max(-128.0f, r)) - 1.0f);
    }
    EXPECT_EQ(output_float(s.get(), m.model.get(), 0), expect);
    EXPECT_EQ(output_float(s.get(), m.model.get(), 1), expect);
    std::vector<int8_t> raw(count);
    ASSERT_EQ(octet_session_get_output_raw(s.get(), 1, raw.data(), count), OCTET_OK);
    for (int n = 0; n < N; ++n)
      for (int c = 0; c < C; ++c)
        for (int h = 0; h < H; ++h)
          for (int x2 = 0; x2 < W; ++x2) {
            ASSERT_EQ(0.5f * static_cast<float>(raw[nhwc_index(n, c, h, x2)] - 1), expect[nchw_index(n, c, h, x2)]) << n << c << h << x2;
          }
  }
}

// A graph input that is also the graph output, with no operator at all; and a
// graph with no input whose output is computed from constants only.
TEST(ApiGraphs, NoOperatorsAndNoInputs) {
  {
    octet::ModelWriter w;
    const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {3});
    w.add_input("x", x);
    w.add_output("x", x);
    const Loaded m = load_memory(w.finish());
    ASSERT_TRUE(m.ok()) << m.error;
    EXPECT_EQ(octet_model_num_operators(m.model.get()), 0u);
    SessionPtr s = make_session(m.model.get(), 1, true);
    const std::vector<float> v = {1.5f, -2.0f, 3.25f};
    ASSERT_EQ(octet_session_set_input_float(s.get(), 0, v.data(), 3), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
    EXPECT_EQ(output_float(s.get(), m.model.get(), 0), v);
    octet_operator_profile p;
    EXPECT_EQ(octet_session_operator_profile(s.get(), 0, &p), OCTET_INVALID_ARGUMENT);
  }
  {
    octet::ModelWriter w;
    const octet::QuantParams q = octet::QuantParams::per_tensor(0.25f, -3);
    const int8_t a[4] = {1, 2, 3, 4}, b[4] = {-1, 10, -128, 127};
    const int ca = w.add_constant("a", fb::ElementType::INT8, {4}, a, 4, &q);
    const int cb = w.add_constant("b", fb::ElementType::INT8, {2, 2}, b, 4, &q);
    const int r = w.add_tensor("r", fb::ElementType::INT8, {2, 2}, &q);
    const int y = w.add_tensor("y", fb::ElementType::INT8, {2, 2}, &q);
    w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateReshapeOptions(f).Union(); },
                   {ca}, {r}, "reshape");
    w.add_operator(fb::OperatorOptions::BinaryOptions,
                   [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::SUB).Union(); }, {r, cb}, {y},
                   "sub");
    w.add_output("y", y);
    const Loaded m = load_memory(w.finish());
    ASSERT_TRUE(m.ok()) << m.error;
    EXPECT_EQ(octet_model_num_inputs(m.model.get()), 0u);
    SessionPtr s = make_session(m.model.get());
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK) << octet_session_last_error(s.get());
    // Equal scales: y = a - b + zero point, saturated.
    const std::vector<uint8_t> expect = {static_cast<uint8_t>(1 + 1 - 3), static_cast<uint8_t>(2 - 10 - 3), static_cast<uint8_t>(127),
                                         static_cast<uint8_t>(4 - 127 - 3)};
    EXPECT_EQ(output_raw(s.get(), m.model.get(), 0), expect);
  }
}

}  // namespace
}  // namespace octet_test

namespace octet_test {
namespace {

TEST_F(DemoApi, LoadTimesSplitTheLoad) {
  octet_load_times t;
  ASSERT_EQ(octet_model_load_times(model(), &t), OCTET_OK);
  EXPECT_GE(t.open_ms, 0.0);
  EXPECT_GT(t.verify_ms, 0.0);
  EXPECT_GT(t.prepare_ms, 0.0);
  EXPECT_EQ(octet_model_load_times(nullptr, &t), OCTET_INVALID_ARGUMENT);
  EXPECT_EQ(octet_model_load_times(model(), nullptr), OCTET_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace octet_test

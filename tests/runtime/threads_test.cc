// One model shared by sessions on several threads at once: every run's output is
// byte-identical to the serial run of the same input.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "converter/writer/demo_model.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

constexpr size_t kImage = 3 * 32 * 32;
constexpr int kThreads = 4;
constexpr int kRuns = 50;
constexpr int kInputs = 5;

TEST(Threads, SessionsShareOneModel) {
  const Loaded m = load_memory(demo_file(7));
  ASSERT_TRUE(m.ok()) << m.error;
  std::vector<std::vector<float>> inputs;
  for (int i = 0; i < kInputs; ++i) inputs.push_back(random_floats(100 + i, kImage, -2.5f, 2.5f));

  // Serial reference, one session.
  std::vector<std::vector<uint8_t>> expect;
  {
    SessionPtr s = make_session(m.model.get());
    ASSERT_NE(s, nullptr);
    for (const auto& in : inputs) {
      ASSERT_EQ(octet_session_set_input_float(s.get(), 0, in.data(), in.size()), OCTET_OK);
      ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
      expect.push_back(output_raw(s.get(), m.model.get(), 0));
      ASSERT_EQ(expect.back().size(), 40u);
    }
  }
  // Not all the same, so a session reading another's arena would show.
  ASSERT_NE(expect[0], expect[1]);

  std::atomic<int> mismatches{0}, failures{0}, runs{0};
  std::vector<std::string> notes(kThreads);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      // Sessions with 1 and 2 pool threads of their own.
      SessionPtr s = make_session(m.model.get(), 1 + t % 2);
      if (s == nullptr) {
        ++failures;
        return;
      }
      for (int r = 0; r < kRuns; ++r) {
        const int k = (r + t) % kInputs;
        if (octet_session_set_input_float(s.get(), 0, inputs[k].data(), kImage) != OCTET_OK || octet_session_invoke(s.get()) != OCTET_OK) {
          ++failures;
          notes[t] = octet_session_last_error(s.get());
          return;
        }
        if (output_raw(s.get(), m.model.get(), 0) != expect[k]) {
          ++mismatches;
          notes[t] = "run " + std::to_string(r) + " input " + std::to_string(k) + " differs";
        }
        ++runs;
      }
    });
  }
  for (std::thread& th : pool) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(runs.load(), kThreads * kRuns);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(notes[t], "") << "thread " << t;
}

// Models loaded and released on several threads at once while others run.
TEST(Threads, ConcurrentLoadsAndReleases) {
  const std::vector<uint8_t> bytes = demo_file(8);
  const std::vector<float> image = random_floats(9, kImage, -2.5f, 2.5f);
  std::vector<uint8_t> expect;
  {
    const Loaded m = load_memory(bytes);
    ASSERT_TRUE(m.ok()) << m.error;
    SessionPtr s = make_session(m.model.get());
    ASSERT_EQ(octet_session_set_input_float(s.get(), 0, image.data(), kImage), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
    expect = output_raw(s.get(), m.model.get(), 0);
  }
  std::atomic<int> bad{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&] {
      for (int r = 0; r < 10; ++r) {
        Loaded m = load_memory(bytes);
        if (!m.ok()) {
          ++bad;
          return;
        }
        SessionPtr s = make_session(m.model.get());
        m.model.reset();  // the session keeps it alive
        if (s == nullptr || octet_session_set_input_float(s.get(), 0, image.data(), kImage) != OCTET_OK ||
            octet_session_invoke(s.get()) != OCTET_OK) {
          ++bad;
          return;
        }
        std::vector<uint8_t> out(40);
        if (octet_session_get_output_raw(s.get(), 0, out.data(), out.size()) != OCTET_OK || out != expect) ++bad;
      }
    });
  }
  for (std::thread& th : pool) th.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace octet_test

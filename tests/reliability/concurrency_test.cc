// Concurrency (issue 8, part 3): one model shared by eight sessions on eight
// threads for 1,000 runs each gives the serial runs' output bytes; the model handle
// released while they run; thread pools started and stopped many times; every
// thread count from 1 to 64 gives the one-thread bytes. scripts/test.sh also runs
// this file under ThreadSanitizer (OCTET_TSAN), where a data race fails the test.
// gtest assertions are made on the main thread only: workers record what they saw.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "converter/writer/demo_model.h"
#include "tests/simd/conv_model.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

// The demo network (every operator kind it has) on 16x16 images rather than 32x32,
// so eight threads' 8,000 runs stay short under ThreadSanitizer too.
constexpr int kSide = 16;
constexpr size_t kImage = 3 * kSide * kSide;
constexpr int kInputs = 7;

std::vector<uint8_t> small_demo_file(uint32_t seed) {
  octet::DemoModel m = octet::make_demo_model(seed);
  m.height = m.width = kSide;
  return octet::write_demo_model(m).finish();
}

std::vector<std::vector<float>> demo_inputs() {
  std::vector<std::vector<float>> v;
  for (int i = 0; i < kInputs; ++i) v.push_back(random_floats(300 + i, kImage, -2.5f, 2.5f));
  return v;
}

// Every output of one run, raw, concatenated.
std::vector<uint8_t> run_all_outputs(octet_session* s, const octet_model* m, const std::vector<float>& image) {
  if (octet_session_set_input_float(s, 0, image.data(), image.size()) != OCTET_OK) return {};
  if (octet_session_invoke(s) != OCTET_OK) return {};
  std::vector<uint8_t> all;
  for (size_t o = 0; o < octet_model_num_outputs(m); ++o) {
    const std::vector<uint8_t> v = output_raw(s, m, o);
    if (v.empty()) return {};
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

// Serial outputs of every input, one single-thread session.
std::vector<std::vector<uint8_t>> serial_outputs(octet_model* m, const std::vector<std::vector<float>>& inputs) {
  std::vector<std::vector<uint8_t>> expect;
  SessionPtr s = make_session(m);
  if (s == nullptr) return expect;
  for (const auto& in : inputs) expect.push_back(run_all_outputs(s.get(), m, in));
  return expect;
}

// Runs of each worker thread: OCTET_CONCURRENCY_RUNS overrides 1,000 (for a quick try).
int runs_per_thread() {
  const char* e = std::getenv("OCTET_CONCURRENCY_RUNS");
  return e != nullptr && std::atoi(e) > 0 ? std::atoi(e) : 1000;
}

struct WorkerResult {
  int runs = 0;
  int mismatches = 0;
  std::string failure;
};

// Eight threads, one session each (a pool of 1, 2 or 3 threads of its own), the
// same model; every run of every input must give the serial bytes. The model
// handle is released by the main thread once the workers have their sessions.
TEST(Concurrency, EightSessionsOnEightThreadsMatchSerialRuns) {
  constexpr int kThreads = 8;
  const int runs = runs_per_thread();
  Loaded loaded = load_memory(small_demo_file(21));
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  octet_model* m = loaded.model.release();
  const std::vector<std::vector<float>> inputs = demo_inputs();
  const std::vector<std::vector<uint8_t>> expect = serial_outputs(m, inputs);
  ASSERT_EQ(expect.size(), static_cast<size_t>(kInputs));
  for (const auto& e : expect) ASSERT_FALSE(e.empty());
  // Different inputs give different outputs, so a session reading another's arena shows.
  ASSERT_NE(expect[0], expect[1]);

  ASSERT_EQ(octet_model_num_outputs(m), 1u);
  const size_t output_bytes = expect[0].size();
  std::vector<SessionPtr> sessions;
  for (int t = 0; t < kThreads; ++t) {
    sessions.push_back(make_session(m, t % 4 == 3 ? 2 : 1));
    ASSERT_NE(sessions.back(), nullptr);
  }
  std::vector<WorkerResult> results(kThreads);
  std::atomic<int> started{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      octet_session* s = sessions[t].get();
      WorkerResult& r = results[t];
      started.fetch_add(1);
      std::vector<uint8_t> got(output_bytes);
      for (int run = 0; run < runs; ++run) {
        const int k = (run * 3 + t) % kInputs;
        if (octet_session_set_input_float(s, 0, inputs[k].data(), kImage) != OCTET_OK || octet_session_invoke(s) != OCTET_OK) {
          r.failure = octet_session_last_error(s);
          return;
        }
        // Read by size alone: the model handle may be gone by now (the demo has one output).
        if (octet_session_get_output_raw(s, 0, got.data(), got.size()) != OCTET_OK) {
          r.failure = octet_session_last_error(s);
          return;
        }
        if (got != expect[k]) ++r.mismatches;
        ++r.runs;
      }
    });
  }
  // Drop the caller's reference while the sessions run: they keep the model alive.
  while (started.load() < kThreads) std::this_thread::yield();
  octet_model_release(m);
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(results[t].failure, "") << "thread " << t;
    EXPECT_EQ(results[t].mismatches, 0) << "thread " << t;
    EXPECT_EQ(results[t].runs, runs) << "thread " << t;
  }
  // The last session released frees the model.
  sessions.clear();
}

// A 3x3 convolution of 12x12x16 to 24 channels: GEMM rows and channels enough to
// split into many tasks at the thread counts below.
std::vector<uint8_t> conv_file() {
  ConvCase c;
  c.in_h = 12;
  c.in_w = 12;
  c.in_c = 16;
  c.out_c = 24;
  c.seed = 5;
  return conv_model(c);
}

std::vector<uint8_t> run_model(octet_model* m, int threads, uint32_t seed) {
  SessionPtr s = make_session(m, threads);
  if (s == nullptr) return {};
  octet_tensor_info info;
  if (octet_model_input_info(m, 0, &info) != OCTET_OK) return {};
  std::vector<uint8_t> in(info.raw_size);
  uint32_t x = seed;
  for (uint8_t& b : in) b = static_cast<uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
  if (octet_session_set_input_raw(s.get(), 0, in.data(), in.size()) != OCTET_OK) return {};
  if (octet_session_invoke(s.get()) != OCTET_OK) return {};
  return output_raw(s.get(), m, 0);
}

// Every pool size from 1 to 64 threads, on any machine (CI's has two cores): the
// same bytes as one thread, for the convolution and for the demo network.
TEST(Concurrency, EveryThreadCountFrom1To64) {
  const Loaded conv = load_memory(conv_file());
  ASSERT_TRUE(conv.ok()) << conv.error;
  const Loaded demo = load_memory(small_demo_file(22));
  ASSERT_TRUE(demo.ok()) << demo.error;
  const std::vector<uint8_t> want = run_model(conv.model.get(), 1, 9);
  ASSERT_FALSE(want.empty());
  const std::vector<float> image = random_floats(23, kImage, -2.5f, 2.5f);
  SessionPtr one = make_session(demo.model.get(), 1);
  const std::vector<uint8_t> want_demo = run_all_outputs(one.get(), demo.model.get(), image);
  ASSERT_FALSE(want_demo.empty());
  // Each parallel operator waits for every pool thread, so 64 threads on two cores
  // cost milliseconds per operator: the convolution at every count, the whole
  // network at counts around the powers of two.
  for (int threads = 1; threads <= 64; ++threads) {
    EXPECT_EQ(run_model(conv.model.get(), threads, 9), want) << threads << " threads";
    if (threads > 4 && threads != 7 && threads != 8 && threads != 9 && threads != 16 && threads != 33 && threads != 64) continue;
    SessionPtr s = make_session(demo.model.get(), threads);
    ASSERT_NE(s, nullptr) << threads << " threads";
    EXPECT_EQ(run_all_outputs(s.get(), demo.model.get(), image), want_demo) << threads << " threads";
  }
}

// Thread pools started and stopped many times: sessions of 2 to 5 threads created,
// run (or not) and released in turn, and of 2 to 4 threads on four threads at once.
TEST(Concurrency, ThreadPoolsStartAndStopManyTimes) {
  const Loaded conv = load_memory(conv_file());
  ASSERT_TRUE(conv.ok()) << conv.error;
  const std::vector<uint8_t> want = run_model(conv.model.get(), 1, 11);
  ASSERT_FALSE(want.empty());
  for (int i = 0; i < 90; ++i) {
    const int threads = 2 + i % 4;
    if (i % 3 == 0) {
      SessionPtr idle = make_session(conv.model.get(), threads);  // a pool that never runs
      ASSERT_NE(idle, nullptr);
      continue;
    }
    ASSERT_EQ(run_model(conv.model.get(), threads, 11), want) << "iteration " << i << ", " << threads << " threads";
  }
  std::vector<int> bad(4, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) bad[t] += run_model(conv.model.get(), 2 + (i + t) % 3, 11) != want;
    });
  }
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
}

// Sessions created and released on eight threads at once from one model handle,
// while the model's reference count moves under them.
TEST(Concurrency, SessionsCreatedAndReleasedConcurrently) {
  Loaded demo = load_memory(small_demo_file(24));
  ASSERT_TRUE(demo.ok()) << demo.error;
  const std::vector<float> image = random_floats(25, kImage, -2.5f, 2.5f);
  SessionPtr one = make_session(demo.model.get(), 1);
  const std::vector<uint8_t> want = run_all_outputs(one.get(), demo.model.get(), image);
  ASSERT_FALSE(want.empty());
  std::vector<int> bad(8, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        SessionPtr s = make_session(demo.model.get(), 1 + (i + t) % 2);
        bad[t] += s == nullptr || run_all_outputs(s.get(), demo.model.get(), image) != want;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace octet_test

// Soak (issue 8, part 4): 100,000 inferences of the demo network through the C
// API, every output checked against the first run's bytes, with sessions created
// and released every 1,000 runs (and a thread pool started and stopped beside) and
// the model loaded again every 10,000. Peak RSS
// (VmHWM) and the heap in use (mallinfo2) are measured after a warm-up of 10,000
// runs and at every 10,000 after it; neither may grow. A leak of 16 bytes per
// inference would grow the heap by 1.4 MB over the run.
// OCTET_SOAK_RUNS overrides the count: the AddressSanitizer build runs 2,000 (its
// LeakSanitizer checks at exit, and its quarantine grows RSS, so the memory
// assertions are off there) and scripts/test.sh a few hundred under Valgrind.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OCTET_SOAK_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define OCTET_SOAK_UNDER_SANITIZER 1
#endif
#endif

namespace octet_test {
namespace {

constexpr size_t kImage = 3 * 32 * 32;

// A field of /proc/self/status in kB ("VmHWM", "VmRSS"); -1 when absent.
long status_kb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long v = -1;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, field, n) == 0 && line[n] == ':') {
      v = std::strtol(line + n + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return v;
}

size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

long runs_from_env() {
  const char* e = std::getenv("OCTET_SOAK_RUNS");
  return e != nullptr && std::atol(e) > 0 ? std::atol(e) : 100000;
}

TEST(Soak, HundredThousandInferencesKeepPeakRssAndHeapFlat) {
  const long runs = runs_from_env();
  const std::vector<uint8_t> bytes = demo_file(31);
  std::vector<std::vector<float>> images;
  for (int i = 0; i < 4; ++i) images.push_back(random_floats(40 + i, kImage, -2.5f, 2.5f));
  std::vector<std::vector<float>> want(images.size());
  std::vector<float> got(10);

  Loaded model;
  SessionPtr session;
  const long warmup = runs >= 20000 ? 10000 : runs / 2;
  long hwm_warm = 0, rss_warm = 0;
  size_t heap_warm = 0;
  long worst_hwm = 0;
  size_t worst_heap = 0;
  for (long r = 0; r < runs; ++r) {
    if (r % 10000 == 0) {
      session.reset();
      model = load_memory(bytes);
      ASSERT_TRUE(model.ok()) << model.error;
    }
    if (r % 1000 == 0) {
      // One-thread sessions (a pool's spinning workers make a busy two-core CI
      // machine crawl), and beside each a two-thread one started and stopped idle.
      session = make_session(model.model.get(), 1);
      ASSERT_NE(session, nullptr);
      ASSERT_NE(make_session(model.model.get(), 2), nullptr);
    }
    const size_t k = static_cast<size_t>(r) % images.size();
    ASSERT_EQ(octet_session_set_input_float(session.get(), 0, images[k].data(), kImage), OCTET_OK);
    ASSERT_EQ(octet_session_invoke(session.get()), OCTET_OK) << octet_session_last_error(session.get());
    ASSERT_EQ(octet_session_get_output_float(session.get(), 0, got.data(), got.size()), OCTET_OK);
    if (want[k].empty()) want[k] = got;
    ASSERT_EQ(got, want[k]) << "run " << r;
    if (r + 1 == warmup) {
      hwm_warm = status_kb("VmHWM");
      rss_warm = status_kb("VmRSS");
      heap_warm = heap_in_use();
    } else if (r + 1 > warmup && ((r + 1) % 10000 == 0 || r + 1 == runs)) {
      const long hwm = status_kb("VmHWM");
      const size_t heap = heap_in_use();
      worst_hwm = std::max(worst_hwm, hwm - hwm_warm);
      worst_heap = std::max(worst_heap, heap > heap_warm ? heap - heap_warm : 0);
    }
  }
  session.reset();
  model = Loaded();
  const long hwm_end = status_kb("VmHWM"), rss_end = status_kb("VmRSS");
  std::printf("soak: %ld inferences; after %ld: VmHWM %ld kB, VmRSS %ld kB, heap %zu B; end: VmHWM %ld kB, VmRSS %ld kB; "
              "largest growth after warm-up: VmHWM %ld kB, heap %zu B\n",
              runs, warmup, hwm_warm, rss_warm, heap_warm, hwm_end, rss_end, worst_hwm, worst_heap);
#ifndef OCTET_SOAK_UNDER_SANITIZER
  // Under qemu-user (scripts/qemu-run.sh sets OCTET_EMULATED) /proc/self/status is
  // the emulator's, whose translation cache grows as it meets new code: only the
  // guest's heap is measured there.
  if (std::getenv("OCTET_EMULATED") == nullptr) {
    ASSERT_GT(hwm_warm, 0) << "no VmHWM in /proc/self/status";
    EXPECT_LE(worst_hwm, 1024) << "peak RSS grew by " << worst_hwm << " kB after the warm-up";
  } else {
    std::printf("soak: emulated; the RSS figures are the emulator's and are not checked\n");
  }
  EXPECT_LE(worst_heap, size_t{64} << 10) << "the heap grew by " << worst_heap << " bytes after the warm-up";
#endif
}

}  // namespace
}  // namespace octet_test

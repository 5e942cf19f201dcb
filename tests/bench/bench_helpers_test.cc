// The helpers of octet-bench: CPU lists, statistics, JSON strings.
#include <gtest/gtest.h>

#include "benchmarks/bench/cpus.h"
#include "benchmarks/bench/json_writer.h"
#include "benchmarks/bench/stats.h"

namespace octet::bench {
namespace {

TEST(CpuList, ParsesSinglesAndRanges) {
  std::vector<int> cpus;
  std::string err;
  ASSERT_TRUE(parse_cpu_list("0,2-3", &cpus, &err)) << err;
  EXPECT_EQ(cpus, (std::vector<int>{0, 2, 3}));
  ASSERT_TRUE(parse_cpu_list("5,1-2,2", &cpus, &err)) << err;
  EXPECT_EQ(cpus, (std::vector<int>{1, 2, 5}));
}

TEST(CpuList, RejectsMalformedLists) {
  std::vector<int> cpus;
  std::string err;
  for (const char* bad : {"", ",", "a", "1,", "3-1", "-1", "1-", "2000", "1--2", "0x1"}) {
    EXPECT_FALSE(parse_cpu_list(bad, &cpus, &err)) << "'" << bad << "'";
    EXPECT_FALSE(err.empty());
  }
}

TEST(Stats, SummarizesKnownValues) {
  const Stats s = summarize({4, 1, 3, 2, 5});
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_DOUBLE_EQ(s.p90, 4.6);
  EXPECT_NEAR(s.stddev, 1.41421356, 1e-6);
  const Stats e = summarize({});
  EXPECT_EQ(e.median, 0);
}

TEST(Json, EscapesStrings) {
  EXPECT_EQ(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(json_string(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(json_number(1.0 / 0.0), "null");
}

}  // namespace
}  // namespace octet::bench

#include "benchmarks/bench/cpus.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace octet::bench {

namespace {

constexpr int kMaxCpu = 1023;

bool parse_cpu(const std::string& s, int* v) {
  if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  *v = std::atoi(s.c_str());
  return *v <= kMaxCpu;
}

}  // namespace

bool parse_cpu_list(const std::string& text, std::vector<int>* cpus, std::string* error) {
  std::vector<int> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const size_t dash = item.find('-');
    int lo = 0, hi = 0;
    const bool ok = dash == std::string::npos ? parse_cpu(item, &lo) && parse_cpu(item, &hi)
                                              : parse_cpu(item.substr(0, dash), &lo) && parse_cpu(item.substr(dash + 1), &hi);
    if (!ok || lo > hi) {
      *error = "bad CPU list '" + text + "' (expected e.g. 0,2-3 with CPUs in [0, " + std::to_string(kMaxCpu) + "])";
      return false;
    }
    for (int c = lo; c <= hi; ++c) out.push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  *cpus = out;
  return true;
}

bool set_affinity(const std::vector<int>& cpus, std::string* error) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    *error = "cannot pin to the CPUs given with --cpus: " + std::string(std::strerror(errno));
    return false;
  }
  return true;
}

std::vector<int> current_affinity() {
  std::vector<int> out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

}  // namespace octet::bench

// --cpus: a CPU list ("0,2-3") and pinning the process to it.
#pragma once

#include <string>
#include <vector>

namespace octet::bench {

// Parses "0,2-3" into {0, 2, 3} (sorted, unique). false with a message on a
// malformed list, a reversed range or a CPU number outside [0, 1023].
bool parse_cpu_list(const std::string& text, std::vector<int>* cpus, std::string* error);

// Pins the calling thread (and so every thread created after it: the session's
// thread pool) to cpus with sched_setaffinity. false with a message on failure.
bool set_affinity(const std::vector<int>& cpus, std::string* error);

// The CPUs the calling thread may run on now.
std::vector<int> current_affinity();

}  // namespace octet::bench

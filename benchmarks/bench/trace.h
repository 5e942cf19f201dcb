// --trace: one profiled run as a Chrome trace (Trace Event Format, "X" complete
// events in microseconds), viewable in Perfetto or chrome://tracing.
#pragma once

#include <string>
#include <vector>

#include "benchmarks/bench/engine.h"

namespace octet::bench {

// Writes {"traceEvents":[...]}: one event per operator of `ops`, on one thread.
bool write_chrome_trace(const std::string& path, const std::string& engine, const std::vector<OperatorProfile>& ops,
                        std::string* error);

}  // namespace octet::bench

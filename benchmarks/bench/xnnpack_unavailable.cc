// The XNNPACK factory of a build without XNNPACK (libxnnpack-dev not installed):
// --engine xnnpack says so instead of pretending.
#include "benchmarks/bench/engine.h"

namespace octet::bench {

std::unique_ptr<Engine> create_xnnpack_engine(const std::string&, const EngineOptions&, std::string* error) {
  *error = "--engine xnnpack: this build has no XNNPACK (install libxnnpack-dev and reconfigure)";
  return nullptr;
}

}  // namespace octet::bench

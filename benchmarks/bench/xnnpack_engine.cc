// XNNPACK engine: the .octet model's operators through XNNPACK's quantized
// operators. Not written yet: the factory says so instead of pretending.
#include "benchmarks/bench/engine.h"

namespace octet::bench {

std::unique_ptr<Engine> create_xnnpack_engine(const std::string&, const EngineOptions&, std::string* error) {
  *error = "--engine xnnpack is not implemented yet in this build";
  return nullptr;
}

}  // namespace octet::bench

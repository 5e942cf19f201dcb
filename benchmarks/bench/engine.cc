// The engine registry: a name on the command line to a factory.
#include "benchmarks/bench/engine.h"

#include "benchmarks/bench/octet_engine.h"

namespace octet::bench {

std::unique_ptr<Engine> create_engine(const std::string& engine, const std::string& model_path,
                                      const EngineOptions& options, std::string* error) {
  if (engine == "octet") return create_octet_engine(model_path, options, error);
  if (engine == "xnnpack") return create_xnnpack_engine(model_path, options, error);
  *error = "unknown engine '" + engine + "' (octet, xnnpack)";
  return nullptr;
}

}  // namespace octet::bench

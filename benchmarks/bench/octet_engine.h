// The octet engine: a .octet model through octet's public C API, one session.
#pragma once

#include <memory>
#include <string>

#include "benchmarks/bench/engine.h"

namespace octet::bench {

std::unique_ptr<Engine> create_octet_engine(const std::string& model_path, const EngineOptions& options,
                                            std::string* error);

}  // namespace octet::bench

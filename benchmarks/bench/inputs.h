// Input data for a benchmark: from files (--input [NAME=]FILE, .npy or raw
// float32) or pseudo-random in [-1, 1] with a fixed seed.
#pragma once

#include <string>
#include <vector>

#include "benchmarks/bench/engine.h"

namespace octet::bench {

// One float vector per input of `inputs`, in the engine's float layout.
// `args` are the --input values: "FILE" is input 0, "NAME=FILE" the named one.
// false with a message when a name is unknown, an input is given twice or a
// file cannot be read or has the wrong shape.
bool make_inputs(const std::vector<TensorDesc>& inputs, const std::vector<std::string>& args,
                 std::vector<std::vector<float>>* data, std::string* error);

}  // namespace octet::bench

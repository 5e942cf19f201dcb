// A small JSON writer (objects, arrays, strings, numbers, null) for the --json
// record and the --trace file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace octet::bench {

// A JSON string literal, quotes included, with control characters escaped.
std::string json_string(const std::string& s);
// A finite number as JSON (non-finite values become null).
std::string json_number(double v);
std::string json_int_array(const std::vector<int64_t>& v);

}  // namespace octet::bench

#include "benchmarks/bench/trace.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "benchmarks/bench/json_writer.h"

namespace octet::bench {

bool write_chrome_trace(const std::string& path, const std::string& engine, const std::vector<OperatorProfile>& ops,
                        std::string* error) {
  std::ofstream f(path);
  if (!f) {
    *error = path + ": cannot write the trace: " + std::strerror(errno);
    return false;
  }
  f << "{\"traceEvents\":[\n";
  f << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":" << json_string(engine + " invoke")
    << "}}";
  for (size_t i = 0; i < ops.size(); ++i) {
    const OperatorProfile& op = ops[i];
    f << ",\n{\"name\":" << json_string(op.name.empty() ? op.type : op.name) << ",\"cat\":" << json_string(op.type)
      << ",\"ph\":\"X\",\"ts\":" << json_number(static_cast<double>(op.start_ns) / 1e3)
      << ",\"dur\":" << json_number(static_cast<double>(op.time_ns) / 1e3) << ",\"pid\":1,\"tid\":1,\"args\":{\"index\":" << i
      << ",\"type\":" << json_string(op.type) << ",\"kernel\":" << json_string(op.kernel)
      << ",\"shape\":" << json_string(json_int_array(op.shape)) << ",\"macs\":" << op.macs << "}}";
  }
  f << "\n],\"displayTimeUnit\":\"ms\"}\n";
  f.close();
  if (!f) {
    *error = path + ": cannot write the trace";
    return false;
  }
  return true;
}

}  // namespace octet::bench

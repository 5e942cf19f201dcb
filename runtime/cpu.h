// The CPU, detected once (cpuinfo) and immutable afterwards. Nothing else in
// octet calls cpuinfo; the kernel table of the SIMD issues is chosen from this.
#pragma once

#include <string>

namespace octet::rt {

struct CpuFeatures {
  bool initialized = false;  // cpuinfo could read the CPU
  bool x86_avx2 = false, x86_avx512f = false, x86_avx512bw = false, x86_avx512vnni = false;
  bool arm_neon = false, arm_neon_dot = false;
  std::string name;         // e.g. "AMD EPYC"
  std::string description;  // one line: name, features, kernel path in use
};

const CpuFeatures& cpu_features();

}  // namespace octet::rt

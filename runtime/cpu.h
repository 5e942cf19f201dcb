// The CPU, detected once (cpuinfo) and immutable afterwards, and the kernel path
// chosen from it. Nothing else in octet calls cpuinfo.
#pragma once

#include <string>

#include "kernels/kernel-path.h"
#include "runtime/status.h"

namespace octet::rt {

struct CpuFeatures {
  bool initialized = false;  // cpuinfo could read the CPU
  bool x86_avx2 = false, x86_avx512f = false, x86_avx512bw = false, x86_avx512vl = false,
       x86_avx512vnni = false, x86_avxvnni = false, x86_avx512vbmi = false;
  bool arm_neon = false, arm_neon_dot = false, arm_i8mm = false;
  std::string name;         // e.g. "AMD EPYC"
  std::string description;  // one line: name, features, best kernel path, any override
  KernelPath best = KernelPath::kReference;  // the best path this CPU and build run
  // OCTET_KERNEL_PATH, read once: the path models load with unless told otherwise.
  // Empty when unset.
  std::string env_path;
};

const CpuFeatures& cpu_features();

// True when this CPU and build can run the path.
bool kernel_path_supported(KernelPath path);

// The path a model loads with: `requested` (a path name, or null/empty for the
// default), else OCTET_KERNEL_PATH, else the best path. A name that is not a path,
// or a path this CPU cannot run, is an error naming where it came from.
Status resolve_kernel_path(const char* requested, KernelPath* out);

}  // namespace octet::rt

#include "runtime/cpu.h"

#include <cpuinfo.h>

namespace octet::rt {

namespace {

CpuFeatures detect() {
  CpuFeatures f;
  f.initialized = cpuinfo_initialize();
  if (f.initialized) {
    f.x86_avx2 = cpuinfo_has_x86_avx2();
    f.x86_avx512f = cpuinfo_has_x86_avx512f();
    f.x86_avx512bw = cpuinfo_has_x86_avx512bw();
    f.x86_avx512vnni = cpuinfo_has_x86_avx512vnni();
    f.arm_neon = cpuinfo_has_arm_neon();
    f.arm_neon_dot = cpuinfo_has_arm_neon_dot();
    const cpuinfo_package* p = cpuinfo_get_package(0);
    if (p != nullptr) f.name = p->name;
  }
  std::string d = f.initialized ? (f.name.empty() ? "unknown CPU" : f.name) : "CPU not detected";
  d += ":";
  const std::pair<bool, const char*> feats[] = {{f.x86_avx2, "avx2"}, {f.x86_avx512f, "avx512f"}, {f.x86_avx512bw, "avx512bw"},
                                                {f.x86_avx512vnni, "avx512vnni"}, {f.arm_neon, "neon"}, {f.arm_neon_dot, "dotprod"}};
  for (const auto& [has, name] : feats) {
    if (has) d += std::string(" ") + name;
  }
  // Only the reference kernels exist so far; the SIMD issues add paths here.
  d += "; kernels: reference";
  f.description = d;
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();  // thread-safe, once
  return features;
}

}  // namespace octet::rt

#include "runtime/cpu.h"

#include <cpuinfo.h>

#include <cstdlib>

#include "kernels/kernel-table.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace octet::rt {

namespace {

// AVX-VNNI (CPUID.(EAX=7,ECX=1):EAX[4]) postdates Debian 12's cpuinfo; it uses the
// AVX register state cpuinfo already checked for AVX2.
bool x86_has_avxvnni() {
#if defined(__x86_64__) || defined(_M_X64)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  return (eax >> 4) & 1;
#else
  return false;
#endif
}

// i8mm (smmla) postdates Debian 12's cpuinfo: Linux reports it in AT_HWCAP2.
bool arm64_has_i8mm() {
#if defined(__aarch64__) && defined(__linux__)
  constexpr unsigned long kHwcap2I8mm = 1UL << 13;  // HWCAP2_I8MM, asm/hwcap.h
  return (getauxval(AT_HWCAP2) & kHwcap2I8mm) != 0;
#else
  return false;
#endif
}

bool supported(const CpuFeatures& f, KernelPath p) {
  if (!kernel_path_built(p)) return false;
  const bool avx512 = f.x86_avx512f && f.x86_avx512bw && f.x86_avx512vl;
  switch (p) {
    case KernelPath::kReference: return true;
    case KernelPath::kAvx2: return f.x86_avx2;
    case KernelPath::kAvx512bw: return avx512;
    case KernelPath::kAvxVnni: return f.x86_avx2 && f.x86_avxvnni;
    case KernelPath::kAvx512vnni: return avx512 && f.x86_avx512vnni;
    case KernelPath::kNeon: return f.arm_neon;
    case KernelPath::kNeonDot: return f.arm_neon && f.arm_neon_dot;
    case KernelPath::kNeonI8mm: return f.arm_neon && f.arm_neon_dot && f.arm_i8mm;
  }
  return false;
}

CpuFeatures detect() {
  CpuFeatures f;
  f.initialized = cpuinfo_initialize();
  if (f.initialized) {
    f.x86_avx2 = cpuinfo_has_x86_avx2();
    f.x86_avx512f = cpuinfo_has_x86_avx512f();
    f.x86_avx512bw = cpuinfo_has_x86_avx512bw();
    f.x86_avx512vl = cpuinfo_has_x86_avx512vl();
    f.x86_avx512vnni = cpuinfo_has_x86_avx512vnni();
    f.x86_avx512vbmi = cpuinfo_has_x86_avx512vbmi();
    f.x86_avxvnni = f.x86_avx2 && x86_has_avxvnni();
    f.arm_neon = cpuinfo_has_arm_neon();
    f.arm_neon_dot = cpuinfo_has_arm_neon_dot();
    f.arm_i8mm = arm64_has_i8mm();
    const cpuinfo_package* p = cpuinfo_get_package(0);
    if (p != nullptr) f.name = p->name;
  }
  for (int i = 0; i < kKernelPathCount; ++i) {
    if (supported(f, static_cast<KernelPath>(i))) f.best = static_cast<KernelPath>(i);
  }
  if (const char* env = std::getenv("OCTET_KERNEL_PATH")) f.env_path = env;
  std::string d = f.initialized ? (f.name.empty() ? "unknown CPU" : f.name) : "CPU not detected";
  d += ":";
  const std::pair<bool, const char*> feats[] = {
      {f.x86_avx2, "avx2"},         {f.x86_avx512f, "avx512f"},       {f.x86_avx512bw, "avx512bw"},
      {f.x86_avx512vl, "avx512vl"}, {f.x86_avx512vnni, "avx512vnni"}, {f.x86_avxvnni, "avxvnni"},
      {f.x86_avx512vbmi, "avx512vbmi"}, {f.arm_neon, "neon"},          {f.arm_neon_dot, "dotprod"},
      {f.arm_i8mm, "i8mm"}};
  for (const auto& [has, name] : feats) {
    if (has) d += std::string(" ") + name;
  }
  d += std::string("; kernels: ") + kernel_path_name(f.best);
  if (!f.env_path.empty()) d += " (OCTET_KERNEL_PATH=" + f.env_path + ")";
  f.description = d;
  return f;
}

Status check_path(const char* name, const char* source, KernelPath* out) {
  KernelPath p;
  if (!parse_kernel_path(name, &p)) {
    return Error(OCTET_INVALID_ARGUMENT) << source << " '" << name << "' is not a kernel path (" << kKernelPathList << ")";
  }
  if (!kernel_path_supported(p)) {
    return Error(OCTET_UNSUPPORTED) << source << " '" << name << "': this CPU or build cannot run it (best: "
                                    << kernel_path_name(cpu_features().best) << ")";
  }
  *out = p;
  return Status::Ok();
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();  // thread-safe, once
  return features;
}

bool kernel_path_supported(KernelPath path) { return supported(cpu_features(), path); }

Status resolve_kernel_path(const char* requested, KernelPath* out) {
  if (requested != nullptr && requested[0] != '\0') return check_path(requested, "kernel path", out);
  const CpuFeatures& f = cpu_features();
  if (!f.env_path.empty()) return check_path(f.env_path.c_str(), "OCTET_KERNEL_PATH", out);
  *out = f.best;
  return Status::Ok();
}

}  // namespace octet::rt

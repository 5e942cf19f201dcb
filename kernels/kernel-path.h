// The kernel paths octet has, best last within each architecture. A path is chosen once per model load
// (runtime/cpu.cc picks the best one this CPU runs; OCTET_KERNEL_PATH or the load
// options can force a lower one) and every operator of the model uses its table.
#pragma once

#include <cstring>

namespace octet {

enum class KernelPath : int {
  kReference = 0,  // scalar C++: the specification (kernels/reference/)
  kAvx2 = 1,       // x86: AVX2, 16-bit multiplies (vpmaddwd)
  kAvx512bw = 2,   // x86: AVX-512 F/BW/VL, 16-bit multiplies on 512-bit registers
  kAvxVnni = 3,    // x86: AVX2 + AVX-VNNI (vpdpbusd on 256-bit registers)
  kAvx512vnni = 4, // x86: AVX-512 F/BW/VL + VNNI (vpdpbusd on 512-bit registers)
  kNeon = 5,       // ARM: NEON (AArch64 ARMv8.0, or ARMv7), 8-bit products widened (smull + sadalp)
  kNeonDot = 6,    // AArch64: ARMv8.2 dot product (sdot)
  kNeonI8mm = 7,   // AArch64: ARMv8.6 int8 matrix multiply (smmla)
};

// The number of paths; paths are 0 .. kKernelPathCount - 1.
constexpr int kKernelPathCount = 8;

inline const char* kernel_path_name(KernelPath p) {
  switch (p) {
    case KernelPath::kReference: return "reference";
    case KernelPath::kAvx2: return "avx2";
    case KernelPath::kAvx512bw: return "avx512bw";
    case KernelPath::kAvxVnni: return "avxvnni";
    case KernelPath::kAvx512vnni: return "avx512vnni";
    case KernelPath::kNeon: return "neon";
    case KernelPath::kNeonDot: return "neondot";
    case KernelPath::kNeonI8mm: return "neoni8mm";
  }
  return "?";
}

// Parses a path name as kernel_path_name spells it; false for anything else.
inline bool parse_kernel_path(const char* s, KernelPath* out) {
  for (int i = 0; i < kKernelPathCount; ++i) {
    const auto p = static_cast<KernelPath>(i);
    if (s != nullptr && std::strcmp(s, kernel_path_name(p)) == 0) {
      *out = p;
      return true;
    }
  }
  return false;
}

constexpr const char* kKernelPathList = "reference, avx2, avx512bw, avxvnni, avx512vnni, neon, neondot, neoni8mm";

}  // namespace octet

// Everything an operator may call for one kernel path, filled once per path.
// runtime/cpu.cc chooses the path; operators read the table they were built with.
#pragma once

#include "kernels/f32-conv-config.h"
#include "kernels/kernel-path.h"
#include "kernels/qs8-dwconv-config.h"
#include "kernels/qs8-dwconv1x1-config.h"
#include "kernels/qs8-elementwise-config.h"
#include "kernels/qs8-gemm-config.h"
#include "kernels/qs8-quantize-config.h"
#include "kernels/qs8-winograd-config.h"

namespace octet {

struct KernelTable {
  KernelPath path = KernelPath::kReference;
  QS8GemmConfig gemm;
  QS8GemmConfig gemm_int16;  // int16 weights: products of two activations
  QS8DwConvConfig dwconv;
  QS8ElementwiseConfig elementwise;
  QS8QuantizeConfig quantize;
  QS8DwConv1x1Config dwconv1x1;
  QS8WinogradConfig winograd;  // 3x3 stride-1 convolutions, where exact
  F32ConvConfig f32conv;       // float Conv2D / FullyConnected
};

// The table of a path (static storage, built on first use, thread-safe). Whether
// the CPU runs the path is the caller's concern (runtime/cpu.h).
const KernelTable& kernel_table(KernelPath path);

// True when this build has the path's kernels (x86 paths on x86-64 builds, neon on
// ARM builds with NEON, neondot and neoni8mm on AArch64 builds).
bool kernel_path_built(KernelPath path);

}  // namespace octet

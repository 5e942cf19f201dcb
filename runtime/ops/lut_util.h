// The table lookup of a kernel path, shared by the operators that reduce to one
// (Unary tables, Requantize, Concat and Resize inputs of another quantization).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel-table.h"
#include "runtime/cpu.h"
#include "runtime/operator.h"

namespace octet::rt {

struct LutKernel {
  x8_lut_fn fn = nullptr;  // null: the path has none (reference path)
  const char* name = nullptr;
};

// The path's lookup, the VBMI one where the path has it and the CPU reports VBMI.
inline LutKernel choose_lut(const KernelTable* k) {
  if (k == nullptr || k->elementwise.lut == nullptr) return {};
  const QS8ElementwiseConfig& e = k->elementwise;
  if (e.lut_vbmi != nullptr && cpu_features().x86_avx512vbmi) return {e.lut_vbmi, e.lut_vbmi_name};
  return {e.lut, e.lut_name};
}

// Elements per parallel task of the element-wise operators.
constexpr size_t kElementwiseTile = 16384;

// y = table[x + 128] over n elements, in tiles on the pool.
inline void run_lut(const ExecContext& ctx, x8_lut_fn fn, size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  parallel_for(ctx.pool, n, kElementwiseTile, [&](size_t b, size_t e) { fn(e - b, x + b, table, y + b); });
}

}  // namespace octet::rt

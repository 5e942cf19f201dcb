// The element-wise, pooling, resize and data-movement kernels of a kernel path
// (filled by the element-wise work).
#pragma once

#include "kernels/kernel-path.h"

namespace octet {

struct QS8ElementwiseConfig {
  const char* name = nullptr;  // null: the path has no SIMD element-wise kernels
};

QS8ElementwiseConfig qs8_elementwise_config(KernelPath path);

}  // namespace octet

// The depthwise convolution kernels of a kernel path (filled by the depthwise work).
#pragma once

#include "kernels/kernel-path.h"

namespace octet {

struct QS8DwConvConfig {
  const char* name = nullptr;  // null: the path has no SIMD depthwise kernel
};

QS8DwConvConfig qs8_dwconv_config(KernelPath path);

}  // namespace octet

#include "kernels/qs8-dwconv-config.h"

namespace octet {

QS8DwConvConfig qs8_dwconv_config(KernelPath) { return {}; }

}  // namespace octet

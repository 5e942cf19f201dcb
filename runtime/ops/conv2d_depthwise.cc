// Depthwise int8 convolution on the SIMD paths (filled by the depthwise work).
#include "runtime/ops/conv2d_simd.h"

namespace octet::rt {

Status create_conv2d_depthwise(const OpBuildContext&, const QS8ConvParams&, std::unique_ptr<Operator>*) {
  return Status::Ok();
}

}  // namespace octet::rt

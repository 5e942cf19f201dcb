// requantize-neon.h's rule for one multiplier shared by every lane (element-wise,
// pooling and resize kernels): y = Z + round(acc * m0 * 2^-shift), saturated to
// int32, exactly kernels/reference/requantize.h. On AArch64 the high pair of lanes
// is multiplied with smull2: GCC 12 does not fold vget_high into smull there and
// would move each high half out first. Include only from NEON files; internal
// linkage throughout.
#pragma once

#include <arm_neon.h>

#include <cstdint>

#include "kernels/arm/requantize-neon.h"

namespace octet {
namespace {

struct RequantUniformNeon {
  int32x4_t m0;
  int64x2_t nshift;  // -shift
};

inline RequantUniformNeon requant_uniform_neon(int32_t m0, int32_t shift) {
  RequantUniformNeon r;
  r.m0 = vdupq_n_s32(m0);
  r.nshift = vdupq_n_s64(-int64_t{shift});
  return r;
}

inline int32x4_t requant_uniform_neon(int32x4_t acc, const RequantUniformNeon& r, const RequantOutNeon& o) {
#if defined(__aarch64__)
  const int64x2_t hi = vrshlq_s64(vmull_high_s32(acc, r.m0), r.nshift);
  const int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(r.m0)), r.nshift);
  return vqaddq_s32(vqmovn_high_s64(vqmovn_s64(lo), hi), o.zp);
#else
  const int64x2_t hi = vrshlq_s64(vmull_s32(vget_high_s32(acc), vget_high_s32(r.m0)), r.nshift);
  const int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(r.m0)), r.nshift);
  return vqaddq_s32(vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi)), o.zp);
#endif
}

}  // namespace
}  // namespace octet

// requantize-avx2.h's lanes for one multiplier shared by every lane, built from
// scalars (no store to memory and reload, which stalls store forwarding and costs
// more than a short kernel call). Include only from files compiled with -mavx2;
// internal linkage like requantize-avx2.h.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/x86/requantize-avx2.h"

namespace octet {
namespace {

inline RequantLanesAvx2 requant_lanes_uniform_avx2(int32_t m0, int32_t shift) {
  RequantLanesAvx2 r;
  // vpmuldq reads the low 32 bits of each 64-bit lane (sign-extended).
  r.m0_even = r.m0_odd = _mm256_set1_epi64x(m0);
  r.sh_even = r.sh_odd = _mm256_set1_epi64x(shift);
  r.add_even = r.add_odd = _mm256_set1_epi64x((int64_t{1} << (shift - 1)) + (int64_t{1} << 62));
  r.sub_even = r.sub_odd = _mm256_set1_epi64x(int64_t{1} << (62 - shift));
  return r;
}

}  // namespace
}  // namespace octet

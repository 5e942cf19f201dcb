// requantize-avx512.h's lanes for one multiplier shared by every lane, built from
// scalars (no store to memory and reload, which stalls store forwarding and costs
// more than a short kernel call). Include only from files compiled with -mavx512f;
// internal linkage like requantize-avx512.h.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/x86/requantize-avx512.h"

namespace octet {
namespace {

inline RequantLanesAvx512 requant_lanes_uniform_avx512(int32_t m0, int32_t shift) {
  RequantLanesAvx512 r;
  // vpmuldq reads the low 32 bits of each 64-bit lane (sign-extended).
  r.m0_even = r.m0_odd = _mm512_set1_epi64(m0);
  r.sh_even = r.sh_odd = _mm512_set1_epi64(shift);
  r.rnd_even = r.rnd_odd = _mm512_set1_epi64(int64_t{1} << (shift - 1));
  return r;
}

}  // namespace
}  // namespace octet

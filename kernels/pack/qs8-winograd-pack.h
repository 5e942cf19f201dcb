#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/pack/qs8-winograd-layout.h"

namespace octet {

// The largest |4 Y| a 3x3 layer can reach in the Winograd domain: 4 * max|x - Z| *
// max over output channels of sum |w| (weights k x 3 x 3 x c, OHWI). The layer runs
// exactly in Winograd F(2,3) when this is at most 2^31 - 1 (qs8-winograd-layout.h).
int64_t qs8_winograd_f23_bound(size_t k, size_t c, const int8_t* w, int32_t input_zero_point);

inline bool qs8_winograd_f23_exact(size_t k, size_t c, const int8_t* w, int32_t input_zero_point) {
  return qs8_winograd_f23_bound(k, c, w, input_zero_point) <= (int64_t{1} << 31) - 1;
}

// U' = G' g G'^T of every (output, input) channel pair of OHWI 3x3 weights, written
// in `layout`: out holds layout.packed_elements(layout.channels(c), k) int16 values.
void qs8_winograd_f23_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out);

}  // namespace octet

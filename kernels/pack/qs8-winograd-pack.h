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

// Stride 2: max|x - Z| * max over output channels of sum |w|; exact when at most
// 2^31 - 1 (no factor 4: the f23s2 form does not scale).
inline bool qs8_winograd_f23s2_exact(size_t k, size_t c, const int8_t* w, int32_t input_zero_point) {
  return qs8_winograd_f23_bound(k, c, w, input_zero_point) / 4 <= (int64_t{1} << 31) - 1;
}

// U' = G' g G'^T of every (output, input) channel pair of OHWI 3x3 weights, written
// in `layout`: out holds layout.packed_elements(layout.channels(c), k) int16 values.
void qs8_winograd_f23_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out);
// The same for the stride-2 form: U = G2 g G2^T, G2 = [1 0 0; 1 0 1; 0 0 1; 0 1 0].
void qs8_winograd_f23s2_pack(const QS8WinogradLayout& layout, size_t k, size_t c, const int8_t* w, int16_t* out);

}  // namespace octet

// Packs depthwise weights (OHWI with I = 1: w[c][ky][kx]), bias and per-channel
// requantization into the blocks of kernels/pack/qs8-dwconv-layout.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/pack/qs8-dwconv-layout.h"

namespace octet {

// bias may be null (zero). m0/shift hold `channels` entries when per_channel, else one.
// out: layout.packed_bytes(channels) bytes, 64-byte aligned.
void qs8_dwconv_pack(const QS8DwConvLayout& layout, size_t channels, const int8_t* weights, const int32_t* bias,
                     int32_t input_zero_point, const int32_t* m0, const int32_t* shift, bool per_channel, void* out);

}  // namespace octet

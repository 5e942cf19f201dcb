#include "kernels/pack/qs8-dwconv-pack.h"

#include <cstring>

namespace octet {

void qs8_dwconv_pack(const QS8DwConvLayout& l, size_t channels, const int8_t* weights, const int32_t* bias,
                     int32_t input_zero_point, const int32_t* m0, const int32_t* shift, bool per_channel, void* out) {
  const size_t taps = static_cast<size_t>(l.kernel_h) * l.kernel_w;
  const size_t tile = static_cast<size_t>(l.tile);
  auto* block = static_cast<uint8_t*>(out);
  std::memset(block, 0, l.packed_bytes(channels));
  for (size_t c0 = 0; c0 < channels; c0 += tile, block += l.block_bytes()) {
    auto* b = reinterpret_cast<int32_t*>(block);
    auto* w16 = reinterpret_cast<int16_t*>(block + l.header_bytes());
    auto* w8 = reinterpret_cast<int8_t*>(block + l.header_bytes());
    for (size_t p = 0; p < tile; ++p) {
      // Lanes past the last channel repeat a valid one (the kernels mask them off).
      // In a 64-channel tile whose block holds at most 32 channels, lanes 32-63
      // repeat lanes 0-31: the kernel puts a second output pixel there.
      size_t local = static_cast<size_t>(l.channel_of(static_cast<int>(p)));
      if (tile == 64 && local >= 32 && channels - c0 <= 32) local -= 32;
      const size_t c = c0 + local < channels ? c0 + local : channels - 1;
      b[tile + p] = m0[per_channel ? c : 0];
      b[2 * tile + p] = shift[per_channel ? c : 0];
      const int8_t* wc = weights + c * taps;
      uint32_t sum = 0;
      for (size_t t = 0; t < taps; ++t) sum += static_cast<uint32_t>(static_cast<int32_t>(wc[t]));
      b[p] = static_cast<int32_t>(static_cast<uint32_t>(bias != nullptr ? bias[c] : 0) -
                                  static_cast<uint32_t>(input_zero_point + l.input_offset()) * sum);
      for (int j = 0; j < l.row_groups(); ++j) {
        for (int kx = 0; kx < l.kernel_w; ++kx) {
          const size_t lane = (static_cast<size_t>(j) * l.kernel_w + kx) * tile + p;
          for (int t = 0; t < l.taps; ++t) {
            const int ky = l.taps * j + t;
            const int8_t v = ky < l.kernel_h ? wc[static_cast<size_t>(ky) * l.kernel_w + kx] : 0;
            if (l.taps == 1) {
              w16[lane] = v;
            } else if (l.taps == 2) {
              w16[lane * 2 + t] = v;
            } else {
              w8[lane * 4 + t] = v;
            }
          }
        }
      }
    }
  }
}

}  // namespace octet

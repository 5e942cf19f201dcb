// y = table[x + 128], 4 bytes per step: one word loaded, four byte lookups, one word
// stored. Bytes are taken out and put back with the same shifts, so the result does
// not depend on the byte order.
#include "kernels/common/x8-lut-4-scalar.h"

#include <cstring>

namespace octet {

void x8_lut_4__scalar(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const uint8_t* t = reinterpret_cast<const uint8_t*>(table);
  for (; n >= 4; n -= 4, x += 4, y += 4) {
    uint32_t w;
    std::memcpy(&w, x, 4);
    w ^= 0x80808080u;  // x + 128 in each byte
    const uint32_t r = uint32_t{t[w & 0xFF]} | uint32_t{t[(w >> 8) & 0xFF]} << 8 |
                       uint32_t{t[(w >> 16) & 0xFF]} << 16 | uint32_t{t[w >> 24]} << 24;
    std::memcpy(y, &r, 4);
  }
  for (; n != 0; --n, ++x, ++y) *y = table[int32_t{*x} + 128];
}

}  // namespace octet

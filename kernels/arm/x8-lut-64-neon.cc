// y = table[x + 128], 64 bytes per step, AArch64 NEON. tbl / tbx look up 64 entries
// (four q registers) and treat an index of 64 or more as out of range: tbl gives 0
// there, tbx leaves the destination byte alone. The input byte read as unsigned, u,
// indexes a table rotated by 128 (u < 128 is x >= 0, entry x + 128), so the blocks
// are table[128..191], [192..255], [0..63], [64..127], looked up with u, u - 64,
// u - 128 and u - 192 (mod 256): each u is in range for exactly one block. The
// subtractions are independent; the 16 table registers stay loaded.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8-elementwise-arm.h"

namespace octet {

namespace {

// The four blocks are passed as four values, not a struct or array: GCC 12 then keeps
// them in v16-v31 instead of reloading them from the stack on every step.
inline int8x16_t lookup(int8x16x4_t t0, int8x16x4_t t1, int8x16x4_t t2, int8x16x4_t t3, int8x16_t x) {
  const uint8x16_t u = vreinterpretq_u8_s8(x);
  int8x16_t y = vqtbl4q_s8(t0, u);
  y = vqtbx4q_s8(y, t1, vsubq_u8(u, vdupq_n_u8(64)));
  y = vqtbx4q_s8(y, t2, vsubq_u8(u, vdupq_n_u8(128)));
  return vqtbx4q_s8(y, t3, vsubq_u8(u, vdupq_n_u8(192)));
}

}  // namespace

void x8_lut_64__neon(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const int8x16x4_t t0 = vld1q_s8_x4(table + 128), t1 = vld1q_s8_x4(table + 192);
  const int8x16x4_t t2 = vld1q_s8_x4(table), t3 = vld1q_s8_x4(table + 64);
  for (; n >= 64; n -= 64, x += 64, y += 64) {
    const int8x16_t v0 = vld1q_s8(x), v1 = vld1q_s8(x + 16), v2 = vld1q_s8(x + 32), v3 = vld1q_s8(x + 48);
    vst1q_s8(y, lookup(t0, t1, t2, t3, v0));
    vst1q_s8(y + 16, lookup(t0, t1, t2, t3, v1));
    vst1q_s8(y + 32, lookup(t0, t1, t2, t3, v2));
    vst1q_s8(y + 48, lookup(t0, t1, t2, t3, v3));
  }
  for (; n >= 16; n -= 16, x += 16, y += 16) vst1q_s8(y, lookup(t0, t1, t2, t3, vld1q_s8(x)));
  if (n != 0) {
    int8_t buf[16] = {};
    std::memcpy(buf, x, n);
    vst1q_s8(buf, lookup(t0, t1, t2, t3, vld1q_s8(buf)));
    std::memcpy(y, buf, n);
  }
}

}  // namespace octet

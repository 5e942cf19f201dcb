// y = table[x + 128], 64 bytes per step, AArch64 NEON. tbl / tbx look up 64 entries
// (four q registers) and treat an index of 64 or more as out of range: tbl gives 0
// there, tbx leaves the destination byte alone. The input byte read as unsigned, u,
// indexes a table rotated by 128 (u < 128 is x >= 0, entry x + 128), so the blocks
// are table[128..191], [192..255], [0..63], [64..127], looked up with u, u - 64,
// u - 128 and u - 192 (mod 256): each u is in range for exactly one block. The four
// subtractions are independent and the 16 table registers stay loaded.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8-elementwise-arm.h"

namespace octet {

namespace {

struct Tables {
  int8x16x4_t t[4];
};

inline int8x16x4_t load_block(const int8_t* p) {
  int8x16x4_t b;
  b.val[0] = vld1q_s8(p);
  b.val[1] = vld1q_s8(p + 16);
  b.val[2] = vld1q_s8(p + 32);
  b.val[3] = vld1q_s8(p + 48);
  return b;
}

inline Tables load_tables(const int8_t* table) {
  Tables r;
  r.t[0] = load_block(table + 128);
  r.t[1] = load_block(table + 192);
  r.t[2] = load_block(table);
  r.t[3] = load_block(table + 64);
  return r;
}

inline int8x16_t lookup(const Tables& tb, int8x16_t x) {
  const uint8x16_t u = vreinterpretq_u8_s8(x);
  int8x16_t y = vqtbl4q_s8(tb.t[0], u);
  y = vqtbx4q_s8(y, tb.t[1], vsubq_u8(u, vdupq_n_u8(64)));
  y = vqtbx4q_s8(y, tb.t[2], vsubq_u8(u, vdupq_n_u8(128)));
  return vqtbx4q_s8(y, tb.t[3], vsubq_u8(u, vdupq_n_u8(192)));
}

}  // namespace

void x8_lut_64__neon(size_t n, const int8_t* x, const int8_t* table, int8_t* y) {
  const Tables tb = load_tables(table);
  for (; n >= 64; n -= 64, x += 64, y += 64) {
    const int8x16_t v0 = vld1q_s8(x), v1 = vld1q_s8(x + 16), v2 = vld1q_s8(x + 32), v3 = vld1q_s8(x + 48);
    vst1q_s8(y, lookup(tb, v0));
    vst1q_s8(y + 16, lookup(tb, v1));
    vst1q_s8(y + 32, lookup(tb, v2));
    vst1q_s8(y + 48, lookup(tb, v3));
  }
  for (; n >= 16; n -= 16, x += 16, y += 16) vst1q_s8(y, lookup(tb, vld1q_s8(x)));
  if (n != 0) {
    int8_t buf[16] = {};
    std::memcpy(buf, x, n);
    vst1q_s8(buf, lookup(tb, vld1q_s8(buf)));
    std::memcpy(y, buf, n);
  }
}

}  // namespace octet

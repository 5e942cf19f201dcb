// int8 GEMM, tile 2 rows x 4 channels, k in runs of 8, ARMv7 NEON (smull + sadalp,
// the arithmetic of qs8-gemm-c8-neon.h): 8 accumulators, so the tile fits ARMv7's 16
// q registers. The accumulators are named variables: GCC keeps an array of them in
// memory on 32-bit ARM and stores it on every iteration.
#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/qs8-gemm-c8-neon.h"

namespace octet {

namespace {

constexpr int kNr = 4;
constexpr QS8GemmLayout kLayout{kNr, false, false, 8};

template <int MR>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutNeon& ro) {
  const int8_t* a0 = a;
  const int8_t* a1 = MR > 1 ? a + a_stride : a;
  int32x4_t acc00 = vdupq_n_s32(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
  int32x4_t acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const int8_t* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
  auto step = [&](int8x8_t x0, int8x8_t x1) __attribute__((always_inline)) {
    const int8x8_t w0 = vld1_s8(w), w1 = vld1_s8(w + 8), w2 = vld1_s8(w + 16), w3 = vld1_s8(w + 24);
    acc00 = vpadalq_s16(acc00, vmull_s8(w0, x0));
    acc01 = vpadalq_s16(acc01, vmull_s8(w1, x0));
    acc02 = vpadalq_s16(acc02, vmull_s8(w2, x0));
    acc03 = vpadalq_s16(acc03, vmull_s8(w3, x0));
    if (MR > 1) {
      acc10 = vpadalq_s16(acc10, vmull_s8(w0, x1));
      acc11 = vpadalq_s16(acc11, vmull_s8(w1, x1));
      acc12 = vpadalq_s16(acc12, vmull_s8(w2, x1));
      acc13 = vpadalq_s16(acc13, vmull_s8(w3, x1));
    }
  };
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 8 * kNr) step(vld1_s8(a0 + k), vld1_s8(a1 + k));
  if (k < kc) step(load_partial8_neon(a0 + k, kc - k), load_partial8_neon(a1 + k, kc - k));
  const RequantLanesNeon rl = requant_lanes_neon(header + kNr, header + 2 * kNr);
  const int32x4_t bias = vld1q_s32(header);
  const size_t n = nc < 4 ? nc : 4;
  const int32x4_t y0 = requant_neon(vaddq_s32(reduce4_neon(acc00, acc01, acc02, acc03), bias), rl, ro);
  store_bytes8_neon(c, requant_pack8_neon(y0, y0, ro), n);
  if (MR > 1) {
    const int32x4_t y1 = requant_neon(vaddq_s32(reduce4_neon(acc10, acc11, acc12, acc13), bias), rl, ro);
    store_bytes8_neon(c + c_stride, requant_pack8_neon(y1, y1, ro), n);
  }
}

}  // namespace

void qs8_gemm_2x4c8__neon(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                          int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 2>(mr, nc, kLayout.block_bytes(kc), w, c,
                           [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                             tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                           });
}

}  // namespace octet

// int8 GEMM, tile 4 rows x 16 channels, k in runs of 8, AArch64 i8mm: one smmla
// multiplies a pair of rows (2 x 8 inputs) by a pair of channels (2 x 8 weights, 16
// contiguous bytes of the kr = 8 layout) into a 2 x 2 block of sums, 32 MACs.
// 2 row pairs x 8 channel pairs = 16 accumulators; each accumulator holds
// {r0 c0, r0 c1, r1 c0, r1 c1} and the rows are taken apart (zip of 64-bit halves)
// before the fused requantization (requantize-neon.h). A missing odd row repeats
// the row before it, and its sums are never stored.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/requantize-neon.h"
#include "kernels/common/qs8-gemm-columns.h"

namespace octet {

namespace {

constexpr int kNr = 16;
constexpr QS8GemmLayout kLayout{kNr, false, false, 8};

inline int8x8_t load_run(const int8_t* p, size_t n) {
  if (n >= 8) return vld1_s8(p);
  int8_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(tmp, p, n);
  return vld1_s8(tmp);
}

template <int MR>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutNeon& ro) {
  constexpr int kRp = (MR + 1) / 2;
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const int8_t* ar[2 * kRp];
  for (int r = 0; r < 2 * kRp; ++r) ar[r] = a + (r < MR ? r : r - 1) * a_stride;
  int32x4_t acc[kRp][8];
  for (int p = 0; p < 8; ++p) {
    const int32x2_t b = vld1_s32(header + 2 * p);
    for (int rp = 0; rp < kRp; ++rp) acc[rp][p] = vcombine_s32(b, b);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
  auto step = [&](const int8x16_t* x) __attribute__((always_inline)) {
    for (int p = 0; p < 8; ++p) {
      const int8x16_t wp = vld1q_s8(w + 16 * p);
      for (int rp = 0; rp < kRp; ++rp) acc[rp][p] = vmmlaq_s32(acc[rp][p], x[rp], wp);
    }
  };
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 8 * 16) {
    int8x16_t x[kRp];
    for (int rp = 0; rp < kRp; ++rp) x[rp] = vcombine_s8(vld1_s8(ar[2 * rp] + k), vld1_s8(ar[2 * rp + 1] + k));
    step(x);
  }
  if (k < kc) {  // the last run meets zero weights beyond kc
    const size_t n = kc - k;
    int8x16_t x[kRp];
    for (int rp = 0; rp < kRp; ++rp) x[rp] = vcombine_s8(load_run(ar[2 * rp] + k, n), load_run(ar[2 * rp + 1] + k, n));
    step(x);
  }
  RequantLanesNeon rl[4];
  for (int q = 0; q < 4; ++q) rl[q] = requant_lanes_neon(header + kNr + 4 * q, header + 2 * kNr + 4 * q);
  for (int rp = 0; rp < kRp; ++rp) {
    int32x4_t y0[4], y1[4];
    for (int q = 0; q < 4; ++q) {
      const int64x2_t lo = vreinterpretq_s64_s32(acc[rp][2 * q]), hi = vreinterpretq_s64_s32(acc[rp][2 * q + 1]);
      y0[q] = requant_neon(vreinterpretq_s32_s64(vzip1q_s64(lo, hi)), rl[q], ro);
      y1[q] = requant_neon(vreinterpretq_s32_s64(vzip2q_s64(lo, hi)), rl[q], ro);
    }
    store_bytes_neon(c + 2 * rp * c_stride, requant_pack16_neon(y0[0], y0[1], y0[2], y0[3], ro), nc);
    if (2 * rp + 1 < MR) {
      store_bytes_neon(c + (2 * rp + 1) * c_stride, requant_pack16_neon(y1[0], y1[1], y1[2], y1[3], ro), nc);
    }
  }
}

}  // namespace

void qs8_gemm_4x16c8__neoni8mm(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                               int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 4>(mr, nc, kLayout.block_bytes(kc), w, c,
                              [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                                tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                              });
}

}  // namespace octet

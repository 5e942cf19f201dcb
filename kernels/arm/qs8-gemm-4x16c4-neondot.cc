// int8 GEMM, tile 4 rows x 16 channels, k in groups of 4, AArch64 dot product: one
// sdot (by lane) multiplies 4 channels' 4 weights by one row's 4 inputs, 16 MACs.
// 16 accumulators; each row's 16 inputs are loaded once per 4 groups and each
// weight vector is used by 4 rows. The input is signed, so the packed bias carries
// -Z sum w (qs8-gemm-layout.h). Requantization is fused (requantize-neon.h).
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8-gemm-arm.h"
#include "kernels/arm/requantize-neon.h"
#include "kernels/common/qs8-gemm-columns.h"

namespace octet {

namespace {

constexpr int kNr = 16;
constexpr QS8GemmLayout kLayout{kNr, false, false, 4};

// The n (<= 4) bytes at p as the low group of a vector, zero beyond.
inline int8x8_t load_group(const int8_t* p, size_t n) {
  int32_t v = 0;
  std::memcpy(&v, p, n);
  return vreinterpret_s8_s32(vdup_n_s32(v));
}

template <int MR>
void tile(size_t nc, size_t kc, const int8_t* a, size_t a_stride, const uint8_t* block, int8_t* c, size_t c_stride,
          const RequantOutNeon& ro) {
  const auto* header = reinterpret_cast<const int32_t*>(block);
  const int8_t* ar[MR];
  int32x4_t acc[MR][4];
  for (int r = 0; r < MR; ++r) {
    ar[r] = a + r * a_stride;
    for (int q = 0; q < 4; ++q) acc[r][q] = vld1q_s32(header + 4 * q);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(block + kLayout.header_bytes());
  size_t k = 0;
  for (; k + 16 <= kc; k += 16, w += 4 * 64) {
    int8x16_t x[MR];
    for (int r = 0; r < MR; ++r) x[r] = vld1q_s8(ar[r] + k);
#define OCTET_GROUP(g)                                                            \
  for (int q = 0; q < 4; ++q) {                                                   \
    const int8x16_t wq = vld1q_s8(w + 64 * g + 16 * q);                           \
    for (int r = 0; r < MR; ++r) acc[r][q] = vdotq_laneq_s32(acc[r][q], wq, x[r], g); \
  }
    OCTET_GROUP(0)
    OCTET_GROUP(1)
    OCTET_GROUP(2)
    OCTET_GROUP(3)
#undef OCTET_GROUP
  }
  for (; k < kc; k += 4, w += 64) {  // the last group meets zero weights beyond kc
    const size_t n = kc - k < 4 ? kc - k : 4;
    int8x8_t x[MR];
    for (int r = 0; r < MR; ++r) x[r] = load_group(ar[r] + k, n);
    for (int q = 0; q < 4; ++q) {
      const int8x16_t wq = vld1q_s8(w + 16 * q);
      for (int r = 0; r < MR; ++r) acc[r][q] = vdotq_lane_s32(acc[r][q], wq, x[r], 0);
    }
  }
  RequantLanesNeon rl[4];
  for (int q = 0; q < 4; ++q) rl[q] = requant_lanes_neon(header + kNr + 4 * q, header + 2 * kNr + 4 * q);
  for (int r = 0; r < MR; ++r) {
    const int8x16_t v = requant_pack16_neon(requant_neon(acc[r][0], rl[0], ro), requant_neon(acc[r][1], rl[1], ro),
                                            requant_neon(acc[r][2], rl[2], ro), requant_neon(acc[r][3], rl[3], ro), ro);
    store_bytes_neon(c + r * c_stride, v, nc);
  }
}

}  // namespace

void qs8_gemm_4x16c4__neondot(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride, const void* w,
                              int8_t* c, size_t c_stride, const QS8GemmOutput& out) {
  const RequantOutNeon ro = requant_out_neon(out.zero_point, out.qmin, out.qmax);
  qs8_gemm_columns<kNr, 4>(mr, nc, kLayout.block_bytes(kc), w, c,
                              [&](auto rows, size_t ncb, const uint8_t* block, int8_t* cb) {
                                tile<decltype(rows)::value>(ncb, kc, a, a_stride, block, cb, c_stride, ro);
                              });
}

}  // namespace octet

#include "kernels/pack/qs8-gemm-pack.h"

#include <cstring>

namespace octet {

void qs8_gemm_pack(const QS8GemmLayout& layout, size_t n, size_t k, const int8_t* w, size_t w_row_stride,
                   const int32_t* bias, int32_t input_zero_point, const int32_t* m0, const int32_t* shift,
                   bool per_channel, void* out) {
  const size_t nr = static_cast<size_t>(layout.nr);
  const size_t groups = layout.groups(k);
  const int32_t correction = layout.u8_input ? 128 + input_zero_point : input_zero_point;
  auto* block = static_cast<uint8_t*>(out);
  for (size_t n0 = 0; n0 < n; n0 += nr, block += layout.block_bytes(k)) {
    std::memset(block, 0, layout.block_bytes(k));
    auto* hb = reinterpret_cast<int32_t*>(block);
    for (size_t j = 0; j < nr; ++j) {
      const size_t c = n0 + j;
      if (c >= n) {
        hb[nr + j] = 0;      // m0: the output of a padding channel is never stored
        hb[2 * nr + j] = 1;  // a valid shift
        continue;
      }
      const int8_t* row = w + c * w_row_stride;
      int64_t sum = 0;
      for (size_t i = 0; i < k; ++i) sum += row[i];
      // Modular int32 arithmetic: see qs8-gemm-layout.h.
      const uint32_t b = static_cast<uint32_t>(bias != nullptr ? bias[c] : 0) -
                         static_cast<uint32_t>(static_cast<int64_t>(correction) * sum);
      hb[j] = static_cast<int32_t>(b);
      hb[nr + j] = m0[per_channel ? c : 0];
      hb[2 * nr + j] = shift[per_channel ? c : 0];
    }
    uint8_t* g = block + layout.header_bytes();
    for (size_t gi = 0; gi < groups; ++gi, g += layout.group_bytes()) {
      for (size_t j = 0; j < nr && n0 + j < n; ++j) {
        const int8_t* row = w + (n0 + j) * w_row_stride;
        const size_t kr = static_cast<size_t>(layout.kr);
        for (size_t q = 0; q < kr; ++q) {
          const size_t kk = gi * kr + q;
          if (kk >= k) break;
          if (layout.int16) {
            // [pair q / 2][channel j][q % 2]
            auto* p = reinterpret_cast<int16_t*>(g);
            p[(q / 2) * nr * 2 + j * 2 + (q % 2)] = row[kk];
          } else {
            reinterpret_cast<int8_t*>(g)[j * kr + q] = row[kk];
          }
        }
      }
    }
  }
}

void qs8_gemm_pack_activation(const QS8GemmLayout& layout, size_t n, size_t k, const int8_t* b, size_t stride_j,
                              size_t stride_i, int32_t b_zero_point, int32_t a_zero_point, int32_t m0,
                              int32_t shift, void* out) {
  const size_t nr = static_cast<size_t>(layout.nr);
  const size_t groups = layout.groups(k);
  auto* block = static_cast<uint8_t*>(out);
  for (size_t n0 = 0; n0 < n; n0 += nr, block += layout.block_bytes(k)) {
    std::memset(block, 0, layout.block_bytes(k));
    auto* hb = reinterpret_cast<int32_t*>(block);
    auto* g = reinterpret_cast<int16_t*>(block + layout.header_bytes());
    for (size_t j = 0; j < nr; ++j) {
      const size_t c = n0 + j;
      hb[nr + j] = c < n ? m0 : 0;
      hb[2 * nr + j] = c < n ? shift : 1;
      if (c >= n) continue;
      int32_t sum = 0;  // |sum| <= 255 * K: the runtime bounds K
      for (size_t i = 0; i < k; ++i) {
        const int32_t w = int32_t{b[c * stride_j + i * stride_i]} - b_zero_point;
        sum += w;
        // group i / 4, pair (i % 4) / 2, channel j, element i % 2
        g[(i / 4) * nr * 4 + ((i % 4) / 2) * nr * 2 + j * 2 + (i % 2)] = static_cast<int16_t>(w);
      }
      hb[j] = -a_zero_point * sum;
    }
    (void)groups;
  }
}

}  // namespace octet

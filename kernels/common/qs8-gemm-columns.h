// The column loop of the GEMM micro-kernels: blocks of NR output channels (the
// packed layout's blocks), each computed by the kernel's tile for the call's row
// count, fixed at compile time (1 .. MR; counts above MR take MR).
//   tile(std::integral_constant<int, ROWS>, columns in the block, block, c + first column)
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace octet {

template <int R, int MR, class F>
inline void qs8_gemm_by_rows(size_t mr, F&& f) {
  if constexpr (R >= MR) {
    f(std::integral_constant<int, MR>());
  } else {
    if (mr <= static_cast<size_t>(R)) {
      f(std::integral_constant<int, R>());
    } else {
      qs8_gemm_by_rows<R + 1, MR>(mr, f);
    }
  }
}

template <int NR, int MR, class Tile>
inline void qs8_gemm_columns(size_t mr, size_t nc, size_t block_bytes, const void* w, int8_t* c, Tile&& tile) {
  const auto* block = static_cast<const uint8_t*>(w);
  for (size_t n = 0; n < nc; n += NR, block += block_bytes, c += NR) {
    const size_t ncb = nc - n < NR ? nc - n : NR;
    qs8_gemm_by_rows<1, MR>(mr, [&](auto rows) { tile(rows, ncb, block, c); });
  }
}

}  // namespace octet

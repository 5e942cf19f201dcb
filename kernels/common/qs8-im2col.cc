#include "kernels/common/qs8-im2col.h"

#include <cstring>

namespace octet {

namespace {

// memcpy of a short run: calls to the library's memcpy cost more than the copy for
// the 3 to 48 bytes of an early layer's taps. Fixed-size pieces inline; the last
// piece overlaps the previous one instead of looping byte by byte.
inline void copy_run(int8_t* dst, const int8_t* src, size_t n) {
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) std::memcpy(dst + i, src + i, 8);
    if (i < n) std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

inline void fill_run(int8_t* dst, int8_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = v;
}

}  // namespace

void qs8_im2col(const ConvShape& s, const int8_t* input, int8_t pad_value, size_t m_begin, size_t m_end,
                int8_t* out, size_t out_stride) {
  const size_t c = static_cast<size_t>(s.in_c);
  const size_t ow = static_cast<size_t>(s.out_w), oh = static_cast<size_t>(s.out_h);
  for (size_t m = m_begin; m < m_end; ++m, out += out_stride) {
    const size_t n = m / (oh * ow), oy = (m / ow) % oh, ox = m % ow;
    int8_t* dst = out;
    for (int ky = 0; ky < s.kernel_h; ++ky) {
      const int iy = static_cast<int>(oy) * s.stride_h - s.pad_top + ky * s.dilation_h;
      const int ix0 = static_cast<int>(ox) * s.stride_w - s.pad_left;
      const size_t row_bytes = static_cast<size_t>(s.kernel_w) * c;
      if (iy < 0 || iy >= s.in_h) {
        fill_run(dst, pad_value, row_bytes);
        dst += row_bytes;
        continue;
      }
      const int8_t* src_row = input + ((n * s.in_h + iy) * static_cast<size_t>(s.in_w)) * c;
      const int ix_last = ix0 + (s.kernel_w - 1) * s.dilation_w;
      if (s.dilation_w == 1 && ix0 >= 0 && ix_last < s.in_w) {
        // The kernel_w taps of this row are contiguous in NHWC.
        copy_run(dst, src_row + static_cast<size_t>(ix0) * c, row_bytes);
        dst += row_bytes;
        continue;
      }
      for (int kx = 0; kx < s.kernel_w; ++kx, dst += c) {
        const int ix = ix0 + kx * s.dilation_w;
        if (ix < 0 || ix >= s.in_w) fill_run(dst, pad_value, c);
        else copy_run(dst, src_row + static_cast<size_t>(ix) * c, c);
      }
    }
  }
}

}  // namespace octet

#include "kernels/common/qs8-im2col.h"

#include <cstring>

namespace octet {

namespace {

// A short run in 8-byte pieces, rounded up: writes up to 7 bytes past n (the caller
// leaves that room and overwrites it), reads up to 7 past the run (the caller knows
// the input goes on). Library memcpy calls cost more than the copy for the 3 to 48
// bytes of an early layer's taps.
inline void copy_run_over(int8_t* dst, const int8_t* src, size_t n) {
  for (size_t i = 0; i < n; i += 8) std::memcpy(dst + i, src + i, 8);
}

// An exact run: fixed-size pieces, the last one overlapping the previous.
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
  const size_t row_bytes = static_cast<size_t>(s.kernel_w) * c;  // one kernel row's taps
  const size_t in_row = static_cast<size_t>(s.in_w) * c;
  const size_t last_input_row = static_cast<size_t>(s.batch) * s.in_h - 1;
  // Rounded-up copies need 8 bytes of room after the row in `out` and an input row
  // after the source (never the tensor's last row).
  const bool over = out_stride >= static_cast<size_t>(s.kernel_h) * row_bytes + 8 && in_row >= 8;
  // (n, oy, ox) of row m, advanced row by row (divisions per row cost more than the
  // copy for early layers).
  size_t n = m_begin / (oh * ow), oy = (m_begin / ow) % oh, ox = m_begin % ow;
  for (size_t m = m_begin; m < m_end; ++m, out += out_stride) {
    if (m != m_begin && ++ox == ow) {
      ox = 0;
      if (++oy == oh) {
        oy = 0;
        ++n;
      }
    }
    int8_t* dst = out;
    const int ix0 = static_cast<int>(ox) * s.stride_w - s.pad_left;
    const int ix_last = ix0 + (s.kernel_w - 1) * s.dilation_w;
    const bool row_inside = s.dilation_w == 1 && ix0 >= 0 && ix_last < s.in_w;
    for (int ky = 0; ky < s.kernel_h; ++ky) {
      const int iy = static_cast<int>(oy) * s.stride_h - s.pad_top + ky * s.dilation_h;
      if (iy < 0 || iy >= s.in_h) {
        fill_run(dst, pad_value, row_bytes);
        dst += row_bytes;
        continue;
      }
      const size_t input_row = n * s.in_h + static_cast<size_t>(iy);
      const int8_t* src_row = input + input_row * in_row;
      if (row_inside) {
        // The kernel_w taps of this row are contiguous in NHWC.
        const int8_t* src = src_row + static_cast<size_t>(ix0) * c;
        if (over && input_row < last_input_row) copy_run_over(dst, src, row_bytes);
        else copy_run(dst, src, row_bytes);
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

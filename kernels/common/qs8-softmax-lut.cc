#include "kernels/common/qs8-softmax-lut.h"

#include <algorithm>
#include <cstring>

namespace octet {

void qs8_softmax__lut(size_t channels, const int8_t* x, const QSoftmaxParams& p, int8_t* y, size_t row_begin,
                      size_t row_end) {
  const int64_t m0 = p.inv_output_scale.m0;
  const int shift = p.inv_output_scale.shift;
  for (size_t r = row_begin; r < row_end; ++r) {
    const int8_t* in = x + r * channels;
    int8_t* out = y + r * channels;
    uint32_t count[256];
    std::memset(count, 0, sizeof(count));
    for (size_t c = 0; c < channels; ++c) ++count[static_cast<uint8_t>(in[c] + 128)];
    int lo = 0, hi = 255;
    while (count[lo] == 0) ++lo;
    while (count[hi] == 0) --hi;
    const int mx = hi - 128;
    int64_t sum = 0;  // the reference's sum, added in another order: integers, exact
    for (int v = lo; v <= hi; ++v) sum += int64_t{count[v]} * p.exp_table[hi - v];
    int8_t result[256];
    for (int d = 0; d <= hi - lo; ++d) {
      const int64_t q = (int64_t{p.exp_table[d]} * m0) / sum;
      result[d] = static_cast<int8_t>(clamp_i64(rounding_rshift(q, shift) + p.output_zero_point, -128, 127));
    }
    for (size_t c = 0; c < channels; ++c) out[c] = result[mx - in[c]];
  }
}

}  // namespace octet

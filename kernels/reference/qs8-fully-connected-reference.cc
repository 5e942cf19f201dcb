#include "kernels/reference/qs8-fully-connected-reference.h"

namespace octet {

void qs8_fully_connected__reference(size_t k, size_t n, const int8_t* input,
                                    int32_t input_zero_point, const int8_t* weights,
                                    const int32_t* bias, const RequantParams& rq, int8_t* output,
                                    size_t row_begin, size_t row_end) {
  for (size_t r = row_begin; r < row_end; ++r) {
    const int8_t* x = input + r * k;
    for (size_t c = 0; c < n; ++c) {
      const int8_t* w = weights + c * k;
      int32_t acc = bias != nullptr ? bias[c] : 0;
      for (size_t i = 0; i < k; ++i) {
        acc += (static_cast<int32_t>(x[i]) - input_zero_point) * static_cast<int32_t>(w[i]);
      }
      output[r * n + c] = requantize_channel(rq, acc, static_cast<int>(c));
    }
  }
}

}  // namespace octet

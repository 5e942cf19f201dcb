#include "kernels/reference/requantize.h"

#include <cmath>

namespace octet {

bool quantize_multiplier(double m, QuantizedMultiplier* out) {
  if (!std::isfinite(m) || m <= 0.0) return false;
  int exponent = 0;
  const double fraction = std::frexp(m, &exponent);  // m = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t m0 = std::llround(fraction * 2147483648.0);  // * 2^31, exact in double
  if (m0 == (int64_t{1} << 31)) {  // fraction rounded up to 1.0
    m0 = int64_t{1} << 30;
    exponent += 1;
  }
  int shift = 31 - exponent;  // m = m0 * 2^(exponent - 31)
  if (shift < kMinShift) return false;
  if (shift > kMaxShift) {
    // m < 2^-32: |acc * m| < 0.5 for every int32 acc, so every result rounds to 0.
    out->m0 = 0;
    out->shift = kMaxShift;
    return true;
  }
  out->m0 = static_cast<int32_t>(m0);
  out->shift = shift;
  return true;
}

}  // namespace octet

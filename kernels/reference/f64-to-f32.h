// double -> float with IEEE round-to-nearest and overflow to +-infinity. A plain cast
// of a double beyond the float range is undefined behaviour in C++; this one is defined
// for every input (NaN stays NaN) and equals the IEEE conversion.
#pragma once

#include <limits>

namespace octet {

inline float f64_to_f32(double v) {
  // FLT_MAX + half an ulp (2^128 - 2^103): from here on (ties to even included) IEEE
  // rounding gives infinity.
  constexpr double kOverflow = 340282356779733661637539395458142568448.0;
  if (v >= kOverflow) return std::numeric_limits<float>::infinity();
  if (v <= -kOverflow) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

}  // namespace octet

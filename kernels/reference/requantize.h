// The requantization arithmetic of octet, written once. Every kernel, scalar or
// SIMD, on every ISA and at every thread count, must give exactly these results.
// docs/QUANTIZATION.md explains the rule with a worked example.
#pragma once

#include <cstdint>

namespace octet {

// A real multiplier M represented as M0 * 2^-shift.
// Normal form: M0 in [2^30, 2^31) and shift in [1, 62]. For M < 2^-32 (whose
// products with any int32 accumulator round to 0) the form is M0 = 0, shift = 62.
struct QuantizedMultiplier {
  int32_t m0 = 0;
  int32_t shift = 62;
};

constexpr int kMinShift = 1;
constexpr int kMaxShift = 62;

// Turns a real multiplier into M0 and shift, rounding M0 to nearest (ties away
// from zero, then renormalising when rounding reaches 2^31). Returns false when
// M is not finite, not positive, or too large for shift >= 1 (M >= 2^30 after
// rounding).
bool quantize_multiplier(double m, QuantizedMultiplier* out);

// True when (m0, shift) is in normal form (see above).
inline bool is_valid_multiplier(int32_t m0, int32_t shift) {
  if (m0 == 0) return shift >= kMinShift && shift <= kMaxShift;
  return m0 >= (int32_t{1} << 30) && shift >= kMinShift && shift <= kMaxShift;
}

// floor((x + 2^(shift-1)) / 2^shift): one rounding, half-way cases toward +inf.
// shift in [1, 62]; |x| < 2^62. (>> on negative int64 is an arithmetic shift on
// every compiler octet supports; C++20 makes it standard.)
inline int64_t rounding_rshift(int64_t x, int shift) {
  return (x + (int64_t{1} << (shift - 1))) >> shift;
}

// round(acc * M0 * 2^-shift), computed exactly in 64 bits.
inline int64_t multiply_by_quantized_multiplier(int32_t acc, int32_t m0, int32_t shift) {
  return rounding_rshift(static_cast<int64_t>(acc) * m0, shift);
}

inline int32_t clamp_i64(int64_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : static_cast<int32_t>(v));
}

// The requantization of convolution-like operators:
// clamp(zero_point + round(acc * M), qmin, qmax).
inline int8_t requantize_s8(int32_t acc, int32_t m0, int32_t shift, int32_t zero_point,
                            int32_t qmin, int32_t qmax) {
  return static_cast<int8_t>(
      clamp_i64(multiply_by_quantized_multiplier(acc, m0, shift) + zero_point, qmin, qmax));
}

// Output quantization shared by the kernels: per-channel (or one) multiplier,
// output zero point, and clamp bounds in the quantized domain.
struct RequantParams {
  const int32_t* m0 = nullptr;     // per output channel, or one entry
  const int32_t* shift = nullptr;  // same length as m0
  bool per_channel = false;
  int32_t zero_point = 0;
  int32_t qmin = -128;
  int32_t qmax = 127;
};

inline int8_t requantize_channel(const RequantParams& p, int32_t acc, int c) {
  const int i = p.per_channel ? c : 0;
  return requantize_s8(acc, p.m0[i], p.shift[i], p.zero_point, p.qmin, p.qmax);
}

}  // namespace octet

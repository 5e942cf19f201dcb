// Independent arithmetic for the kernel tests: exact integer rounding written with
// 128-bit division and an explicit mathematical floor (no shifts, no kernel
// helpers), so a test cannot inherit a mistake from the code it checks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/kernels/int128.h"

namespace octet_test {

#if defined(__SIZEOF_INT128__)
using i128 = __int128;
#else
using i128 = Int128;  // 32-bit targets
#endif

// Mathematical floor(a / b) for b > 0 (C++ division truncates toward zero).
inline i128 floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

inline i128 pow2(int e) { return static_cast<i128>(1) << e; }

// floor(acc * m0 / 2^shift + 1/2): acc * m0 * 2^-shift rounded to nearest, half-way
// cases toward +infinity, as floor((2 * acc * m0 + 2^shift) / 2^(shift + 1)).
inline int64_t round_half_up_scaled(int64_t acc, int64_t m0, int shift) {
  const i128 num = 2 * static_cast<i128>(acc) * m0 + pow2(shift);
  return static_cast<int64_t>(floor_div(num, pow2(shift + 1)));
}

inline int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// The expected int8 output of every requantizing kernel:
// clamp(zp + floor(acc * m0 / 2^shift + 1/2), qmin, qmax).
inline int8_t expected_requantize(int64_t acc, int64_t m0, int shift, int64_t zp, int64_t qmin,
                                  int64_t qmax) {
  return static_cast<int8_t>(clamp64(round_half_up_scaled(acc, m0, shift) + zp, qmin, qmax));
}

// Random helpers on a fixed-seed engine.
inline int uniform_int(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
inline double uniform_real(std::mt19937& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}
// exp(uniform(log lo, log hi)): spreads values over orders of magnitude.
inline double log_uniform(std::mt19937& rng, double lo, double hi) {
  return std::exp(uniform_real(rng, std::log(lo), std::log(hi)));
}
inline std::vector<int8_t> random_s8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::vector<int8_t> v(n);
  std::uniform_int_distribution<int> d(lo, hi);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}
inline std::vector<float> random_f32(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> d(lo, hi);
  for (auto& x : v) x = d(rng);
  return v;
}

// A zero point drawn with extra weight on the extremes -128 and 127.
inline int32_t random_zero_point(std::mt19937& rng) {
  switch (uniform_int(rng, 0, 5)) {
    case 0: return -128;
    case 1: return 127;
    case 2: return 0;
    default: return uniform_int(rng, -128, 127);
  }
}

// Splits [0, total) into 1..max_pieces consecutive ranges of random (possibly zero) length.
inline std::vector<size_t> random_split(std::mt19937& rng, size_t total, int max_pieces) {
  std::vector<size_t> cuts = {0};
  const int pieces = uniform_int(rng, 1, max_pieces);
  for (int i = 1; i < pieces; ++i) cuts.push_back(static_cast<size_t>(uniform_int(rng, 0, static_cast<int>(total))));
  cuts.push_back(total);
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

}  // namespace octet_test

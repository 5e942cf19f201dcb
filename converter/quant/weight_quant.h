// The weight quantization rule of the lowering (converter/quant/lower_conv.cc), in
// one place so bias correction (converter/calib/bias_correction.cc) dequantizes
// exactly what the lowering writes: int8 symmetric per output channel,
// scale[c] = max|w_c| / 127 (1 for an all-zero channel), q = round_half_even(w / scale).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace octet::cvt {

// Per-output-channel symmetric scales of weights laid out as [channels][per].
inline std::vector<float> channel_scales(const std::vector<float>& w, int64_t channels) {
  const int64_t per = static_cast<int64_t>(w.size()) / channels;
  std::vector<float> s(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    float m = 0;
    for (int64_t i = 0; i < per; ++i) m = std::max(m, std::fabs(w[c * per + i]));
    s[c] = m > 0 ? m / 127.0f : 1.0f;
  }
  return s;
}

// One weight: [-127, 127] for octet's own scales; a pre-quantized model's -128 is kept.
inline int8_t quantize_weight(float w, float scale, bool allow_minus_128) {
  const double lo = allow_minus_128 ? -128.0 : -127.0;
  const double v = std::nearbyint(w / scale);
  return static_cast<int8_t>(std::max(lo, std::min(127.0, v)));
}

// Weights laid out as [scales.size()][per].
inline std::vector<int8_t> quantize_weights(const std::vector<float>& w, const std::vector<float>& scales,
                                            bool allow_minus_128) {
  const size_t per = w.size() / scales.size();
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) q[i] = quantize_weight(w[i], scales[i / per], allow_minus_128);
  return q;
}

}  // namespace octet::cvt

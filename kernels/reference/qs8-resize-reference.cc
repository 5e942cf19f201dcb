#include "kernels/reference/qs8-resize-reference.h"

#include <algorithm>
#include <cmath>

namespace octet {

namespace {

double source_coordinate(int i, int in_size, int out_size, double scale, ResizeCoordinates ct) {
  const double s = scale > 0 ? scale : static_cast<double>(out_size) / in_size;
  switch (ct) {
    case ResizeCoordinates::kHalfPixel: return (i + 0.5) / s - 0.5;
    case ResizeCoordinates::kAsymmetric: return i / s;
    case ResizeCoordinates::kAlignCorners:
      return out_size == 1 ? 0.0 : static_cast<double>(i) * (in_size - 1) / (out_size - 1);
    case ResizeCoordinates::kPytorchHalfPixel: return out_size > 1 ? (i + 0.5) / s - 0.5 : 0.0;
  }
  return 0.0;
}

int clamp_index(int64_t v, int size) { return static_cast<int>(std::min<int64_t>(std::max<int64_t>(v, 0), size - 1)); }

}  // namespace

void compute_resize_axis_nearest(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                 NearestRounding rounding, ResizeAxis* axis) {
  axis->index0.resize(out_size);
  for (int i = 0; i < out_size; ++i) {
    const double c = source_coordinate(i, in_size, out_size, scale, ct);
    double r = 0;
    switch (rounding) {
      case NearestRounding::kRoundPreferFloor:
        r = (c - std::floor(c) == 0.5) ? std::floor(c) : std::round(c);
        break;
      case NearestRounding::kRoundPreferCeil: r = std::round(c); break;
      case NearestRounding::kFloor: r = std::floor(c); break;
      case NearestRounding::kCeil: r = std::ceil(c); break;
    }
    // Clamped in double first: a tiny positive scale puts r far outside int64, and
    // converting such a double to an integer is undefined behaviour.
    r = std::min(std::max(r, -1.0), static_cast<double>(in_size));
    axis->index0[i] = clamp_index(static_cast<int64_t>(r), in_size);
  }
  axis->index1 = axis->index0;
  axis->lambda.assign(out_size, 0);
}

void compute_resize_axis_bilinear(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                  ResizeAxis* axis) {
  axis->index0.resize(out_size);
  axis->index1.resize(out_size);
  axis->lambda.resize(out_size);
  for (int i = 0; i < out_size; ++i) {
    double c = source_coordinate(i, in_size, out_size, scale, ct);
    c = std::min(std::max(c, 0.0), static_cast<double>(in_size - 1));
    const double f = std::floor(c);
    axis->index0[i] = clamp_index(static_cast<int64_t>(f), in_size);
    axis->index1[i] = clamp_index(static_cast<int64_t>(f) + 1, in_size);
    axis->lambda[i] = static_cast<int32_t>(std::lround((c - f) * (1 << kResizeWeightBits)));
  }
}

void qs8_resize_nearest__reference(int batch, int in_h, int in_w, int channels,
                                   const ResizeAxis& ay, const ResizeAxis& ax, const int8_t* x,
                                   const QResizeParams& p, int8_t* y) {
  const int out_h = static_cast<int>(ay.index0.size()), out_w = static_cast<int>(ax.index0.size());
  for (int n = 0; n < batch; ++n)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox) {
        const int8_t* in = x + ((static_cast<size_t>(n) * in_h + ay.index0[oy]) * in_w + ax.index0[ox]) * channels;
        int8_t* out = y + ((static_cast<size_t>(n) * out_h + oy) * out_w + ox) * channels;
        for (int c = 0; c < channels; ++c) {
          out[c] = requantize_s8(int32_t{in[c]} - p.input_zero_point, p.multiplier.m0,
                                 p.multiplier.shift, p.output_zero_point, -128, 127);
        }
      }
}

void qs8_resize_bilinear__reference(int batch, int in_h, int in_w, int channels,
                                    const ResizeAxis& ay, const ResizeAxis& ax, const int8_t* x,
                                    const QResizeParams& p, int8_t* y) {
  const int out_h = static_cast<int>(ay.index0.size()), out_w = static_cast<int>(ax.index0.size());
  const int32_t one = 1 << kResizeWeightBits;
  for (int n = 0; n < batch; ++n)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox) {
        const size_t row0 = (static_cast<size_t>(n) * in_h + ay.index0[oy]) * in_w;
        const size_t row1 = (static_cast<size_t>(n) * in_h + ay.index1[oy]) * in_w;
        const int8_t* p00 = x + (row0 + ax.index0[ox]) * channels;
        const int8_t* p01 = x + (row0 + ax.index1[ox]) * channels;
        const int8_t* p10 = x + (row1 + ax.index0[ox]) * channels;
        const int8_t* p11 = x + (row1 + ax.index1[ox]) * channels;
        const int32_t wy1 = ay.lambda[oy], wy0 = one - wy1;
        const int32_t wx1 = ax.lambda[ox], wx0 = one - wx1;
        int8_t* out = y + ((static_cast<size_t>(n) * out_h + oy) * out_w + ox) * channels;
        const int32_t z = p.input_zero_point;
        for (int c = 0; c < channels; ++c) {
          const int32_t top = wx0 * (p00[c] - z) + wx1 * (p01[c] - z);
          const int32_t bottom = wx0 * (p10[c] - z) + wx1 * (p11[c] - z);
          const int32_t acc = wy0 * top + wy1 * bottom;  // |acc| <= 255 * 2^22
          out[c] = requantize_s8(acc, p.multiplier.m0, p.multiplier.shift, p.output_zero_point, -128, 127);
        }
      }
}

void f32_resize_nearest__reference(int batch, int in_h, int in_w, int channels,
                                   const ResizeAxis& ay, const ResizeAxis& ax, const float* x,
                                   float* y) {
  const int out_h = static_cast<int>(ay.index0.size()), out_w = static_cast<int>(ax.index0.size());
  for (int n = 0; n < batch; ++n)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox) {
        const float* in = x + ((static_cast<size_t>(n) * in_h + ay.index0[oy]) * in_w + ax.index0[ox]) * channels;
        float* out = y + ((static_cast<size_t>(n) * out_h + oy) * out_w + ox) * channels;
        std::copy(in, in + channels, out);
      }
}

void f32_resize_bilinear__reference(int batch, int in_h, int in_w, int channels,
                                    const ResizeAxis& ay, const ResizeAxis& ax, const float* x,
                                    float* y) {
  const int out_h = static_cast<int>(ay.index0.size()), out_w = static_cast<int>(ax.index0.size());
  const float inv = 1.0f / (1 << kResizeWeightBits);
  for (int n = 0; n < batch; ++n)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox) {
        const size_t row0 = (static_cast<size_t>(n) * in_h + ay.index0[oy]) * in_w;
        const size_t row1 = (static_cast<size_t>(n) * in_h + ay.index1[oy]) * in_w;
        const float* p00 = x + (row0 + ax.index0[ox]) * channels;
        const float* p01 = x + (row0 + ax.index1[ox]) * channels;
        const float* p10 = x + (row1 + ax.index0[ox]) * channels;
        const float* p11 = x + (row1 + ax.index1[ox]) * channels;
        const float wy1 = ay.lambda[oy] * inv, wy0 = 1.0f - wy1;
        const float wx1 = ax.lambda[ox] * inv, wx0 = 1.0f - wx1;
        float* out = y + ((static_cast<size_t>(n) * out_h + oy) * out_w + ox) * channels;
        for (int c = 0; c < channels; ++c) {
          out[c] = wy0 * (wx0 * p00[c] + wx1 * p01[c]) + wy1 * (wx0 * p10[c] + wx1 * p11[c]);
        }
      }
}

}  // namespace octet

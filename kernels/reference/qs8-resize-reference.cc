#include "kernels/reference/qs8-resize-reference.h"

#include <algorithm>
#include <cmath>

namespace octet {

namespace {

// ONNX's x_original with an explicit scale (output / input), in double.
double source_coordinate(int i, int in_size, int out_size, double s, ResizeCoordinates ct) {
  switch (ct) {
    case ResizeCoordinates::kHalfPixel: return (i + 0.5) / s - 0.5;
    case ResizeCoordinates::kAsymmetric: return i / s;
    case ResizeCoordinates::kAlignCorners:
      return out_size == 1 ? 0.0 : static_cast<double>(i) * (in_size - 1) / (out_size - 1);
    case ResizeCoordinates::kPytorchHalfPixel: return out_size > 1 ? (i + 0.5) / s - 0.5 : 0.0;
  }
  return 0.0;
}

// Without an explicit scale (scale = out / in), x_original is the rational num / den,
// den > 0: evaluated exactly, so coordinates that land on a rounding boundary
// (e.g. 7 -> 9 half_pixel, i = 4: exactly 3) are never pushed across it by a
// double rounding.
void source_coordinate_exact(int i, int in, int out, ResizeCoordinates ct, int64_t* num, int64_t* den) {
  const bool half = ct == ResizeCoordinates::kHalfPixel || (ct == ResizeCoordinates::kPytorchHalfPixel && out > 1);
  if (half) {
    *num = (2 * int64_t{i} + 1) * in - out;
    *den = 2 * int64_t{out};
  } else if (ct == ResizeCoordinates::kAsymmetric) {
    *num = int64_t{i} * in;
    *den = out;
  } else if (ct == ResizeCoordinates::kAlignCorners && out > 1) {
    *num = int64_t{i} * (in - 1);
    *den = out - 1;
  } else {  // align_corners or pytorch_half_pixel with one output
    *num = 0;
    *den = 1;
  }
}

int64_t floor_div(int64_t a, int64_t b) {  // b > 0
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

int clamp_index(int64_t v, int size) { return static_cast<int>(std::min<int64_t>(std::max<int64_t>(v, 0), size - 1)); }

// A double coordinate clamped before any conversion: a tiny positive scale puts it
// far outside int64, and converting such a double is undefined behaviour.
double clamp_coordinate(double c, int size) { return std::min(std::max(c, -1.0), static_cast<double>(size)); }

}  // namespace

void compute_resize_axis_nearest(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                 NearestRounding rounding, ResizeAxis* axis) {
  axis->index0.resize(out_size);
  for (int i = 0; i < out_size; ++i) {
    int64_t r = 0;
    if (scale > 0) {
      const double c = source_coordinate(i, in_size, out_size, scale, ct);
      double v = 0;
      switch (rounding) {
        case NearestRounding::kRoundPreferFloor: v = (c - std::floor(c) == 0.5) ? std::floor(c) : std::round(c); break;
        case NearestRounding::kRoundPreferCeil: v = std::round(c); break;
        case NearestRounding::kFloor: v = std::floor(c); break;
        case NearestRounding::kCeil: v = std::ceil(c); break;
      }
      r = static_cast<int64_t>(clamp_coordinate(v, in_size));
    } else {
      int64_t num = 0, den = 1;
      source_coordinate_exact(i, in_size, out_size, ct, &num, &den);
      const int64_t f = floor_div(num, den);
      const int64_t twice_rem = 2 * (num - f * den);  // compares the fraction with 1/2
      switch (rounding) {
        case NearestRounding::kRoundPreferFloor: r = twice_rem > den ? f + 1 : f; break;
        case NearestRounding::kRoundPreferCeil: r = twice_rem >= den ? f + 1 : f; break;
        case NearestRounding::kFloor: r = f; break;
        case NearestRounding::kCeil: r = twice_rem > 0 ? f + 1 : f; break;
      }
    }
    axis->index0[i] = clamp_index(r, in_size);
  }
  axis->index1 = axis->index0;
  axis->lambda.assign(out_size, 0);
}

void compute_resize_axis_bilinear(int in_size, int out_size, double scale, ResizeCoordinates ct,
                                  ResizeAxis* axis) {
  axis->index0.resize(out_size);
  axis->index1.resize(out_size);
  axis->lambda.resize(out_size);
  const int64_t one = int64_t{1} << kResizeWeightBits;
  for (int i = 0; i < out_size; ++i) {
    int64_t f = 0, lambda = 0;
    if (scale > 0) {
      double c = source_coordinate(i, in_size, out_size, scale, ct);
      c = std::min(std::max(c, 0.0), static_cast<double>(in_size - 1));
      const double fl = std::floor(c);
      f = static_cast<int64_t>(fl);
      lambda = std::lround((c - fl) * static_cast<double>(one));
    } else {
      int64_t num = 0, den = 1;
      source_coordinate_exact(i, in_size, out_size, ct, &num, &den);
      if (num < 0) num = 0;                                              // clamp to [0, in - 1]
      if (num > int64_t{in_size - 1} * den) num = int64_t{in_size - 1} * den;
      f = num / den;
      // round((num / den - f) * 2048), half away from zero (the value is >= 0).
      lambda = (2 * (num - f * den) * one + den) / (2 * den);
    }
    axis->index0[i] = clamp_index(f, in_size);
    axis->index1[i] = clamp_index(f + 1, in_size);
    axis->lambda[i] = static_cast<int32_t>(lambda);
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

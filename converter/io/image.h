// PNG and JPEG images as calibration data: decoding (Debian's stb_image) and
// the preprocessing calibration tools of ncnn, ONNX Runtime and PaddleOCR apply
// before a CNN sees an image.
//
// The pipeline, in order:
//   1. decode to 8-bit RGB (alpha dropped, 16-bit samples reduced, grey
//      replicated; EXIF orientation and colour profiles ignored, as PIL's
//      Image.open and ncnn do);
//   2. channels == 1: grey = (4899 R + 9617 G + 1868 B + 8192) >> 14, the
//      fixed-point rule of OpenCV's cvtColor(RGB2GRAY);
//   3. resize (ResizeMode) with bilinear interpolation in 8 bits, bit for bit
//      what cv2.resize(..., INTER_LINEAR) gives (half-pixel centres, 11-bit
//      fixed-point weights, no antialiasing);
//   4. bgr: channel order B, G, R;
//   5. out = (pixel * scale - mean[c]) / std[c] in float32, c the output channel
//      (after the BGR swap), pixel in [0, 255]: PaddleOCR's NormalizeImage to
//      the bit (a pipeline dividing by 255 instead may differ in the last bit);
//   6. padding, when the resized image is smaller than the target, is pad_value
//      (a value of the output tensor, i.e. after step 5).
//
// Examples:
//   ImageNet (ONNX Runtime, torchvision): 224x224, mean {0.485,0.456,0.406}, std {0.229,0.224,0.225}.
//   ncnn's substract_mean_normalize(mean_vals, norm_vals): scale = 1, mean = mean_vals, std = 1 / norm_vals.
//   PaddleOCR rec: height 48, width 320, ResizeMode::kFitHeight, mean 0.5, std 0.5, pad_value 0.
//   PaddleOCR det: e.g. 640x640, bgr, mean {0.485,0.456,0.406}, std {0.229,0.224,0.225}
//     in BGR order as its config lists them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir/tensor.h"

namespace octet::cvt {

enum class ImageLayout : uint8_t { kNCHW, kNHWC };

enum class ResizeMode : uint8_t {
  // To width x height exactly (0 keeps the image's size in that dimension).
  kStretch,
  // Aspect kept: scaled by min(width / w, height / h) (sizes rounded half to
  // even), placed top-left, padded right and bottom. width and height > 0.
  kLetterbox,
  // The same, centred: left = (width - w') / 2, top = (height - h') / 2, rounded down.
  kLetterboxCenter,
  // PaddleOCR rec: height exactly `height`, width ceil(height * w / h) capped at
  // `width` and padded right up to it; width == 0 leaves the width dynamic (no pad).
  kFitHeight,
};

struct ImagePreprocess {
  int width = 0;   // target size; see ResizeMode
  int height = 0;
  ResizeMode resize = ResizeMode::kStretch;
  int channels = 3;  // 3 (colour) or 1 (grey)
  bool bgr = false;  // channel order B, G, R (3 channels only)
  float scale = 1.0f / 255.0f;
  std::vector<float> mean;  // per output channel; empty = 0, one value = every channel
  std::vector<float> std;   // per output channel; empty = 1, one value = every channel
  float pad_value = 0.0f;   // output value of padded elements
  ImageLayout layout = ImageLayout::kNCHW;
};

// A decoded image: 8-bit RGB, rows top to bottom, interleaved (HWC).
struct Image {
  int width = 0;
  int height = 0;
  int source_channels = 0;  // channels stored in the file (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA)
  std::vector<uint8_t> rgb;  // width * height * 3
};

// Largest image decoded: 2^27 pixels, at most 65535 on a side.
constexpr int64_t kMaxImagePixels = int64_t{1} << 27;

// Decodes a PNG or JPEG file (recognised by its signature, not its name). Other
// formats, corrupt or truncated files and images over kMaxImagePixels give false
// with a message "path: ...".
bool decode_image(const std::string& path, Image* out, std::string* error);
bool decode_image_memory(const uint8_t* data, size_t size, Image* out, std::string* error,
                         const std::string& name = "image");

// Steps 2-6 above: a float32 tensor [1, C, H, W] (kNCHW) or [1, H, W, C] (kNHWC).
bool preprocess_image(const Image& image, const ImagePreprocess& pp, Tensor* out, std::string* error);

// decode_image then preprocess_image.
bool load_image(const std::string& path, const ImagePreprocess& pp, Tensor* out, std::string* error);

// Bilinear resize of 8-bit interleaved pixels, identical to OpenCV's
// cv::resize(src, dst, Size(dst_w, dst_h), 0, 0, INTER_LINEAR) for CV_8UC(channels).
void resize_bilinear_u8(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w,
                        int dst_h);

enum class CalibrationFileKind : uint8_t { kOther, kImage, kNpy, kRawF32 };

// By extension, case-insensitive: .png .jpg .jpeg -> kImage, .npy -> kNpy, .bin -> kRawF32.
CalibrationFileKind calibration_file_kind(const std::string& path);

// The calibration files directly in `dir` (no recursion; hidden files skipped;
// regular files or links to them): "dir/name" for every name whose kind is not
// kOther, sorted by name (byte order). Empty, with a message in *error, when the
// folder cannot be read.
std::vector<std::string> list_calibration_files(const std::string& dir, std::string* error = nullptr);

}  // namespace octet::cvt

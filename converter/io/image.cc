#include "converter/io/image.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "converter/io/npy.h"
#include "stb_image.h"

namespace octet::cvt {

namespace {

// Compressed files larger than this are refused before reading.
constexpr uint64_t kMaxImageFileBytes = uint64_t{1} << 28;
constexpr int kMaxImageSide = 65535;
// OpenCV's INTER_RESIZE_COEF_BITS: bilinear weights are multiples of 1/2048.
constexpr int kCoefBits = 11;
constexpr int kCoefScale = 1 << kCoefBits;

bool fail(std::string* error, const std::string& name, const std::string& what) {
  if (error != nullptr) *error = name + ": " + what;
  return false;
}

bool is_png(const uint8_t* p, size_t n) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return n >= 8 && std::memcmp(p, sig, 8) == 0;
}
bool is_jpeg(const uint8_t* p, size_t n) { return n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff; }

// Source indices and fixed-point weights of one output coordinate, as OpenCV's
// resize computes them: a float coordinate from a double scale, weights rounded
// half to even into 11 bits. Columns past a border are clamped together with
// their weight (fx = 0); rows keep their weight and only the row index is
// clamped — an asymmetry of OpenCV that changes the last bit, so it is kept.
struct Tap {
  int i0, i1;
  int w0, w1;
};

std::vector<Tap> taps(int src, int dst, bool clamp_weight) {
  const double inv_scale = static_cast<double>(dst) / src;
  const double scale = 1.0 / inv_scale;
  std::vector<Tap> t(static_cast<size_t>(dst));
  for (int d = 0; d < dst; ++d) {
    float f = static_cast<float>((d + 0.5) * scale - 0.5);
    int s = static_cast<int>(std::floor(f));
    f -= static_cast<float>(s);
    if (clamp_weight) {
      if (s < 0) {
        f = 0;
        s = 0;
      }
      if (s >= src - 1) {
        f = 0;
        s = src - 1;
      }
    }
    Tap& tp = t[static_cast<size_t>(d)];
    tp.i0 = std::clamp(s, 0, src - 1);
    tp.i1 = std::clamp(s + 1, 0, src - 1);
    tp.w0 = static_cast<int>(std::lrint((1.0f - f) * static_cast<float>(kCoefScale)));
    tp.w1 = static_cast<int>(std::lrint(f * static_cast<float>(kCoefScale)));
  }
  return t;
}

std::string lower_ext(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot);
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

}  // namespace

void resize_bilinear_u8(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w,
                        int dst_h) {
  const size_t cn = static_cast<size_t>(channels);
  if (src_w == dst_w && src_h == dst_h) {
    std::memcpy(dst, src, static_cast<size_t>(src_w) * src_h * cn);
    return;
  }
  const std::vector<Tap> xt = taps(src_w, dst_w, true);
  const std::vector<Tap> yt = taps(src_h, dst_h, false);
  // Horizontal pass of one source row into 32-bit sums scaled by 2048 (OpenCV's HResizeLinear).
  const size_t row_len = static_cast<size_t>(dst_w) * cn;
  std::vector<int32_t> h0(row_len), h1(row_len);
  auto hpass = [&](int y, int32_t* out) {
    const uint8_t* row = src + static_cast<size_t>(y) * src_w * cn;
    for (int x = 0; x < dst_w; ++x) {
      const Tap& t = xt[static_cast<size_t>(x)];
      for (size_t c = 0; c < cn; ++c)
        out[x * cn + c] = row[t.i0 * cn + c] * t.w0 + row[t.i1 * cn + c] * t.w1;
    }
  };
  int have0 = -1, have1 = -1;  // source rows now in h0, h1
  for (int y = 0; y < dst_h; ++y) {
    const Tap& t = yt[static_cast<size_t>(y)];
    if (have0 != t.i0) {
      if (have1 == t.i0) {
        std::swap(h0, h1);
        std::swap(have0, have1);
      } else {
        hpass(t.i0, h0.data());
        have0 = t.i0;
      }
    }
    if (have1 != t.i1) {
      hpass(t.i1, h1.data());
      have1 = t.i1;
    }
    // Vertical pass in OpenCV's 8-bit arithmetic (VResizeLinear<uchar, ...>).
    uint8_t* out = dst + static_cast<size_t>(y) * row_len;
    for (size_t i = 0; i < row_len; ++i) {
      const int32_t v = ((t.w0 * (h0[i] >> 4)) >> 16) + ((t.w1 * (h1[i] >> 4)) >> 16) + 2;
      out[i] = static_cast<uint8_t>(std::clamp(v >> 2, 0, 255));
    }
  }
}

bool decode_image_memory(const uint8_t* data, size_t size, Image* out, std::string* error, const std::string& name) {
  if (!is_png(data, size) && !is_jpeg(data, size))
    return fail(error, name, "not a PNG or JPEG file (unrecognised signature)");
  if (size > static_cast<size_t>(INT32_MAX)) return fail(error, name, "file is too large");
  const int len = static_cast<int>(size);
  int w = 0, h = 0, comp = 0;
  if (stbi_info_from_memory(data, len, &w, &h, &comp) == 0)
    return fail(error, name, std::string("cannot decode: ") + stbi_failure_reason());
  if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide ||
      static_cast<int64_t>(w) * h > kMaxImagePixels)
    return fail(error, name,
                "image of " + std::to_string(w) + "x" + std::to_string(h) + " pixels exceeds the limit of 2^27 pixels");
  int w2 = 0, h2 = 0, comp2 = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> pixels(stbi_load_from_memory(data, len, &w2, &h2, &comp2, 3),
                                                   stbi_image_free);
  if (pixels == nullptr) return fail(error, name, std::string("cannot decode: ") + stbi_failure_reason());
  if (w2 != w || h2 != h) return fail(error, name, "decoder returned a different size than the header");
  Image img;
  img.width = w;
  img.height = h;
  img.source_channels = comp2;
  img.rgb.assign(pixels.get(), pixels.get() + static_cast<size_t>(w) * h * 3);
  *out = std::move(img);
  return true;
}

bool decode_image(const std::string& path, Image* out, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!read_file_bytes(path, kMaxImageFileBytes, &bytes, error)) return false;
  return decode_image_memory(bytes.data(), bytes.size(), out, error, path);
}

bool preprocess_image(const Image& image, const ImagePreprocess& pp, Tensor* out, std::string* error) {
  const std::string name = "preprocess";
  if (pp.channels != 1 && pp.channels != 3) return fail(error, name, "channels must be 1 or 3");
  if (pp.bgr && pp.channels != 3) return fail(error, name, "bgr needs 3 channels");
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3)
    return fail(error, name, "empty or inconsistent image");
  if (pp.width < 0 || pp.height < 0 || pp.width > kMaxImageSide || pp.height > kMaxImageSide)
    return fail(error, name, "target size must be in [0, 65535]");
  const int C = pp.channels;
  for (const std::vector<float>* v : {&pp.mean, &pp.std}) {
    if (!v->empty() && v->size() != 1 && v->size() != static_cast<size_t>(C))
      return fail(error, name,
                  std::string(v == &pp.mean ? "mean" : "std") + " has " + std::to_string(v->size()) +
                      " values; give 1 or " + std::to_string(C));
  }
  for (float s : pp.std)
    if (!(std::isfinite(s) && s != 0.0f)) return fail(error, name, "std values must be finite and nonzero");
  if (!std::isfinite(pp.scale)) return fail(error, name, "scale must be finite");

  // Size of the resized image (rw x rh) and of the output (W x H), and where the
  // image sits in the output.
  const int w = image.width, h = image.height;
  int rw = w, rh = h, W = w, H = h, left = 0, top = 0;
  switch (pp.resize) {
    case ResizeMode::kStretch:
      rw = W = pp.width > 0 ? pp.width : w;
      rh = H = pp.height > 0 ? pp.height : h;
      break;
    case ResizeMode::kLetterbox:
    case ResizeMode::kLetterboxCenter: {
      if (pp.width <= 0 || pp.height <= 0) return fail(error, name, "letterbox needs a width and a height");
      W = pp.width;
      H = pp.height;
      const double r = std::min(static_cast<double>(W) / w, static_cast<double>(H) / h);
      rw = std::clamp(static_cast<int>(std::nearbyint(w * r)), 1, W);
      rh = std::clamp(static_cast<int>(std::nearbyint(h * r)), 1, H);
      if (pp.resize == ResizeMode::kLetterboxCenter) {
        left = (W - rw) / 2;
        top = (H - rh) / 2;
      }
      break;
    }
    case ResizeMode::kFitHeight: {
      if (pp.height <= 0) return fail(error, name, "fit-height needs a height");
      rh = H = pp.height;
      const double want = std::ceil(H * (static_cast<double>(w) / h));
      rw = static_cast<int>(std::clamp(want, 1.0, static_cast<double>(kMaxImageSide)));
      if (pp.width > 0) rw = std::min(rw, pp.width);
      W = pp.width > 0 ? pp.width : rw;
      break;
    }
  }
  if (static_cast<int64_t>(W) * H > kMaxImagePixels) return fail(error, name, "output image is too large");

  // Grey before resizing, as cv2.imread(..., IMREAD_GRAYSCALE) followed by cv2.resize.
  const uint8_t* src = image.rgb.data();
  std::vector<uint8_t> grey;
  if (C == 1) {
    grey.resize(static_cast<size_t>(w) * h);
    for (size_t i = 0; i < grey.size(); ++i) {
      const uint8_t* p = src + i * 3;
      grey[i] = static_cast<uint8_t>((4899 * p[0] + 9617 * p[1] + 1868 * p[2] + 8192) >> 14);
    }
    src = grey.data();
  }
  std::vector<uint8_t> resized(static_cast<size_t>(rw) * rh * C);
  resize_bilinear_u8(src, w, h, C, resized.data(), rw, rh);

  float mean[3], stdv[3];
  for (int c = 0; c < C; ++c) {
    mean[c] = pp.mean.empty() ? 0.0f : pp.mean[pp.mean.size() == 1 ? 0 : static_cast<size_t>(c)];
    stdv[c] = pp.std.empty() ? 1.0f : pp.std[pp.std.size() == 1 ? 0 : static_cast<size_t>(c)];
  }
  const bool nchw = pp.layout == ImageLayout::kNCHW;
  Tensor t(DType::kFloat32, nchw ? std::vector<int64_t>{1, C, H, W} : std::vector<int64_t>{1, H, W, C});
  float* o = t.data<float>();
  std::fill(o, o + t.numel(), pp.pad_value);
  const size_t plane = static_cast<size_t>(W) * H;
  for (int y = 0; y < rh; ++y) {
    for (int x = 0; x < rw; ++x) {
      const uint8_t* p = resized.data() + (static_cast<size_t>(y) * rw + x) * C;
      const size_t pos = static_cast<size_t>(y + top) * W + static_cast<size_t>(x + left);
      for (int c = 0; c < C; ++c) {
        const int sc = pp.bgr ? 2 - c : c;  // source channel of output channel c
        const float v = (static_cast<float>(p[sc]) * pp.scale - mean[c]) / stdv[c];
        o[nchw ? static_cast<size_t>(c) * plane + pos : pos * C + static_cast<size_t>(c)] = v;
      }
    }
  }
  *out = std::move(t);
  return true;
}

bool load_image(const std::string& path, const ImagePreprocess& pp, Tensor* out, std::string* error) {
  Image img;
  if (!decode_image(path, &img, error)) return false;
  if (!preprocess_image(img, pp, out, error)) {
    if (error != nullptr) *error = path + ": " + *error;
    return false;
  }
  return true;
}

CalibrationFileKind calibration_file_kind(const std::string& path) {
  const std::string e = lower_ext(path);
  if (e == ".png" || e == ".jpg" || e == ".jpeg") return CalibrationFileKind::kImage;
  if (e == ".npy") return CalibrationFileKind::kNpy;
  if (e == ".bin") return CalibrationFileKind::kRawF32;
  return CalibrationFileKind::kOther;
}

std::vector<std::string> list_calibration_files(const std::string& dir, std::string* error) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    fail(error, dir, std::string("cannot read folder: ") + std::strerror(errno));
    return names;
  }
  const std::string prefix = !dir.empty() && dir.back() == '/' ? dir : dir + "/";
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.empty() || n[0] == '.') continue;
    if (calibration_file_kind(n) == CalibrationFileKind::kOther) continue;
    struct stat st;
    if (::stat((prefix + n).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (std::string& n : names) n = prefix + n;
  if (error != nullptr) error->clear();
  return names;
}

}  // namespace octet::cvt

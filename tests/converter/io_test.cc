// converter/io: .npy and raw float32 files, PNG/JPEG decoding, preprocessing.
//
// Photographs come from Debian's python3-skimage data folder
// (OCTET_SKIMAGE_DATA overrides /usr/lib/python3/dist-packages/skimage/data);
// tests needing them are skipped when it is missing. Expected pixels were read
// with PIL, expected resizes and grey values computed with OpenCV 4.6
// (cv2.resize INTER_LINEAR, cv2.cvtColor RGB2GRAY), whose 8-bit arithmetic
// octet reproduces exactly.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "converter/io/image.h"
#include "converter/io/npy.h"
#include "stb_image_write.h"

namespace octet::cvt {
namespace {

// ---------------------------------------------------------------- helpers

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base ? base : "/tmp") + "/octet_io_test_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) path_ = buf.data();
  }
  ~TempDir() {
    if (path_.empty()) return;
    if (DIR* d = ::opendir(path_.c_str())) {
      while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        const std::string p = path_ + "/" + n;
        if (::unlink(p.c_str()) != 0) ::rmdir(p.c_str());
      }
      ::closedir(d);
    }
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// A .npy file with the given version, header text (not padded) and data bytes.
std::vector<uint8_t> npy_file(int major, const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  const uint32_t len = static_cast<uint32_t>(header.size());
  b.push_back(static_cast<uint8_t>(len));
  b.push_back(static_cast<uint8_t>(len >> 8));
  if (major >= 2) {
    b.push_back(static_cast<uint8_t>(len >> 16));
    b.push_back(static_cast<uint8_t>(len >> 24));
  }
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string hdr(const std::string& descr, const std::string& shape, const std::string& order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }\n";
}

// Parses and returns the error ("" on success).
std::string npy_error(const std::vector<uint8_t>& b, Tensor* t = nullptr) {
  Tensor local;
  std::string err;
  if (parse_npy(b.data(), b.size(), t != nullptr ? t : &local, &err)) return "";
  EXPECT_FALSE(err.empty());
  return err;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <typename T>
Tensor make(DType dt, std::vector<int64_t> shape, const std::vector<T>& v) {
  Tensor t(dt, std::move(shape));
  EXPECT_EQ(t.bytes.size(), v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
  return t;
}

// ---------------------------------------------------------------- npy

TEST(Npy, HeaderIsNumpys) {
  // np.save of np.zeros((2, 3), np.float32), byte for byte (NumPy 1.24).
  const Tensor t(DType::kFloat32, {2, 3});
  const std::vector<uint8_t> b = npy_bytes(t);
  ASSERT_EQ(b.size(), 128u + 24u);
  const std::string head(b.begin(), b.begin() + 128);
  const std::string want = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                           "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(58, ' ') + "\n";
  EXPECT_EQ(head, want);
}

TEST(Npy, RoundTripEveryDtype) {
  const std::vector<std::vector<int64_t>> shapes = {{2, 3}, {}, {5}, {0, 3}, {1, 2, 1, 3}};
  for (const auto& shape : shapes) {
    std::vector<Tensor> ts;
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> f;
    std::vector<int64_t> i64;
    std::vector<int32_t> i32;
    std::vector<uint8_t> u8, b;
    std::vector<int8_t> i8;
    for (int64_t i = 0; i < n; ++i) {
      f.push_back(i == 1 ? -0.0f : i == 2 ? INFINITY : 0.1f * static_cast<float>(i) - 1e30f * (i == 3));
      i64.push_back(i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : -i * 1000000007LL);
      i32.push_back(i == 0 ? INT32_MIN : static_cast<int32_t>(i * 77777 - 5));
      u8.push_back(static_cast<uint8_t>(250 + i));
      i8.push_back(static_cast<int8_t>(i == 0 ? -128 : 127 - i));
      b.push_back(static_cast<uint8_t>(i % 2));
    }
    ts.push_back(make(DType::kFloat32, shape, f));
    ts.push_back(make(DType::kInt64, shape, i64));
    ts.push_back(make(DType::kInt32, shape, i32));
    ts.push_back(make(DType::kUInt8, shape, u8));
    ts.push_back(make(DType::kInt8, shape, i8));
    ts.push_back(make(DType::kBool, shape, b));
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    for (const Tensor& t : ts) {
      SCOPED_TRACE(std::string(dtype_name(t.dtype)) + " " + shape_str(t.shape));
      const std::vector<uint8_t> bytes = npy_bytes(t);
      EXPECT_EQ((bytes.size() - t.bytes.size()) % 64, 0u);
      Tensor back;
      ASSERT_EQ(npy_error(bytes, &back), "");
      EXPECT_EQ(back.dtype, t.dtype);
      EXPECT_EQ(back.shape, t.shape);
      EXPECT_EQ(back.bytes, t.bytes);
      const std::string path = dir.file("t.npy");
      std::string err;
      ASSERT_TRUE(write_npy(path, t, &err)) << err;
      Tensor from_file;
      ASSERT_TRUE(read_npy(path, &from_file, &err)) << err;
      EXPECT_EQ(from_file.dtype, t.dtype);
      EXPECT_EQ(from_file.shape, t.shape);
      EXPECT_EQ(from_file.bytes, t.bytes);
    }
  }
}

TEST(Npy, Float64BecomesFloat32) {
  const std::vector<double> v = {1.0, -2.5, 1e-300, 3.141592653589793, 1e300};
  std::vector<uint8_t> data(v.size() * 8);
  std::memcpy(data.data(), v.data(), data.size());
  Tensor t;
  ASSERT_EQ(npy_error(npy_file(1, hdr("<f8", "(5,)"), data), &t), "");
  EXPECT_EQ(t.dtype, DType::kFloat32);
  ASSERT_EQ(t.shape, (std::vector<int64_t>{5}));
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(t.data<float>()[i], static_cast<float>(v[i]));
  EXPECT_TRUE(std::isinf(t.data<float>()[4]));
}

TEST(Npy, VersionsAndHeaderSpellings) {
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  for (int major : {1, 2, 3}) {
    Tensor t;
    ASSERT_EQ(npy_error(npy_file(major, hdr("|u1", "(2, 3)"), data), &t), "") << major;
    EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(t.bytes, data);
  }
  // Key order, double quotes, no trailing comma, Python 2 longs, no newline, '<' on one byte.
  for (const std::string& h : {std::string("{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"<u1\"}"),
                              std::string("{'descr':'|u1','fortran_order':False,'shape':(2L, 3L)}   \n"),
                              std::string("  {'fortran_order': False, 'shape': ( 2 , 3 , ), 'descr': '|u1', }")}) {
    Tensor t;
    EXPECT_EQ(npy_error(npy_file(1, h, data), &t), "") << h;
    EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 3})) << h;
  }
  // Bool bytes other than 0/1 are read as true.
  Tensor t;
  ASSERT_EQ(npy_error(npy_file(1, hdr("|b1", "(3,)"), {0, 2, 255}), &t), "");
  EXPECT_EQ(t.bytes, (std::vector<uint8_t>{0, 1, 1}));
}

TEST(Npy, RejectsWithPreciseMessages) {
  const std::vector<uint8_t> f6(24, 0);  // six float32
  struct Case {
    std::vector<uint8_t> file;
    std::string message;
  };
  const std::vector<Case> cases = {
      {bytes_of("PK\x03\x04 not an npy file at all"), "bad magic"},
      {npy_file(4, hdr("<f4", "(2, 3)"), f6), "version 4.0"},
      {npy_file(1, hdr("<f4", "(2, 3)", "True"), f6), "fortran_order is True"},
      {npy_file(1, hdr(">f4", "(2, 3)"), f6), "big-endian"},
      {npy_file(1, hdr("<f2", "(2, 3)"), f6), "unsupported dtype '<f2'"},
      {npy_file(1, hdr("<u4", "(2, 3)"), f6), "unsupported dtype '<u4'"},
      {npy_file(1, hdr("f4", "(2, 3)"), f6), "byte order"},
      {npy_file(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", f6), "structured"},
      {npy_file(1, hdr("<f4", "(2, -3)"), f6), "negative dimension"},
      {npy_file(1, hdr("<f4", "(6)"), f6), "not a tuple"},
      {npy_file(1, hdr("<f4", "[2, 3]"), f6), "must be a tuple"},
      {npy_file(1, hdr("<f4", "(2, 3.0)"), f6), "expected ',' or ')'"},
      {npy_file(1, "{'descr': '<f4', 'shape': (2, 3)}", f6), "no 'fortran_order'"},
      {npy_file(1, "{'descr': '<f4', 'fortran_order': False}", f6), "no 'shape'"},
      {npy_file(1, "{'fortran_order': False, 'shape': (6,)}", f6), "no 'descr'"},
      {npy_file(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", f6), "twice"},
      {npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}", f6), "unexpected key"},
      {npy_file(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", f6), "True or False"},
      {npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} junk", f6), "after the header"},
      {npy_file(1, "{'descr': '<f4\\n', 'fortran_order': False, 'shape': (6,)}", f6), "escape"},
      {npy_file(1, "{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}", f6), "expected ',' or '}'"},
      {npy_file(1, "{'descr': '\xc3\xa9', 'fortran_order': False, 'shape': (6,)}", f6), "non-ASCII"},
      {npy_file(1, "not a dict", f6), "not a Python dict"},
      {npy_file(1, hdr("<f4", "(2, 3)"), std::vector<uint8_t>(23)), "truncated: shape [2,3] of float32 needs 24 bytes"},
      {npy_file(1, hdr("<f4", "(2, 3)"), std::vector<uint8_t>(25)), "wrong data size"},
      {npy_file(1, hdr("<f8", "(2, 3)"), f6), "of float64 needs 48 bytes"},
      // 2^32 * 2^32 = 2^64 wraps to 0 in unchecked arithmetic, and the data size would "match".
      {npy_file(1, hdr("|u1", "(4294967296, 4294967296)"), {}), "too large"},
      {npy_file(1, hdr("<f4", "(2147483648, 2147483648, 2147483648)"), {}), "too large"},
      {npy_file(1, hdr("<f4", "(99999999999999999999,)"), {}), "too large"},
      {npy_file(1, hdr("<f4", "(1073741824,)"), {}), "too large"},  // 4 GiB of float32 > the 2 GiB cap
  };
  for (const Case& c : cases) {
    const std::string err = npy_error(c.file);
    EXPECT_TRUE(contains(err, c.message)) << "got: " << err << "\nwant: " << c.message;
  }
  // A header length past the end of the file.
  std::vector<uint8_t> b = npy_file(2, hdr("<f4", "(2, 3)"), f6);
  b[8] = 0xff;
  b[9] = 0xff;
  b[10] = 0x0f;
  EXPECT_TRUE(contains(npy_error(b), "header of")) << npy_error(b);
  b[11] = 0xff;
  EXPECT_TRUE(contains(npy_error(b), "exceeds the limit")) << npy_error(b);
}

TEST(Npy, TruncatedAtEveryByte) {
  const std::vector<uint8_t> full = npy_bytes(make<int32_t>(DType::kInt32, {3}, {1, -2, 3}));
  TempDir dir;
  for (size_t n = 0; n < full.size(); ++n) {
    const std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    // Copy to an exact-size heap block so AddressSanitizer sees any overread.
    std::unique_ptr<uint8_t[]> exact(new uint8_t[n + 1]);
    if (n > 0) std::memcpy(exact.get(), part.data(), n);
    Tensor t;
    std::string err;
    EXPECT_FALSE(parse_npy(exact.get(), n, &t, &err)) << n;
    EXPECT_TRUE(contains(err, "truncated")) << n << ": " << err;
    write_bytes(dir.file("p.npy"), part);
    EXPECT_FALSE(read_npy(dir.file("p.npy"), &t, &err)) << n;
    EXPECT_TRUE(contains(err, "truncated")) << n << ": " << err;
  }
  Tensor t;
  EXPECT_EQ(npy_error(full, &t), "");
}

TEST(Npy, RandomCorruptionNeverCrashes) {
  const std::vector<uint8_t> full = npy_bytes(make<float>(DType::kFloat32, {2, 2}, {1, 2, 3, 4}));
  std::mt19937 rng(7);
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> b = full;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t pos = rng() % 90;  // magic, length and header
      b[pos] = static_cast<uint8_t>(rng() % 3 == 0 ? "(),:' 0123456789-{}\"L"[rng() % 21] : rng());
    }
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    Tensor t;
    std::string err;
    if (parse_npy(b.data(), b.size(), &t, &err)) {
      EXPECT_EQ(t.bytes.size(), static_cast<size_t>(t.numel()) * dtype_size(t.dtype));
    } else {
      EXPECT_FALSE(err.empty());
    }
  }
}

TEST(Npy, FileErrors) {
  TempDir dir;
  Tensor t;
  std::string err;
  EXPECT_FALSE(read_npy(dir.file("missing.npy"), &t, &err));
  EXPECT_TRUE(contains(err, "missing.npy: cannot open")) << err;
  EXPECT_FALSE(read_npy(dir.path(), &t, &err));
  EXPECT_TRUE(contains(err, "not a regular file")) << err;
  EXPECT_FALSE(write_npy(dir.file("no/such/dir.npy"), Tensor(DType::kFloat32, {1}), &err));
  EXPECT_TRUE(contains(err, "cannot create")) << err;
  Tensor bad(DType::kFloat32, {2});
  bad.bytes.resize(7);
  EXPECT_FALSE(write_npy(dir.file("bad.npy"), bad, &err));
}

TEST(RawF32, ExactSizeOnly) {
  TempDir dir;
  const std::vector<float> v = {1.5f, -2.0f, 3.25f, 0.0f, 5.0f, -6.5f};
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  write_bytes(dir.file("x.bin"), b);
  Tensor t;
  std::string err;
  ASSERT_TRUE(read_raw_f32(dir.file("x.bin"), {1, 2, 3}, &t, &err)) << err;
  EXPECT_EQ(t.dtype, DType::kFloat32);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(t.to_floats(), v);
  EXPECT_FALSE(read_raw_f32(dir.file("x.bin"), {1, 2, 2}, &t, &err));
  EXPECT_TRUE(contains(err, "24 bytes, but shape [1,2,2] needs 16")) << err;
  EXPECT_FALSE(read_raw_f32(dir.file("x.bin"), {7}, &t, &err));
  EXPECT_FALSE(read_raw_f32(dir.file("x.bin"), {-1, 6}, &t, &err));
  EXPECT_TRUE(contains(err, "invalid")) << err;
  EXPECT_FALSE(read_raw_f32(dir.file("x.bin"), {1 << 30, 1 << 30}, &t, &err));
  EXPECT_FALSE(read_raw_f32(dir.file("nope.bin"), {6}, &t, &err));
  EXPECT_TRUE(contains(err, "cannot open")) << err;
}

// ---------------------------------------------------------------- images

std::string skimage_dir() {
  const char* e = std::getenv("OCTET_SKIMAGE_DATA");
  return e != nullptr && *e ? e : "/usr/lib/python3/dist-packages/skimage/data";
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

#define REQUIRE_PHOTO(path)                                                                           \
  do {                                                                                                \
    if (!exists(path)) GTEST_SKIP() << (path) << " not found (install python3-skimage)";             \
  } while (0)

// Pixel (x, y) channel c of an RGB image.
int px(const Image& im, int x, int y, int c) { return im.rgb[(static_cast<size_t>(y) * im.width + x) * 3 + c]; }

// The source of the OpenCV oracles below: pixel (x, y, c) = (37x + 91y + 53c + 13xy) mod 256.
Image formula_image(int w, int h) {
  Image im;
  im.width = w;
  im.height = h;
  im.source_channels = 3;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) im.rgb.push_back(static_cast<uint8_t>((x * 37 + y * 91 + c * 53 + x * y * 13) % 256));
  return im;
}

TEST(Resize, EqualsOpenCV) {
  const Image s = formula_image(6, 5);
  // cv2.resize(src, (4, 7), interpolation=cv2.INTER_LINEAR).flatten(), an upscale in y and downscale in x.
  const std::vector<int> want_4x7 = {
      9,   62,  115, 65,  118, 171, 120, 173, 226, 176, 229, 90,  63,  116, 169, 130, 183, 126, 160, 103, 156,
      117, 170, 140, 130, 165, 163, 156, 191, 107, 173, 88,  123, 116, 114, 149, 198, 187, 48,  100, 89,  142,
      131, 184, 173, 225, 86,  75,  82,  117, 115, 136, 170, 86,  180, 96,  131, 151, 150, 184, 76,  129, 155,
      116, 169, 85,  175, 91,  144, 105, 131, 184, 130, 183, 172, 72,  125, 114, 141, 130, 183, 83,  72,  125};
  const std::vector<int> want_11x3 = {
      30,  83,  136, 43,  96,  149, 66,  119, 172, 88,  142, 160, 111, 164, 136, 134, 144, 154, 152, 124, 177,
      128, 146, 199, 116, 169, 199, 138, 191, 128, 152, 205, 87,  182, 235, 32,  202, 174, 52,  236, 68,  86,
      166, 68,  121, 61,  102, 155, 84,  137, 190, 118, 171, 212, 152, 205, 107, 187, 205, 37,  221, 99,  71,
      241, 38,  91,  77,  131, 184, 104, 157, 156, 151, 204, 109, 127, 180, 97,  80,  133, 97,  119, 129, 139,
      161, 125, 178, 160, 78,  131, 148, 54,  107, 102, 100, 153, 74,  127, 180};
  for (const auto& [w, h, want] : {std::make_tuple(4, 7, &want_4x7), std::make_tuple(11, 3, &want_11x3)}) {
    std::vector<uint8_t> out(static_cast<size_t>(w) * h * 3);
    resize_bilinear_u8(s.rgb.data(), s.width, s.height, 3, out.data(), w, h);
    ASSERT_EQ(out.size(), want->size());
    for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], (*want)[i]) << w << "x" << h << " at " << i;
  }
  // Same size is a copy; a 1x1 source fills the output.
  std::vector<uint8_t> same(s.rgb.size());
  resize_bilinear_u8(s.rgb.data(), 6, 5, 3, same.data(), 6, 5);
  EXPECT_EQ(same, s.rgb);
  const uint8_t one[3] = {10, 20, 30};
  std::vector<uint8_t> big(5 * 4 * 3);
  resize_bilinear_u8(one, 1, 1, 3, big.data(), 5, 4);
  for (size_t i = 0; i < big.size(); ++i) EXPECT_EQ(big[i], one[i % 3]);
}

TEST(Preprocess, GreyEqualsOpenCV) {
  const Image s = formula_image(6, 5);
  // cv2.cvtColor(src, cv2.COLOR_RGB2GRAY).flatten()
  const std::vector<int> want = {43, 80,  117, 154, 191, 199, 134, 184, 205, 105, 78,  128, 196, 109, 95,
                                 158, 192, 105, 60,  136, 183, 109, 108, 184, 151, 211, 73,  162, 72,  84};
  ImagePreprocess pp;
  pp.channels = 1;
  pp.scale = 1.0f;
  Tensor t;
  std::string err;
  ASSERT_TRUE(preprocess_image(s, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 1, 5, 6}));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t.data<float>()[i], static_cast<float>(want[i])) << i;
}

TEST(Preprocess, NormalisationLayoutsAndBgr) {
  const Image s = formula_image(6, 5);
  ImagePreprocess pp;
  pp.mean = {0.485f, 0.456f, 0.406f};
  pp.std = {0.229f, 0.224f, 0.225f};
  for (bool bgr : {false, true}) {
    for (ImageLayout layout : {ImageLayout::kNCHW, ImageLayout::kNHWC}) {
      pp.bgr = bgr;
      pp.layout = layout;
      Tensor t;
      std::string err;
      ASSERT_TRUE(preprocess_image(s, pp, &t, &err)) << err;
      const bool nchw = layout == ImageLayout::kNCHW;
      ASSERT_EQ(t.shape, nchw ? (std::vector<int64_t>{1, 3, 5, 6}) : (std::vector<int64_t>{1, 5, 6, 3}));
      for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 6; ++x)
          for (int c = 0; c < 3; ++c) {
            const float p = static_cast<float>(px(s, x, y, bgr ? 2 - c : c));
            const float want = (p * (1.0f / 255.0f) - pp.mean[c]) / pp.std[c];
            const size_t i = nchw ? (static_cast<size_t>(c) * 5 + y) * 6 + x : (static_cast<size_t>(y) * 6 + x) * 3 + c;
            ASSERT_EQ(t.data<float>()[i], want) << x << "," << y << "," << c;
          }
    }
  }
  // One mean/std value applies to every channel (PaddleOCR's 0.5 / 0.5).
  pp = ImagePreprocess();
  pp.mean = {0.5f};
  pp.std = {0.5f};
  Tensor t;
  std::string err;
  ASSERT_TRUE(preprocess_image(s, pp, &t, &err)) << err;
  EXPECT_EQ(t.data<float>()[0], (px(s, 0, 0, 0) * (1.0f / 255.0f) - 0.5f) / 0.5f);
  EXPECT_EQ(t.data<float>()[30 * 2], (px(s, 0, 0, 2) * (1.0f / 255.0f) - 0.5f) / 0.5f);
}

TEST(Preprocess, ResizeModes) {
  Image flat;  // 100 x 32, every pixel (200, 100, 50)
  flat.width = 100;
  flat.height = 32;
  flat.source_channels = 3;
  for (int i = 0; i < 100 * 32; ++i) flat.rgb.insert(flat.rgb.end(), {200, 100, 50});
  ImagePreprocess pp;
  pp.scale = 1.0f;
  pp.pad_value = -7.0f;
  struct Case {
    ResizeMode mode;
    int w, h;
    int W, H, rw, rh, left, top;  // expected output size, content size and position
  };
  const std::vector<Case> cases = {
      {ResizeMode::kStretch, 320, 48, 320, 48, 320, 48, 0, 0},
      {ResizeMode::kStretch, 0, 48, 100, 48, 100, 48, 0, 0},
      {ResizeMode::kStretch, 0, 0, 100, 32, 100, 32, 0, 0},
      {ResizeMode::kFitHeight, 320, 48, 320, 48, 150, 48, 0, 0},  // ceil(48 * 100 / 32) = 150, padded right
      {ResizeMode::kFitHeight, 120, 48, 120, 48, 120, 48, 0, 0},  // too wide: squeezed to the width
      {ResizeMode::kFitHeight, 0, 48, 150, 48, 150, 48, 0, 0},    // dynamic width
      {ResizeMode::kLetterbox, 64, 64, 64, 64, 64, 20, 0, 0},     // 0.64 * 32 = 20.48 -> 20
      {ResizeMode::kLetterboxCenter, 64, 64, 64, 64, 64, 20, 0, 22},
      {ResizeMode::kLetterboxCenter, 301, 40, 301, 40, 125, 40, 88, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(static_cast<int>(c.mode)) + " " + std::to_string(c.w) + "x" + std::to_string(c.h));
    pp.resize = c.mode;
    pp.width = c.w;
    pp.height = c.h;
    Tensor t;
    std::string err;
    ASSERT_TRUE(preprocess_image(flat, pp, &t, &err)) << err;
    ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 3, c.H, c.W}));
    for (int ch = 0; ch < 3; ++ch)
      for (int y = 0; y < c.H; ++y)
        for (int x = 0; x < c.W; ++x) {
          const bool inside = x >= c.left && x < c.left + c.rw && y >= c.top && y < c.top + c.rh;
          const float want = inside ? static_cast<float>(flat.rgb[static_cast<size_t>(ch)]) : pp.pad_value;
          ASSERT_EQ(t.data<float>()[(static_cast<size_t>(ch) * c.H + y) * c.W + x], want)
              << "x " << x << " y " << y << " c " << ch;
        }
  }
}

TEST(Preprocess, RejectsBadOptions) {
  const Image s = formula_image(4, 4);
  Tensor t;
  std::string err;
  ImagePreprocess pp;
  pp.channels = 2;
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  EXPECT_TRUE(contains(err, "channels")) << err;
  pp = ImagePreprocess();
  pp.mean = {1, 2};
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  EXPECT_TRUE(contains(err, "mean has 2 values")) << err;
  pp = ImagePreprocess();
  pp.std = {1, 0, 1};
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  EXPECT_TRUE(contains(err, "nonzero")) << err;
  pp = ImagePreprocess();
  pp.resize = ResizeMode::kLetterbox;
  pp.width = 10;
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  EXPECT_TRUE(contains(err, "letterbox needs")) << err;
  pp = ImagePreprocess();
  pp.channels = 1;
  pp.bgr = true;
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  pp = ImagePreprocess();
  pp.width = -1;
  EXPECT_FALSE(preprocess_image(s, pp, &t, &err));
  Image empty;
  EXPECT_FALSE(preprocess_image(empty, ImagePreprocess(), &t, &err));
}

TEST(Photo, PngAstronautPixelsAndPipeline) {
  const std::string path = skimage_dir() + "/astronaut.png";
  REQUIRE_PHOTO(path);
  Image im;
  std::string err;
  ASSERT_TRUE(decode_image(path, &im, &err)) << err;
  EXPECT_EQ(im.width, 512);
  EXPECT_EQ(im.height, 512);
  EXPECT_EQ(im.source_channels, 3);
  // (x, y) -> RGB as PIL reads them.
  EXPECT_EQ(px(im, 0, 0, 0), 154);
  EXPECT_EQ(px(im, 0, 0, 1), 147);
  EXPECT_EQ(px(im, 0, 0, 2), 151);
  EXPECT_EQ(px(im, 200, 100, 0), 81);
  EXPECT_EQ(px(im, 200, 100, 1), 57);
  EXPECT_EQ(px(im, 200, 100, 2), 17);
  EXPECT_EQ(px(im, 256, 170, 0), 213);
  EXPECT_EQ(px(im, 511, 511, 2), 0);

  // ImageNet preprocessing at full size, NCHW, checked on known pixels.
  ImagePreprocess pp;
  pp.mean = {0.485f, 0.456f, 0.406f};
  pp.std = {0.229f, 0.224f, 0.225f};
  Tensor t;
  ASSERT_TRUE(load_image(path, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 3, 512, 512}));
  const float* o = t.data<float>();
  EXPECT_EQ(o[0 * 512 * 512 + 100 * 512 + 200], (81 * (1.0f / 255.0f) - 0.485f) / 0.229f);
  EXPECT_EQ(o[1 * 512 * 512 + 100 * 512 + 200], (57 * (1.0f / 255.0f) - 0.456f) / 0.224f);
  EXPECT_EQ(o[2 * 512 * 512 + 100 * 512 + 200], (17 * (1.0f / 255.0f) - 0.406f) / 0.225f);

  // Grey, pixel units: cv2.cvtColor(RGB2GRAY) gives 150 at (0,0), 60 at (200,100), 205 at (256,170).
  pp = ImagePreprocess();
  pp.channels = 1;
  pp.scale = 1.0f;
  ASSERT_TRUE(load_image(path, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 1, 512, 512}));
  EXPECT_EQ(t.data<float>()[0], 150.0f);
  EXPECT_EQ(t.data<float>()[100 * 512 + 200], 60.0f);
  EXPECT_EQ(t.data<float>()[170 * 512 + 256], 205.0f);
}

TEST(Photo, PngResizedLikeOpenCV) {
  const std::string chelsea = skimage_dir() + "/chelsea.png";
  const std::string coffee = skimage_dir() + "/coffee.png";
  REQUIRE_PHOTO(chelsea);
  REQUIRE_PHOTO(coffee);
  std::string err;
  Tensor t;
  ImagePreprocess pp;
  pp.scale = 1.0f;
  pp.layout = ImageLayout::kNHWC;
  // cv2.resize(chelsea, (224, 224)): (x, y) -> RGB.
  pp.width = pp.height = 224;
  ASSERT_TRUE(load_image(chelsea, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 224, 224, 3}));
  auto at = [&](int x, int y, int c) { return t.data<float>()[(static_cast<size_t>(y) * t.shape[2] + x) * 3 + c]; };
  EXPECT_EQ(at(0, 0, 0), 143);
  EXPECT_EQ(at(50, 100, 0), 165);
  EXPECT_EQ(at(50, 100, 1), 119);
  EXPECT_EQ(at(50, 100, 2), 85);
  EXPECT_EQ(at(191, 37, 0), 126);
  EXPECT_EQ(at(191, 37, 1), 101);
  EXPECT_EQ(at(191, 37, 2), 92);
  EXPECT_EQ(at(223, 223, 2), 128);
  // PaddleOCR rec style: 451x300 to height 48 gives width ceil(72.16) = 73, padded to 320.
  pp.resize = ResizeMode::kFitHeight;
  pp.width = 320;
  pp.height = 48;
  pp.pad_value = -1.0f;
  ASSERT_TRUE(load_image(chelsea, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 48, 320, 3}));
  EXPECT_EQ(at(20, 10, 0), 178);  // cv2.resize(chelsea, (73, 48))
  EXPECT_EQ(at(20, 10, 1), 135);
  EXPECT_EQ(at(20, 10, 2), 102);
  EXPECT_EQ(at(72, 47, 0), 172);
  EXPECT_EQ(at(73, 47, 0), -1.0f);
  EXPECT_EQ(at(319, 0, 2), -1.0f);
  // Letterbox 600x400 into 320x320: content 320x213 (cv2.resize(coffee, (320, 213))), padded below.
  pp.resize = ResizeMode::kLetterbox;
  pp.width = pp.height = 320;
  ASSERT_TRUE(load_image(coffee, pp, &t, &err)) << err;
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 320, 320, 3}));
  EXPECT_EQ(at(160, 106, 0), 249);
  EXPECT_EQ(at(319, 212, 0), 144);
  EXPECT_EQ(at(319, 212, 1), 63);
  EXPECT_EQ(at(319, 212, 2), 30);
  EXPECT_EQ(at(0, 213, 0), -1.0f);
}

TEST(Photo, JpegRocket) {
  const std::string path = skimage_dir() + "/rocket.jpg";
  REQUIRE_PHOTO(path);
  Image im;
  std::string err;
  ASSERT_TRUE(decode_image(path, &im, &err)) << err;
  EXPECT_EQ(im.width, 640);
  EXPECT_EQ(im.height, 427);
  EXPECT_EQ(im.source_channels, 3);
  // JPEG decoders may differ in the last bits (IDCT, chroma upsampling), so the
  // channel means are compared with libjpeg's (PIL's): 52.27, 61.29, 82.27.
  const double want[3] = {52.2657421, 61.29429889, 82.27113583};
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (size_t i = static_cast<size_t>(c); i < im.rgb.size(); i += 3) sum += im.rgb[i];
    EXPECT_NEAR(sum / (427.0 * 640.0), want[c], 0.5) << c;
  }
}

TEST(Photo, TruncatedJpegDoesNotCrash) {
  const std::string path = skimage_dir() + "/truncated.jpg";
  REQUIRE_PHOTO(path);
  Image im;
  std::string err;
  if (decode_image(path, &im, &err)) {
    EXPECT_EQ(im.rgb.size(), static_cast<size_t>(im.width) * im.height * 3);
  } else {
    EXPECT_TRUE(contains(err, "truncated.jpg: ")) << err;
  }
}

// Files made at test time with stb_image_write (nothing binary is checked in).
void write_to_vector(void* ctx, void* data, int size) {
  auto* v = static_cast<std::vector<uint8_t>*>(ctx);
  v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

TEST(Image, PngAndJpegWrittenHere) {
  TempDir dir;
  const int w = 48, h = 32;
  // Flat 16x16 blocks (JPEG's MCU) of distinct colours.
  std::vector<uint8_t> rgb;
  auto colour = [](int x, int y, int c) { return static_cast<uint8_t>(40 + 60 * ((x / 16 + 2 * (y / 16) + c) % 4)); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) rgb.push_back(colour(x, y, c));
  ASSERT_NE(stbi_write_png(dir.file("a.png").c_str(), w, h, 3, rgb.data(), w * 3), 0);
  ASSERT_NE(stbi_write_jpg(dir.file("a.jpg").c_str(), w, h, 3, rgb.data(), 100), 0);
  Image im;
  std::string err;
  ASSERT_TRUE(decode_image(dir.file("a.png"), &im, &err)) << err;
  EXPECT_EQ(im.width, w);
  EXPECT_EQ(im.height, h);
  EXPECT_EQ(im.rgb, rgb);
  ASSERT_TRUE(decode_image(dir.file("a.jpg"), &im, &err)) << err;
  EXPECT_EQ(im.width, w);
  EXPECT_EQ(im.height, h);
  // Lossy, but flat blocks at quality 100 come back nearly exactly, away from block edges.
  for (int y = 4; y < h; y += 16)
    for (int x = 4; x < w; x += 16)
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(px(im, x + 4, y + 4, c), colour(x, y, c), 3) << x << "," << y;

  // Grey and grey+alpha PNGs are replicated; RGBA loses its alpha.
  const std::vector<uint8_t> grey = {0, 50, 100, 150, 200, 250};
  ASSERT_NE(stbi_write_png(dir.file("g.png").c_str(), 3, 2, 1, grey.data(), 3), 0);
  ASSERT_TRUE(decode_image(dir.file("g.png"), &im, &err)) << err;
  EXPECT_EQ(im.source_channels, 1);
  for (size_t i = 0; i < grey.size(); ++i)
    for (int c = 0; c < 3; ++c) EXPECT_EQ(im.rgb[i * 3 + c], grey[i]);
  const std::vector<uint8_t> rgba = {1, 2, 3, 0, 4, 5, 6, 255};
  ASSERT_NE(stbi_write_png(dir.file("rgba.png").c_str(), 2, 1, 4, rgba.data(), 8), 0);
  ASSERT_TRUE(decode_image(dir.file("rgba.png"), &im, &err)) << err;
  EXPECT_EQ(im.source_channels, 4);
  EXPECT_EQ(im.rgb, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
  // The signature decides, not the name.
  ASSERT_EQ(std::rename(dir.file("a.png").c_str(), dir.file("a.jpeg").c_str()), 0);
  ASSERT_TRUE(decode_image(dir.file("a.jpeg"), &im, &err)) << err;
  EXPECT_EQ(im.rgb, rgb);
}

TEST(Image, HostileFiles) {
  std::vector<uint8_t> png;
  std::vector<uint8_t> rgb(8 * 8 * 3, 77);
  ASSERT_NE(stbi_write_png_to_func(write_to_vector, &png, 8, 8, 3, rgb.data(), 24), 0);
  std::vector<uint8_t> jpg;
  ASSERT_NE(stbi_write_jpg_to_func(write_to_vector, &jpg, 8, 8, 3, rgb.data(), 90), 0);
  Image im;
  std::string err;
  // Every truncation of a small PNG and JPEG: an error or a consistent image, never a crash.
  for (const std::vector<uint8_t>* f : {&png, &jpg}) {
    for (size_t n = 0; n < f->size(); ++n) {
      std::unique_ptr<uint8_t[]> exact(new uint8_t[n + 1]);
      if (n > 0) std::memcpy(exact.get(), f->data(), n);
      if (decode_image_memory(exact.get(), n, &im, &err)) {
        EXPECT_EQ(im.rgb.size(), static_cast<size_t>(im.width) * im.height * 3);
      } else {
        EXPECT_FALSE(err.empty());
      }
    }
  }
  // Random corruption after the signature.
  std::mt19937 rng(11);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> b = iter % 2 ? png : jpg;
    for (int k = 0; k < 3; ++k) b[8 + rng() % (b.size() - 8)] = static_cast<uint8_t>(rng());
    if (decode_image_memory(b.data(), b.size(), &im, &err)) {
      EXPECT_EQ(im.rgb.size(), static_cast<size_t>(im.width) * im.height * 3);
    }
  }
  // Other formats are refused by signature.
  const std::string bmp("BM\x46\0\0\0\0\0\0\0\x36\0\0\0", 14);
  EXPECT_FALSE(decode_image_memory(reinterpret_cast<const uint8_t*>(bmp.data()), bmp.size(), &im, &err));
  EXPECT_TRUE(contains(err, "not a PNG or JPEG")) << err;
  const std::string gif("GIF89a\x01\0\x01\0\0\0\0", 13);
  EXPECT_FALSE(decode_image_memory(reinterpret_cast<const uint8_t*>(gif.data()), gif.size(), &im, &err));
  // A PNG header claiming 100000 x 100000 pixels is refused before decoding.
  std::vector<uint8_t> huge = png;
  const uint32_t side = 100000;
  for (int i = 0; i < 4; ++i) {
    huge[16 + i] = static_cast<uint8_t>(side >> (24 - 8 * i));  // IHDR width
    huge[20 + i] = static_cast<uint8_t>(side >> (24 - 8 * i));  // IHDR height
  }
  EXPECT_FALSE(decode_image_memory(huge.data(), huge.size(), &im, &err));
  EXPECT_FALSE(err.empty());
  TempDir dir;
  EXPECT_FALSE(decode_image(dir.file("none.png"), &im, &err));
  EXPECT_TRUE(contains(err, "cannot open")) << err;
  Tensor t;
  EXPECT_FALSE(load_image(dir.file("none.png"), ImagePreprocess(), &t, &err));
}

TEST(CalibrationFiles, ListedSorted) {
  TempDir dir;
  for (const char* n : {"b.png", "a.npy", "c.JPG", "d.bin", "e.txt", ".hidden.png", "f.jpeg", "noext"})
    write_bytes(dir.file(n), {1});
  ASSERT_EQ(::mkdir(dir.file("sub.png").c_str(), 0700), 0);
  std::string err;
  const std::vector<std::string> got = list_calibration_files(dir.path(), &err);
  EXPECT_EQ(err, "");
  const std::vector<std::string> want = {dir.file("a.npy"), dir.file("b.png"), dir.file("c.JPG"), dir.file("d.bin"),
                                         dir.file("f.jpeg")};
  EXPECT_EQ(got, want);
  EXPECT_EQ(list_calibration_files(dir.path() + "/", &err), want);
  EXPECT_EQ(calibration_file_kind("x/y.NPY"), CalibrationFileKind::kNpy);
  EXPECT_EQ(calibration_file_kind("x.d/y"), CalibrationFileKind::kOther);
  EXPECT_EQ(calibration_file_kind("y.bin"), CalibrationFileKind::kRawF32);
  EXPECT_TRUE(list_calibration_files(dir.file("missing"), &err).empty());
  EXPECT_TRUE(contains(err, "cannot read folder")) << err;
  ::rmdir(dir.file("sub.png").c_str());
}

}  // namespace
}  // namespace octet::cvt

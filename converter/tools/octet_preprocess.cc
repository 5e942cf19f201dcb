// octet-preprocess: an image -> the float32 .npy tensor a model takes, with the
// same preprocessing octet-convert's calibration uses (converter/io/image.h).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "converter/io/image.h"
#include "converter/io/npy.h"

using namespace octet::cvt;

static bool floats(const char* s, std::vector<float>* v) {
  v->clear();
  char* end = nullptr;
  for (const char* p = s;; p = end + 1) {
    v->push_back(std::strtof(p, &end));
    if (end == p) return false;
    if (*end != ',') return *end == 0;
  }
}

int main(int argc, char** argv) {
  ImagePreprocess pp;
  std::string in, out;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "-o" && has) out = argv[++i];
    else if (a == "--size" && has) {
      if (std::sscanf(argv[++i], "%dx%d", &pp.width, &pp.height) != 2) return std::fprintf(stderr, "octet-preprocess: --size WxH\n"), 2;
    } else if (a == "--mean" && has) {
      if (!floats(argv[++i], &pp.mean)) return std::fprintf(stderr, "octet-preprocess: bad --mean\n"), 2;
    } else if (a == "--std" && has) {
      if (!floats(argv[++i], &pp.std)) return std::fprintf(stderr, "octet-preprocess: bad --std\n"), 2;
    } else if (a == "--bgr") pp.bgr = true;
    else if (a == "--resize" && has) {
      const std::string m = argv[++i];
      if (m == "stretch") pp.resize = ResizeMode::kStretch;
      else if (m == "letterbox") pp.resize = ResizeMode::kLetterbox;
      else if (m == "fit-height") pp.resize = ResizeMode::kFitHeight;
      else return std::fprintf(stderr, "octet-preprocess: --resize stretch|letterbox|fit-height\n"), 2;
    } else if (a == "--nhwc") pp.layout = ImageLayout::kNHWC;
    else if (a[0] != '-' && in.empty()) in = a;
    else {
      std::fprintf(stderr,
                   "usage: octet-preprocess IMAGE -o OUT.npy [--size WxH] [--resize stretch|letterbox|fit-height]\n"
                   "                        [--mean A,B,C] [--std A,B,C] [--bgr] [--nhwc]\n");
      return 2;
    }
  }
  if (in.empty() || out.empty()) return std::fprintf(stderr, "octet-preprocess: IMAGE and -o OUT.npy are required\n"), 2;
  Tensor t;
  std::string e;
  if (!load_image(in, pp, &t, &e) || !write_npy(out, t, &e)) {
    std::fprintf(stderr, "octet-preprocess: %s\n", e.c_str());
    return 1;
  }
  return 0;
}

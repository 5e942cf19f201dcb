// octet-convert: ONNX model -> .octet model (INT8 with calibration, or float).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "converter/pipeline/convert.h"

using namespace octet::cvt;

namespace {

void usage(FILE* f) {
  std::fprintf(f,
               "usage: octet-convert MODEL.onnx -o OUT.octet [options]\n"
               "  --input-shape NAME=D0,D1,...  fix a graph input's shape (repeatable)\n"
               "  --calib PATH                  folder of calibration samples: images (PNG/JPEG), .npy or\n"
               "                                float32 .bin (one subfolder per input for several inputs)\n"
               "  --calib-method M              minmax (default), percentile, entropy, mse (least squared\n"
               "                                quantization error per tensor; reports what it clipped)\n"
               "  --percentile P                for percentile (default 99.99)\n"
               "  --calib-limit N               use at most N samples\n"
               "  --calib-cache FILE.json       reuse ranges from FILE when it matches; else write them there\n"
               "  --mean A,B,C --std A,B,C      image preprocessing: (pixel * scale - mean) / std\n"
               "  --scale S                     pixel scale (default 1/255)\n"
               "  --size WxH                    resize images to W x H (default: the input's size)\n"
               "  --resize stretch|letterbox|fit-height\n"
               "  --layout nchw|nhwc            layout of image tensors (default nchw)\n"
               "  --bgr                         feed channels as B, G, R\n"
               "  --keep-float NODE[,NODE...]   keep these nodes in float\n"
               "  --keep-float N                keep the N layers that hurt the outputs most in float\n"
               "                                (measured one layer at a time: --sensitivity)\n"
               "  --max-error E                 or: the fewest such layers that bring the relative output\n"
               "                                error (squared error / signal) to E, e.g. 0.01 = 20 dB SQNR\n"
               "  --max-float-macs P            with --max-error: at most P%% of the MACs in float (default 5)\n"
               "  --sensitivity                 print each layer's effect on the outputs (INT8 alone)\n"
               "  --sensitivity-samples N       calibration samples the analysis runs (default 4)\n"
               "  --equalize                    cross-layer equalization of Conv -> (Relu) -> Conv weights\n"
               "  --equalize-rule R             balance (default: activation and weight channel ranges\n"
               "                                balanced), activation (activation channels equal), weights\n"
               "                                (data-free DFQ)\n"
               "  --equalize-samples N          calibration samples its channel ranges use (default 16, 0: all)\n"
               "  --bias-correction             subtract each INT8 layer's mean quantization error from its bias\n"
               "  --float                       no quantization: a float model\n"
               "  --report-samples N            samples the per-layer report uses (default 4, 0: none)\n"
               "  --report-json FILE            per-layer report as JSON\n"
               "  --report-steps                the per-layer report after each step (min-max, the method,\n"
               "                                --equalize, --bias-correction, the float layers)\n"
               "  --emit-qdq OUT.onnx           also write the same quantization as a QDQ ONNX model\n"
               "  --quiet                       no progress or summaries\n");
}

bool parse_floats(const char* s, std::vector<float>* v) {
  v->clear();
  std::string str(s);
  size_t p = 0;
  while (p <= str.size()) {
    const size_t c = str.find(',', p);
    const std::string tok = str.substr(p, c == std::string::npos ? std::string::npos : c - p);
    char* end = nullptr;
    const float f = std::strtof(tok.c_str(), &end);
    if (tok.empty() || *end) return false;
    v->push_back(f);
    if (c == std::string::npos) break;
    p = c + 1;
  }
  return true;
}

bool parse_shape(const std::string& s, std::string* name, std::vector<int64_t>* dims) {
  const size_t eq = s.rfind('=');
  if (eq == std::string::npos || eq == 0) return false;
  *name = s.substr(0, eq);
  std::vector<float> f;
  if (!parse_floats(s.c_str() + eq + 1, &f)) return false;
  dims->clear();
  for (float x : f) {
    if (x < 1 || x != static_cast<float>(static_cast<int64_t>(x)) || x > 1e6f) return false;
    dims->push_back(static_cast<int64_t>(x));
  }
  return !dims->empty();
}

}  // namespace

int main(int argc, char** argv) {
  ConvertOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "octet-convert: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (a == "-o" || a == "--output") {
      o.output_path = next();
    } else if (a == "--input-shape") {
      std::string name;
      std::vector<int64_t> dims;
      const std::string v = next();
      if (!parse_shape(v, &name, &dims)) {
        std::fprintf(stderr, "octet-convert: --input-shape '%s': expected NAME=D0,D1,... with positive integers\n", v.c_str());
        return 2;
      }
      o.import.input_shapes[name] = dims;
    } else if (a == "--calib") {
      o.calib_path = next();
    } else if (a == "--calib-method") {
      const std::string m = next();
      if (!parse_calib_method(m, &o.calib.method)) {
        std::fprintf(stderr, "octet-convert: unknown --calib-method '%s' (minmax, percentile, entropy, mse)\n", m.c_str());
        return 2;
      }
    } else if (a == "--percentile") {
      o.calib.percentile = std::atof(next());
      if (!(o.calib.percentile > 50 && o.calib.percentile <= 100)) {
        std::fprintf(stderr, "octet-convert: --percentile must be in (50, 100]\n");
        return 2;
      }
    } else if (a == "--calib-limit") {
      o.calib_limit = static_cast<size_t>(std::atol(next()));
    } else if (a == "--calib-cache") {
      o.calib_cache = next();
    } else if (a == "--mean" || a == "--std") {
      const char* v = next();
      if (!parse_floats(v, a == "--mean" ? &o.preprocess.mean : &o.preprocess.std)) {
        std::fprintf(stderr, "octet-convert: %s '%s': expected comma-separated numbers\n", a.c_str(), v);
        return 2;
      }
    } else if (a == "--scale") {
      o.preprocess.scale = static_cast<float>(std::atof(next()));
    } else if (a == "--size") {
      const char* v = next();
      if (std::sscanf(v, "%dx%d", &o.preprocess.width, &o.preprocess.height) != 2 || o.preprocess.width < 1 ||
          o.preprocess.height < 1) {
        std::fprintf(stderr, "octet-convert: --size '%s': expected WxH\n", v);
        return 2;
      }
    } else if (a == "--resize") {
      const std::string v = next();
      if (v == "stretch") o.preprocess.resize = ResizeMode::kStretch;
      else if (v == "letterbox") o.preprocess.resize = ResizeMode::kLetterbox;
      else if (v == "fit-height") o.preprocess.resize = ResizeMode::kFitHeight;
      else {
        std::fprintf(stderr, "octet-convert: --resize '%s': stretch, letterbox or fit-height\n", v.c_str());
        return 2;
      }
    } else if (a == "--layout") {
      const std::string v = next();
      if (v == "nchw") o.preprocess.layout = ImageLayout::kNCHW;
      else if (v == "nhwc") o.preprocess.layout = ImageLayout::kNHWC;
      else {
        std::fprintf(stderr, "octet-convert: --layout '%s': nchw or nhwc\n", v.c_str());
        return 2;
      }
    } else if (a == "--bgr") {
      o.preprocess.bgr = true;
    } else if (a == "--keep-float") {
      std::string v = next();
      char* end = nullptr;
      const long count = std::strtol(v.c_str(), &end, 10);
      if (!v.empty() && *end == 0) {  // a number: the N most sensitive layers
        if (count < 0) {
          std::fprintf(stderr, "octet-convert: --keep-float %s: a count must be >= 0\n", v.c_str());
          return 2;
        }
        o.keep_float_count = static_cast<size_t>(count);
        continue;
      }
      size_t p = 0;
      while (p <= v.size()) {
        const size_t c = v.find(',', p);
        o.keep_float.insert(v.substr(p, c == std::string::npos ? std::string::npos : c - p));
        if (c == std::string::npos) break;
        p = c + 1;
      }
    } else if (a == "--max-error") {
      const char* v = next();
      o.max_error = std::atof(v);
      if (!(o.max_error > 0 && o.max_error < 1)) {
        std::fprintf(stderr, "octet-convert: --max-error '%s': a relative output error in (0, 1), e.g. 0.01 (20 dB)\n", v);
        return 2;
      }
    } else if (a == "--max-float-macs") {
      const char* v = next();
      o.max_float_macs = std::atof(v) / 100.0;
      if (!(o.max_float_macs >= 0 && o.max_float_macs <= 1)) {
        std::fprintf(stderr, "octet-convert: --max-float-macs '%s': a percentage in [0, 100]\n", v);
        return 2;
      }
    } else if (a == "--sensitivity") {
      o.sensitivity = true;
    } else if (a == "--sensitivity-samples") {
      const long v = std::atol(next());
      if (v < 1) {
        std::fprintf(stderr, "octet-convert: --sensitivity-samples must be >= 1\n");
        return 2;
      }
      o.sensitivity_samples = static_cast<size_t>(v);
    } else if (a == "--equalize") {
      o.equalize = true;
    } else if (a == "--equalize-rule") {
      const std::string r = next();
      if (r == "balance") o.equalize_rule = EqualizeRule::kBalance;
      else if (r == "activation") o.equalize_rule = EqualizeRule::kActivation;
      else if (r == "weights") o.equalize_rule = EqualizeRule::kWeights;
      else {
        std::fprintf(stderr, "octet-convert: --equalize-rule: balance, activation or weights, not '%s'\n", r.c_str());
        return 2;
      }
      o.equalize = true;
    } else if (a == "--equalize-samples") {
      o.equalize_samples = static_cast<size_t>(std::atol(next()));
    } else if (a == "--bias-correction") {
      o.bias_correction = true;
    } else if (a == "--float") {
      o.quantize = false;
    } else if (a == "--report-samples") {
      o.report_samples = static_cast<size_t>(std::atol(next()));
    } else if (a == "--report-steps") {
      o.report_steps = true;
    } else if (a == "--report-json") {
      o.report_json = next();
    } else if (a == "--emit-qdq") {
      o.emit_qdq = next();
    } else if (a == "--quiet") {
      o.verbose = false;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "octet-convert: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    } else if (o.input_path.empty()) {
      o.input_path = a;
    } else {
      std::fprintf(stderr, "octet-convert: more than one model given ('%s')\n", a.c_str());
      return 2;
    }
  }
  if (o.input_path.empty() || o.output_path.empty()) {
    usage(stderr);
    return 2;
  }
  ConvertResult r;
  std::string error;
  if (!convert_model(o, &r, &error)) {
    std::fprintf(stderr, "octet-convert: %s\n", error.c_str());
    return 1;
  }
  if (o.verbose) {
    print_dispatch_summary(r.lowered, stdout);
    if (!r.layers.empty()) {
      std::printf("per-layer quality (INT8 vs float, %zu samples), worst first:\n",
                  std::min(o.report_samples, r.calib_samples));
      std::printf("  %-40s %-18s %9s %9s\n", "value", "op", "SQNR dB", "cosine");
      for (size_t i = 0; i < r.layers.size() && i < o.report_rows; ++i)
        std::printf("  %-40.40s %-18s %9.2f %9.5f\n", r.layers[i].value.c_str(), r.layers[i].op_type.c_str(),
                    r.layers[i].sqnr_db, r.layers[i].cosine);
      for (const auto& kv : r.outputs)
        std::printf("output %-33.33s SQNR %.2f dB, cosine %.5f\n", kv.first.c_str(), kv.second.sqnr_db, kv.second.cosine);
    }
    if (!r.steps.empty()) {
      // What each step did to the layers that end up worst, and to the outputs.
      std::printf("SQNR (dB) after each step, for the %zu worst layers:\n  %-34s", std::min(o.report_rows, r.layers.size()), "value");
      for (const auto& st : r.steps) std::printf(" %14.14s", st.name.c_str());
      std::printf("\n");
      for (size_t i = 0; i < r.layers.size() && i < o.report_rows; ++i) {
        std::printf("  %-34.34s", r.layers[i].value.c_str());
        for (const auto& st : r.steps) {
          auto it = st.sqnr_db.find(r.layers[i].value);
          if (it == st.sqnr_db.end()) std::printf(" %14s", "-");
          else std::printf(" %14.2f", it->second);
        }
        std::printf("\n");
      }
      std::printf("  %-34s", "outputs");
      for (const auto& st : r.steps) std::printf(" %14.2f", st.output_sqnr_db);
      std::printf("\n");
    }
    if (r.float_layers)
      std::printf("float: %zu layers chosen by the budget, %.2f%% of the MACs in float in all\n", r.float_layers,
                  100 * r.float_mac_fraction);
    std::printf("wrote %s\n", o.output_path.c_str());
  }
  return 0;
}

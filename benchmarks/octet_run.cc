// octet-run: loads a model, runs it on inputs, prints the outputs and timings,
// and (with --output-dir) writes every output as a .npy file. The seed of
// octet-bench; it goes through the public C++ wrapper (the C API).
//
//   octet-run MODEL.octet [--input [NAME=]FILE]... [--output-dir DIR]
//             [--threads N] [--runs N] [--profile]
//
// Inputs: FILE is a .npy file (any dtype the converter's reader accepts, taken as
// float) or, under any other name, raw little-endian float32. Either way it holds
// the input in the model's float order and shape (NCHW for image inputs: the
// `float_dims` of octet_tensor_info); a .npy shape may differ only by leading 1s.
// `--input FILE` without NAME= is input 0. Inputs not given are pseudo-random
// (fixed seed) in [-1, 1] — except with --output-dir, where every input must be
// given.
//
// --output-dir DIR: the plain runner. One inference (or --runs N), then every
// output is written dequantized to float32, NCHW when the output is marked nchw,
// as DIR/<name>.npy with characters outside [A-Za-z0-9._-] of the name replaced
// by '_' (an empty name becomes "output"; a name clashing with an earlier one
// gets "_<index>" appended). DIR is created if needed.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "converter/io/npy.h"
#include "octet/octet.hpp"

namespace {

using octet::cvt::Tensor;

std::string dims(const int64_t* d, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

int usage() {
  std::fprintf(stderr,
               "usage: octet-run MODEL.octet [--input [NAME=]FILE]... [--output-dir DIR]\n"
               "                 [--threads N] [--runs N] [--profile]\n"
               "  FILE: .npy, or raw float32 (e.g. .bin, .f32) in the input's float shape (NCHW for images)\n"
               "  --output-dir DIR: run once and write every output as DIR/<name>.npy (float32)\n");
  return 2;
}

bool parse_int(const char* s, int lo, int* v) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || x < lo || x > 1 << 20) return false;
  *v = static_cast<int>(x);
  return true;
}

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

// Creates dir and its parents (mkdir -p).
bool make_dirs(const std::string& dir, std::string* error) {
  std::string sofar;
  size_t pos = 0;
  while (pos <= dir.size()) {
    const size_t next = dir.find('/', pos);
    sofar = dir.substr(0, next == std::string::npos ? dir.size() : next);
    if (!sofar.empty() && ::mkdir(sofar.c_str(), 0777) != 0 && errno != EEXIST) {
      *error = sofar + ": cannot create folder: " + std::strerror(errno);
      return false;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = dir + ": not a folder";
    return false;
  }
  return true;
}

std::string file_name_for(const char* name) {
  std::string s = name != nullptr ? name : "";
  for (char& c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return s;
}

std::string input_names(const octet::Model& model) {
  std::string s;
  for (size_t i = 0; i < model.num_inputs(); ++i) s += std::string(i ? ", " : "") + "'" + model.input(i).name + "'";
  return s;
}

// Shapes equal once leading 1s are dropped from both.
bool same_shape(const std::vector<int64_t>& a, const int64_t* b, int rank) {
  size_t i = 0, j = 0;
  const size_t nb = static_cast<size_t>(rank);
  while (i < a.size() && a[i] == 1) ++i;
  while (j < nb && b[j] == 1) ++j;
  return std::equal(a.begin() + static_cast<std::ptrdiff_t>(i), a.end(), b + j, b + nb);
}

// Reads the float data of one input from a file.
bool read_input(const std::string& path, const octet_tensor_info& in, std::vector<float>* data, std::string* error) {
  const std::vector<int64_t> shape(in.float_dims, in.float_dims + in.rank);
  Tensor t;
  if (ends_with(path, ".npy")) {
    if (!octet::cvt::read_npy(path, &t, error)) return false;
    if (!same_shape(t.shape, in.float_dims, in.rank)) {
      *error = path + ": input '" + in.name + "' has shape " + dims(in.float_dims, in.rank) +
               (in.nchw ? " (NCHW)" : "") + "; the file has " + octet::cvt::shape_str(t.shape);
      return false;
    }
  } else if (!octet::cvt::read_raw_f32(path, shape, &t, error)) {
    *error += std::string(" (input '") + in.name + "' " + dims(in.float_dims, in.rank) + (in.nchw ? " NCHW" : "") +
              "; give a .npy file for other types)";
    return false;
  }
  *data = t.to_floats();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::vector<std::string> input_args;
  std::string output_dir;
  int threads = 1, runs = -1;
  bool profile = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--input" && i + 1 < argc) input_args.push_back(argv[++i]);
    else if (a == "--output-dir" && i + 1 < argc) output_dir = argv[++i];
    else if (a == "--threads" && i + 1 < argc) {
      if (!parse_int(argv[++i], 1, &threads)) return usage();
    } else if (a == "--runs" && i + 1 < argc) {
      if (!parse_int(argv[++i], 1, &runs)) return usage();
    } else if (a == "--profile") profile = true;
    else if (!a.empty() && a[0] != '-' && path == nullptr) path = argv[i];
    else return usage();
  }
  if (path == nullptr) return usage();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines and errors in the order they happen
  const bool write_outputs = !output_dir.empty();
  if (runs < 0) runs = write_outputs ? 1 : 10;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    octet::Model model = octet::Model::FromFile(path);
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("model      %s: %zu operators, load %.3f ms\n", path, model.num_operators(),
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    std::printf("cpu        %s\n", octet_cpu_description());
    std::printf("arena      %zu bytes (lower bound %zu)\n", model.arena_bytes(), model.arena_lower_bound_bytes());

    // Which file feeds which input.
    std::vector<std::string> files(model.num_inputs());
    for (const std::string& arg : input_args) {
      const size_t eq = arg.find('=');
      int index = -1;
      std::string file = arg;
      if (eq != std::string::npos) {
        index = octet_model_find_input(model.get(), arg.substr(0, eq).c_str());
        if (index >= 0) file = arg.substr(eq + 1);
        else if (!is_file(arg)) {
          std::fprintf(stderr, "octet-run: --input %s: the model has no input '%s' (inputs: %s)\n", arg.c_str(),
                       arg.substr(0, eq).c_str(), input_names(model).c_str());
          return 1;
        }
      }
      if (index < 0) index = 0;
      if (model.num_inputs() == 0) {
        std::fprintf(stderr, "octet-run: --input %s: the model has no inputs\n", arg.c_str());
        return 1;
      }
      if (!files[static_cast<size_t>(index)].empty()) {
        std::fprintf(stderr, "octet-run: input '%s' is given twice\n", model.input(static_cast<size_t>(index)).name);
        return 1;
      }
      files[static_cast<size_t>(index)] = file;
    }
    if (write_outputs) {
      std::string missing;
      for (size_t i = 0; i < files.size(); ++i)
        if (files[i].empty()) missing += std::string(missing.empty() ? "" : ", ") + "'" + model.input(i).name + "'";
      if (!missing.empty()) {
        std::fprintf(stderr, "octet-run: --output-dir needs every input; missing %s (give --input NAME=FILE)\n",
                     missing.c_str());
        return 1;
      }
    }

    octet::Session session(model, threads, profile);
    for (size_t i = 0; i < model.num_inputs(); ++i) {
      const octet_tensor_info in = model.input(i);
      std::vector<float> data(in.element_count);
      if (!files[i].empty()) {
        std::string err;
        if (!read_input(files[i], in, &data, &err)) {
          std::fprintf(stderr, "octet-run: %s\n", err.c_str());
          return 1;
        }
      } else {
        std::mt19937 rng(42 + static_cast<unsigned>(i));
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (float& v : data) v = u(rng);
      }
      std::printf("input %zu    '%s' %s%s <- %s\n", i, in.name, dims(in.float_dims, in.rank).c_str(),
                  in.nchw ? " (NCHW)" : "", files[i].empty() ? "random [-1, 1]" : files[i].c_str());
      session.set_input(i, data);
    }
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
      const auto a = std::chrono::steady_clock::now();
      session.invoke();
      const auto b = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    std::printf("latency    first %.3f ms, median %.3f ms, min %.3f ms over %d runs, %d thread(s)\n", ms[0],
                sorted[sorted.size() / 2], sorted[0], runs, threads);

    if (write_outputs) {
      std::string err;
      if (!make_dirs(output_dir, &err)) {
        std::fprintf(stderr, "octet-run: %s\n", err.c_str());
        return 1;
      }
    }
    std::set<std::string> used;
    for (size_t i = 0; i < model.num_outputs(); ++i) {
      const octet_tensor_info out = model.output(i);
      const std::vector<float> v = session.output(i);
      std::printf("output %zu   '%s' %s%s\n", i, out.name, dims(out.float_dims, out.rank).c_str(),
                  out.nchw ? " (NCHW)" : "");
      if (write_outputs) {
        std::string base = file_name_for(out.name);
        if (base.empty()) base = "output";
        while (used.count(base) != 0) base += "_" + std::to_string(i);
        used.insert(base);
        const std::string file = output_dir + (output_dir.back() == '/' ? "" : "/") + base + ".npy";
        const Tensor t = Tensor::from_floats(std::vector<int64_t>(out.float_dims, out.float_dims + out.rank), v);
        std::string err;
        if (!octet::cvt::write_npy(file, t, &err)) {
          std::fprintf(stderr, "octet-run: %s\n", err.c_str());
          return 1;
        }
        std::printf("           wrote %s (float32 %s)\n", file.c_str(), dims(out.float_dims, out.rank).c_str());
        continue;
      }
      std::vector<size_t> idx(v.size());
      std::iota(idx.begin(), idx.end(), 0);
      const size_t k = std::min<size_t>(5, v.size());
      std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](size_t a, size_t b) { return v[a] > v[b]; });
      for (size_t j = 0; j < k; ++j) std::printf("           top-%zu: index %zu = %.6f\n", j + 1, idx[j], v[idx[j]]);
    }
    if (profile) {
      std::printf("profile of the last run:\n");
      for (size_t i = 0; i < model.num_operators(); ++i) {
        const octet_operator_profile p = session.profile(i);
        std::printf("  %3zu %-18s %-14s %-34s %9.3f ms\n", i, p.name, p.type, p.kernel, p.time_ns / 1e6);
      }
    }
  } catch (const octet::Error& e) {
    std::fprintf(stderr, "octet-run: %s\n", e.what());
    return 1;
  }
  return 0;
}

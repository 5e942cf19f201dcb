// octet-run: loads a model, runs it on an input, prints the outputs and timings.
// The seed of octet-bench; it goes through the public C++ wrapper (the C API).
//
//   octet-run MODEL.octet [--input FILE.f32] [--threads N] [--runs N] [--profile]
//
// Without --input, the input is pseudo-random (fixed seed) in [-1, 1]. FILE.f32 is
// raw little-endian float32 in the input's float order (NCHW for image inputs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "octet/octet.hpp"

namespace {

std::string dims(const int64_t* d, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

int usage() {
  std::fprintf(stderr, "usage: octet-run MODEL.octet [--input FILE.f32] [--threads N] [--runs N] [--profile]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* input_path = nullptr;
  int threads = 1, runs = 10;
  bool profile = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--input" && i + 1 < argc) input_path = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--profile") profile = true;
    else if (a[0] != '-' && path == nullptr) path = argv[i];
    else return usage();
  }
  if (path == nullptr || runs < 1) return usage();
  try {
    const auto t0 = std::chrono::steady_clock::now();
    octet::Model model = octet::Model::FromFile(path);
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("model      %s: %zu operators, load %.3f ms\n", path, model.num_operators(),
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    std::printf("cpu        %s\n", octet_cpu_description());
    std::printf("arena      %zu bytes (lower bound %zu)\n", model.arena_bytes(), model.arena_lower_bound_bytes());
    octet::Session session(model, threads, profile);
    for (size_t i = 0; i < model.num_inputs(); ++i) {
      const octet_tensor_info in = model.input(i);
      std::vector<float> data(in.element_count);
      if (input_path != nullptr && i == 0) {
        std::ifstream f(input_path, std::ios::binary);
        f.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float)));
        if (!f || f.peek() != EOF) {
          std::fprintf(stderr, "octet-run: %s must hold exactly %zu float32 values\n", input_path, data.size());
          return 1;
        }
      } else {
        std::mt19937 rng(42 + static_cast<unsigned>(i));
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (float& v : data) v = u(rng);
      }
      std::printf("input %zu    '%s' %s%s\n", i, in.name, dims(in.float_dims, in.rank).c_str(), in.nchw ? " (NCHW)" : "");
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
    std::printf("latency    first %.3f ms, median %.3f ms, min %.3f ms over %d runs, %d thread(s)\n", ms[0], sorted[sorted.size() / 2],
                sorted[0], runs, threads);
    for (size_t i = 0; i < model.num_outputs(); ++i) {
      const octet_tensor_info out = model.output(i);
      const std::vector<float> v = session.output(i);
      std::printf("output %zu   '%s' %s\n", i, out.name, dims(out.float_dims, out.rank).c_str());
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

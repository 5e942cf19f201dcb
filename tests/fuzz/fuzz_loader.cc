// Fuzz target: the model loader. Bytes -> load (container, tensors, graph,
// operators) -> when it loads, run it on the reference kernels and on the CPU's
// best kernel path (one and two threads; Winograd or GEMM for 3x3 stride-1
// convolutions) with inputs derived from the bytes.
// Invariants checked besides "no crash, no sanitizer report":
//  - a refusal has status INVALID_MODEL or UNSUPPORTED and a message;
//  - a model that loads on one path loads on the other, and runs;
//  - every path and thread count gives the reference path's output bytes.
// Models whose activations or multiply-accumulates exceed "tiny" are loaded but
// not run, so one input never takes seconds.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel-path.h"
#include "octet/octet.h"
#include "runtime/cpu.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using octet::rt::Model;
using octet::rt::Status;

constexpr size_t kMaxArenaBytes = size_t{4} << 20;
constexpr uint64_t kMaxMacs = 20'000'000;

bool tiny(const Model& m) {
  if (m.arena_plan().arena_bytes > kMaxArenaBytes) return false;
  uint64_t macs = 0;
  for (const auto& op : m.operators()) macs += op->macs;
  return macs <= kMaxMacs;
}

// Sets every input from `seed` (floats in [-3, 3) with a few NaN / inf, raw bytes
// otherwise), invokes, reads every output raw.
Status run(const std::shared_ptr<const Model>& m, int threads, uint64_t seed, std::vector<std::vector<uint8_t>>* out) {
  std::unique_ptr<octet::rt::Session> s;
  octet::rt::SessionOptions o;
  o.num_threads = threads;
  OCTET_RETURN_IF_ERROR(octet::rt::Session::Create(m, o, &s));
  octet_fuzz::Rng rng(seed);
  for (size_t i = 0; i < m->inputs().size(); ++i) {
    const octet::rt::Tensor& t = m->tensors()[m->inputs()[i].tensor];
    if (t.type == octet::rt::DType::kFloat32) {
      std::vector<float> v(t.elements);
      for (float& x : v) {
        const uint64_t r = rng.next();
        x = (r & 255) == 0 ? INFINITY : (r & 255) == 1 ? -INFINITY : (r & 255) == 2 ? NAN
                                                                                   : static_cast<float>(r >> 40) / 16777216.0f * 6.0f - 3.0f;
      }
      OCTET_RETURN_IF_ERROR(s->set_input_float(i, v.data(), v.size()));
    } else {
      std::vector<uint8_t> v(t.bytes);
      for (uint8_t& b : v) b = static_cast<uint8_t>(rng.next() >> 56);
      OCTET_RETURN_IF_ERROR(s->set_input_raw(i, v.data(), v.size()));
    }
  }
  OCTET_RETURN_IF_ERROR(s->invoke());
  out->clear();
  for (size_t i = 0; i < m->outputs().size(); ++i) {
    const octet::rt::Tensor& t = m->tensors()[m->outputs()[i].tensor];
    std::vector<uint8_t> v(t.bytes);
    OCTET_RETURN_IF_ERROR(s->get_output_raw(i, v.data(), v.size()));
    out->push_back(std::move(v));
  }
  return Status::Ok();
}

// Byte equality, except that any two NaNs in a float32 output are equal (their
// payload is not part of the arithmetic's specification).
bool same_outputs(const Model& m, const std::vector<std::vector<uint8_t>>& a, const std::vector<std::vector<uint8_t>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (a[i].size() != b[i].size() || m.tensors()[m.outputs()[i].tensor].type != octet::rt::DType::kFloat32) return false;
    for (size_t k = 0; k + 4 <= a[i].size(); k += 4) {
      float x, y;
      std::memcpy(&x, &a[i][k], 4);
      std::memcpy(&y, &b[i][k], 4);
      if (std::memcmp(&x, &y, 4) != 0 && !(std::isnan(x) && std::isnan(y))) return false;
    }
  }
  return true;
}

void check_refusal(const Status& st, const char* path) {
  if (st.code() != OCTET_INVALID_MODEL && st.code() != OCTET_UNSUPPORTED) {
    octet_fuzz::fail(std::string("load on ") + path + " failed with status " + octet_status_string(st.code()) + ": " + st.message());
  }
  if (st.message().empty()) octet_fuzz::fail(std::string("load on ") + path + " failed without a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint64_t seed = octet_fuzz::hash_bytes(data, size);
  std::shared_ptr<const Model> ref;
  const Status st = octet_fuzz::load_exact(data, size, "reference", OCTET_WINOGRAD_OFF, &ref);
  const octet::KernelPath best_path = octet::rt::cpu_features().best;
  const char* best = octet::kernel_path_name(best_path);
  // 3x3 stride-1 convolutions on the best path: Winograd for half the inputs, GEMM
  // for the other half (never the load-time timing, which would make a run depend
  // on the machine's load).
  std::shared_ptr<const Model> fast;
  const Status st_fast = octet_fuzz::load_exact(data, size, best, (seed & 1) ? OCTET_WINOGRAD_ON : OCTET_WINOGRAD_OFF, &fast);
  if (!st.ok()) {
    check_refusal(st, "reference");
    // The file is refused whatever the kernel path (the checks are the format's).
    if (st_fast.ok()) octet_fuzz::fail(std::string("refused on the reference path (") + st.message() + ") but loads on " + best);
    return 0;
  }
  if (!st_fast.ok()) octet_fuzz::fail(std::string("loads on the reference path but not on ") + best + ": " + st_fast.message());
  if (!tiny(*ref)) return 0;
  std::vector<std::vector<uint8_t>> want, got;
  Status r = run(ref, 1, seed, &want);
  if (!r.ok()) octet_fuzz::fail("loaded model does not run on the reference path: " + r.message());
  for (int threads : {1, 2}) {
    r = run(fast, threads, seed, &got);
    if (!r.ok()) octet_fuzz::fail(std::string("loaded model does not run on ") + best + ": " + r.message());
    if (!same_outputs(*ref, want, got)) {
      octet_fuzz::fail(std::string("outputs on ") + best + " at " + std::to_string(threads) + " threads differ from the reference path");
    }
  }
  return 0;
}

#include "tests/support/internal_load.h"

#include <cstdlib>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "runtime/cpu.h"
#include "runtime/session.h"
#include "tests/support/test_util.h"

namespace octet_test {

namespace {

class ExactBytes final : public octet::rt::ModelBytes {
 public:
  ExactBytes(const uint8_t* p, size_t n) {
    // 64-byte aligned like the runtime's own copies; posix_memalign (unlike
    // aligned_alloc) takes any size, so the block ends exactly at byte n.
    if (posix_memalign(&mem_, 64, n == 0 ? 1 : n) != 0) std::abort();
    if (n != 0) std::memcpy(mem_, p, n);
    data_ = static_cast<const uint8_t*>(mem_);
    size_ = n;
  }
  ~ExactBytes() override { std::free(mem_); }

 private:
  void* mem_ = nullptr;
};

}  // namespace

octet::rt::Status load_exact(const uint8_t* data, size_t size, std::shared_ptr<const octet::rt::Model>* out,
                             const char* kernel_path, int winograd) {
  return octet::rt::Model::Load(std::unique_ptr<octet::rt::ModelBytes>(new ExactBytes(data, size)), out, kernel_path,
                                winograd);
}

std::vector<octet::KernelPath> runnable_kernel_paths() {
  std::vector<octet::KernelPath> paths;
  for (int i = 0; i < octet::kKernelPathCount; ++i) {
    const auto p = static_cast<octet::KernelPath>(i);
    if (octet::rt::kernel_path_supported(p)) paths.push_back(p);
  }
  return paths;
}

int expect_same_bytes_on_every_path(const std::vector<uint8_t>& file, uint32_t seed, const std::string& what,
                                    int winograd) {
  std::shared_ptr<const octet::rt::Model> ref_model;
  octet::rt::Status st = load_exact(file.data(), file.size(), &ref_model, "reference");
  EXPECT_TRUE(st.ok()) << what << ": " << st.message();
  if (!st.ok()) return 0;
  std::vector<std::vector<uint8_t>> want;
  st = run_once(ref_model, seed, &want, 1);
  EXPECT_TRUE(st.ok()) << what << ": " << st.message();
  if (!st.ok()) return 0;
  int compared = 0;
  for (const octet::KernelPath p : runnable_kernel_paths()) {
    const char* name = octet::kernel_path_name(p);
    std::shared_ptr<const octet::rt::Model> model;
    st = load_exact(file.data(), file.size(), &model, name, winograd);
    EXPECT_TRUE(st.ok()) << what << " [" << name << "]: " << st.message();
    if (!st.ok()) continue;
    for (int threads : {1, 2, 3}) {
      std::vector<std::vector<uint8_t>> got;
      st = run_once(model, seed, &got, threads);
      EXPECT_TRUE(st.ok()) << what << " [" << name << ", " << threads << " threads]: " << st.message();
      if (!st.ok()) continue;
      for (size_t o = 0; o < want.size() && o < got.size(); ++o) {
        size_t first = want[o].size();
        for (size_t b = 0; b < want[o].size() && b < got[o].size(); ++b) {
          if (want[o][b] != got[o][b]) {
            first = b;
            break;
          }
        }
        EXPECT_TRUE(first == want[o].size() && want[o].size() == got[o].size())
            << what << " [" << name << ", " << threads << " threads, kernel "
            << (model->operators().empty() ? "" : model->operators().back()->kernel) << "]: output " << o
            << " differs from the reference path at byte " << first << " of " << want[o].size() << " ("
            << (first < want[o].size() ? int(int8_t(got[o][first])) : 0) << " vs "
            << (first < want[o].size() ? int(int8_t(want[o][first])) : 0) << ")";
        ++compared;
      }
    }
  }
  return compared;
}

octet::rt::Status run_once(const std::shared_ptr<const octet::rt::Model>& model, uint32_t seed,
                           std::vector<std::vector<uint8_t>>* outputs, int num_threads) {
  std::unique_ptr<octet::rt::Session> session;
  octet::rt::SessionOptions options;
  options.num_threads = num_threads;
  OCTET_RETURN_IF_ERROR(octet::rt::Session::Create(model, options, &session));
  std::mt19937 rng(seed);
  for (size_t i = 0; i < model->inputs().size(); ++i) {
    const octet::rt::Tensor& t = model->tensors()[model->inputs()[i].tensor];
    if (t.type == octet::rt::DType::kFloat32) {
      const std::vector<float> v = random_floats(seed + static_cast<uint32_t>(i), t.elements, -2.5f, 2.5f);
      OCTET_RETURN_IF_ERROR(session->set_input_float(i, v.data(), v.size()));
    } else {
      std::vector<uint8_t> v(t.bytes);
      for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
      OCTET_RETURN_IF_ERROR(session->set_input_raw(i, v.data(), v.size()));
    }
  }
  OCTET_RETURN_IF_ERROR(session->invoke());
  for (size_t i = 0; i < model->outputs().size(); ++i) {
    const octet::rt::Tensor& t = model->tensors()[model->outputs()[i].tensor];
    std::vector<uint8_t> v(t.bytes);
    OCTET_RETURN_IF_ERROR(session->get_output_raw(i, v.data(), v.size()));
    if (outputs != nullptr) outputs->push_back(std::move(v));
  }
  return octet::rt::Status::Ok();
}

}  // namespace octet_test

#include "tests/support/internal_load.h"

#include <cstdlib>
#include <cstring>
#include <random>

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

octet::rt::Status load_exact(const uint8_t* data, size_t size, std::shared_ptr<const octet::rt::Model>* out) {
  return octet::rt::Model::Load(std::unique_ptr<octet::rt::ModelBytes>(new ExactBytes(data, size)), out);
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

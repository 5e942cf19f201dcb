#include "runtime/session.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/reference/qs8-quantize-reference.h"

namespace octet::rt {

namespace {

constexpr int kMaxThreads = 1024;

// Visits a 4-D NHWC tensor in NCHW order: f(nhwc_index, nchw_index).
template <typename F>
void for_each_nchw(const std::vector<int64_t>& nhwc, F&& f) {
  const size_t n = nhwc[0], h = nhwc[1], w = nhwc[2], c = nhwc[3];
  for (size_t in = 0; in < n; ++in)
    for (size_t ic = 0; ic < c; ++ic)
      for (size_t iy = 0; iy < h; ++iy)
        for (size_t ix = 0; ix < w; ++ix) f(((in * h + iy) * w + ix) * c + ic, ((in * c + ic) * h + iy) * w + ix);
}

}  // namespace

Status Session::Create(std::shared_ptr<const Model> model, const SessionOptions& options, std::unique_ptr<Session>* out) {
  if (options.num_threads < 1 || options.num_threads > kMaxThreads) {
    return Error(OCTET_INVALID_ARGUMENT) << "num_threads " << options.num_threads << " must be in [1, " << kMaxThreads << "]";
  }
  std::unique_ptr<Session> s(new (std::nothrow) Session());
  if (!s) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  s->model_ = std::move(model);
  s->options_ = options;
  const size_t arena = s->model_->arena_plan().arena_bytes;
  s->arena_ = static_cast<uint8_t*>(std::aligned_alloc(64, arena == 0 ? 64 : (arena + 63) / 64 * 64));
  if (s->arena_ == nullptr) return Error(OCTET_OUT_OF_MEMORY) << "cannot allocate an arena of " << arena << " bytes";
  s->slot_bytes_ = (s->model_->scratch_bytes_per_slot() + 63) / 64 * 64;
  if (s->slot_bytes_ != 0) {
    const size_t slots = static_cast<size_t>(options.num_threads);
    s->scratch_ = static_cast<uint8_t*>(std::aligned_alloc(64, s->slot_bytes_ * slots));
    if (s->scratch_ == nullptr) return Error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << slots << " scratch slots of " << s->slot_bytes_ << " bytes";
  }
  s->slot_busy_.reset(new (std::nothrow) std::atomic<uint8_t>[static_cast<size_t>(options.num_threads)]);
  if (!s->slot_busy_) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  for (int i = 0; i < options.num_threads; ++i) s->slot_busy_[i].store(0);
  const auto& tensors = s->model_->tensors();
  s->data_.assign(tensors.size(), nullptr);
  for (size_t i = 0; i < tensors.size(); ++i) {
    s->data_[i] = tensors[i].constant ? const_cast<uint8_t*>(tensors[i].data) : s->arena_ + tensors[i].arena_offset;
  }
  if (options.num_threads > 1) {
    s->pool_ = pthreadpool_create(static_cast<size_t>(options.num_threads));
    if (s->pool_ == nullptr) return Error(OCTET_OUT_OF_MEMORY) << "cannot create a pool of " << options.num_threads << " threads";
  }
  s->input_set_.assign(s->model_->inputs().size(), false);
  s->times_ns_.assign(s->model_->operators().size(), 0);
  s->starts_ns_.assign(s->model_->operators().size(), 0);
  *out = std::move(s);
  return Status::Ok();
}

Session::~Session() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
  std::free(arena_);
  std::free(scratch_);
}

Status Session::set_input_float(size_t index, const float* data, size_t count) {
  if (index >= model_->inputs().size()) return Error(OCTET_INVALID_ARGUMENT) << "input index " << index << " out of range (" << model_->inputs().size() << " inputs)";
  const GraphIO& io = model_->inputs()[index];
  const Tensor& t = model_->tensors()[io.tensor];
  if (count != t.elements) return Error(OCTET_INVALID_ARGUMENT) << "input '" << io.name << "' needs " << t.elements << " floats, got " << count;
  if (data == nullptr && count != 0) return Error(OCTET_INVALID_ARGUMENT) << "null input data";
  if (t.type == DType::kInt32) return Error(OCTET_INVALID_ARGUMENT) << "input '" << io.name << "' is int32; use the raw accessor";
  void* dst = data_[io.tensor];
  if (t.type == DType::kInt8) {
    auto* q = static_cast<int8_t*>(dst);
    if (io.nchw) {
      for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { q[nhwc] = quantize_value_s8(data[nchw], t.scale(), t.zero_point()); });
    } else {
      qs8_quantize__reference(count, data, t.scale(), t.zero_point(), q);
    }
  } else {
    auto* f = static_cast<float*>(dst);
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { f[nhwc] = data[nchw]; });
    else if (count != 0) std::memcpy(f, data, count * sizeof(float));
  }
  input_set_[index] = true;
  invoked_ = false;  // the arena may give an input the memory of an output
  return Status::Ok();
}

Status Session::set_input_raw(size_t index, const void* data, size_t size) {
  if (index >= model_->inputs().size()) return Error(OCTET_INVALID_ARGUMENT) << "input index " << index << " out of range (" << model_->inputs().size() << " inputs)";
  const GraphIO& io = model_->inputs()[index];
  const Tensor& t = model_->tensors()[io.tensor];
  if (size != t.bytes) return Error(OCTET_INVALID_ARGUMENT) << "input '" << io.name << "' needs " << t.bytes << " bytes, got " << size;
  if (data == nullptr && size != 0) return Error(OCTET_INVALID_ARGUMENT) << "null input data";
  if (size != 0) std::memcpy(data_[io.tensor], data, size);
  input_set_[index] = true;
  invoked_ = false;  // the arena may give an input the memory of an output
  return Status::Ok();
}

Status Session::invoke() {
  for (size_t i = 0; i < input_set_.size(); ++i) {
    if (!input_set_[i]) return Error(OCTET_INVALID_STATE) << "input '" << model_->inputs()[i].name << "' was not set before invoke";
  }
  ExecContext ctx;
  ctx.data = data_.data();
  ctx.pool = pool_;
  ctx.scratch = scratch_;
  ctx.slot_bytes = slot_bytes_;
  ctx.slots = static_cast<size_t>(options_.num_threads);
  ctx.slot_busy = slot_busy_.get();
  const auto& ops = model_->operators();
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i]->empty_output) continue;  // nothing to compute, however large the other dimensions
    if (options_.enable_profiling) {
      const auto t0 = std::chrono::steady_clock::now();
      ops[i]->run(ctx);
      const auto t1 = std::chrono::steady_clock::now();
      times_ns_[i] = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      starts_ns_[i] = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t0 - start).count());
    } else {
      ops[i]->run(ctx);
    }
  }
  invoked_ = true;
  return Status::Ok();
}

Status Session::get_output_float(size_t index, float* data, size_t count) const {
  if (!invoked_) return Error(OCTET_INVALID_STATE) << "outputs are read before the first invoke, or after an input was set since the last one";
  if (index >= model_->outputs().size()) return Error(OCTET_INVALID_ARGUMENT) << "output index " << index << " out of range (" << model_->outputs().size() << " outputs)";
  const GraphIO& io = model_->outputs()[index];
  const Tensor& t = model_->tensors()[io.tensor];
  if (count != t.elements) return Error(OCTET_INVALID_ARGUMENT) << "output '" << io.name << "' has " << t.elements << " elements, buffer holds " << count;
  if (data == nullptr && count != 0) return Error(OCTET_INVALID_ARGUMENT) << "null output buffer";
  const void* src = data_[io.tensor];
  if (t.type == DType::kInt8) {
    const auto* q = static_cast<const int8_t*>(src);
    const float s = t.scale();
    const int32_t z = t.zero_point();
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { data[nchw] = s * static_cast<float>(int32_t{q[nhwc]} - z); });
    else qs8_dequantize__reference(count, q, s, z, data);
  } else if (t.type == DType::kFloat32) {
    const auto* f = static_cast<const float*>(src);
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { data[nchw] = f[nhwc]; });
    else if (count != 0) std::memcpy(data, f, count * sizeof(float));
  } else {
    const auto* v = static_cast<const int32_t*>(src);
    for (size_t i = 0; i < count; ++i) data[i] = static_cast<float>(v[i]);
  }
  return Status::Ok();
}

Status Session::get_output_raw(size_t index, void* data, size_t size) const {
  if (!invoked_) return Error(OCTET_INVALID_STATE) << "outputs are read before the first invoke, or after an input was set since the last one";
  if (index >= model_->outputs().size()) return Error(OCTET_INVALID_ARGUMENT) << "output index " << index << " out of range (" << model_->outputs().size() << " outputs)";
  const GraphIO& io = model_->outputs()[index];
  const Tensor& t = model_->tensors()[io.tensor];
  if (size != t.bytes) return Error(OCTET_INVALID_ARGUMENT) << "output '" << io.name << "' has " << t.bytes << " bytes, buffer holds " << size;
  if (data == nullptr && size != 0) return Error(OCTET_INVALID_ARGUMENT) << "null output buffer";
  if (size != 0) std::memcpy(data, data_[io.tensor], size);
  return Status::Ok();
}

}  // namespace octet::rt

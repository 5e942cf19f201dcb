// The C API: handles around Model and Session; every entry point catches all
// exceptions so none crosses into C.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>
#include <string>
#include <unordered_set>

#include "octet/octet.h"
#include "runtime/cpu.h"
#include "runtime/model.h"
#include "runtime/session.h"

struct octet_model {
  std::shared_ptr<const octet::rt::Model> model;
  double open_ms = 0;  // reading or mapping the bytes
};

struct octet_session {
  std::unique_ptr<octet::rt::Session> session;
  std::string last_error;
};

namespace {

// Every handle the API has handed out and not yet released. A call with a handle
// that is not here (released already, or never one of ours) is refused with
// OCTET_INVALID_ARGUMENT instead of touching freed memory, and a second release
// is ignored. (When the allocator has reused the address for a new handle of the
// same kind, the stale handle names the new object: the check cannot tell.)
class LiveHandles {
 public:
  void add(const void* h) {
    std::lock_guard<std::mutex> lock(mu_);
    live_.insert(h);
  }
  // True when h was live (and is not any more).
  bool remove(const void* h) {
    std::lock_guard<std::mutex> lock(mu_);
    return live_.erase(h) != 0;
  }
  bool contains(const void* h) {
    if (h == nullptr) return false;
    std::lock_guard<std::mutex> lock(mu_);
    return live_.count(h) != 0;
  }

 private:
  std::mutex mu_;
  std::unordered_set<const void*> live_;
};

// Leaked on purpose: handles may be released from static destructors of the app.
LiveHandles& live_models() {
  static LiveHandles* h = new LiveHandles();
  return *h;
}
LiveHandles& live_sessions() {
  static LiveHandles* h = new LiveHandles();
  return *h;
}
bool live(const octet_model* m) { return live_models().contains(m); }
bool live(const octet_session* s) { return live_sessions().contains(s); }

void write_error(char* buf, size_t size, const std::string& msg) {
  if (buf == nullptr || size == 0) return;
  const size_t n = msg.size() < size - 1 ? msg.size() : size - 1;
  std::memcpy(buf, msg.data(), n);
  buf[n] = '\0';
}

template <typename F>
octet_status guarded(char* error, size_t error_size, F&& f) {
  write_error(error, error_size, "");
  try {
    const octet::rt::Status st = f();
    if (!st.ok()) write_error(error, error_size, st.message());
    return st.code();
  } catch (const std::bad_alloc&) {
    write_error(error, error_size, "out of memory");
    return OCTET_OUT_OF_MEMORY;
  } catch (...) {
    write_error(error, error_size, "internal error");
    return OCTET_INTERNAL;
  }
}

octet_status session_call(octet_session* s, const std::function<octet::rt::Status()>& f) {
  if (!live(s)) return OCTET_INVALID_ARGUMENT;
  try {
    const octet::rt::Status st = f();
    s->last_error = st.ok() ? std::string() : st.message();
    return st.code();
  } catch (const std::bad_alloc&) {
    s->last_error = "out of memory";
    return OCTET_OUT_OF_MEMORY;
  } catch (...) {
    s->last_error = "internal error";
    return OCTET_INTERNAL;
  }
}

octet_status load(std::unique_ptr<octet::rt::ModelBytes> bytes, double open_ms, const octet_load_options* options,
                  octet_model** model, char* error, size_t error_size) {
  return guarded(error, error_size, [&]() -> octet::rt::Status {
    std::shared_ptr<const octet::rt::Model> m;
    OCTET_RETURN_IF_ERROR(octet::rt::Model::Load(std::move(bytes), &m, options != nullptr ? options->kernel_path : nullptr,
                                                  options != nullptr ? options->winograd : OCTET_WINOGRAD_DEFAULT));
    auto* h = new (std::nothrow) octet_model{std::move(m), open_ms};
    if (h == nullptr) return octet::rt::Error(OCTET_OUT_OF_MEMORY) << "out of memory";
    try {
      live_models().add(h);
    } catch (...) {
      delete h;
      throw;
    }
    *model = h;
    return octet::rt::Status::Ok();
  });
}

octet_status fill_info(const octet_model* model, size_t index, bool input, octet_tensor_info* info) {
  if (!live(model) || info == nullptr) return OCTET_INVALID_ARGUMENT;
  const auto& ios = input ? model->model->inputs() : model->model->outputs();
  if (index >= ios.size()) return OCTET_INVALID_ARGUMENT;
  const octet::rt::GraphIO& io = ios[index];
  const octet::rt::Tensor& t = model->model->tensors()[io.tensor];
  std::memset(info, 0, sizeof(*info));
  info->name = io.name.c_str();
  info->dtype = t.type == octet::rt::DType::kInt8 ? OCTET_INT8 : t.type == octet::rt::DType::kInt32 ? OCTET_INT32 : OCTET_FLOAT32;
  info->rank = t.rank();
  for (int d = 0; d < t.rank(); ++d) info->dims[d] = t.shape[d];
  info->nchw = io.nchw ? 1 : 0;
  for (int d = 0; d < t.rank(); ++d) info->float_dims[d] = t.shape[d];
  if (io.nchw) {
    info->float_dims[1] = t.shape[3];
    info->float_dims[2] = t.shape[1];
    info->float_dims[3] = t.shape[2];
  }
  info->element_count = t.elements;
  info->raw_size = t.bytes;
  if (t.type == octet::rt::DType::kInt8) {
    info->scale = t.scale();
    info->zero_point = t.zero_point();
  }
  return OCTET_OK;
}

int find_io(const octet_model* model, const char* name, bool input) {
  if (!live(model) || name == nullptr) return -1;
  const auto& ios = input ? model->model->inputs() : model->model->outputs();
  for (size_t i = 0; i < ios.size(); ++i) {
    if (ios[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

extern "C" {

const char* octet_cpu_description(void) {
  try {
    return octet::rt::cpu_features().description.c_str();
  } catch (...) {
    return "CPU not detected";
  }
}

const char* octet_status_string(octet_status status) {
  switch (status) {
    case OCTET_OK: return "ok";
    case OCTET_INVALID_ARGUMENT: return "invalid argument";
    case OCTET_INVALID_MODEL: return "invalid model";
    case OCTET_UNSUPPORTED: return "unsupported";
    case OCTET_OUT_OF_MEMORY: return "out of memory";
    case OCTET_IO_ERROR: return "I/O error";
    case OCTET_INVALID_STATE: return "invalid state";
    case OCTET_INTERNAL: return "internal error";
  }
  return "unknown status";
}

void octet_load_options_init(octet_load_options* options) {
  if (options != nullptr) {
    options->kernel_path = nullptr;
    options->winograd = OCTET_WINOGRAD_DEFAULT;
  }
}

const char* octet_model_kernel_path(const octet_model* model) {
  if (!live(model)) return "";
  return octet::kernel_path_name(model->model->kernel_path());
}

octet_status octet_model_load_file(const char* path, octet_model** model, char* error, size_t error_size) {
  return octet_model_load_file_ex(path, nullptr, model, error, error_size);
}

octet_status octet_model_load_memory(const void* data, size_t size, octet_model** model, char* error, size_t error_size) {
  return octet_model_load_memory_ex(data, size, nullptr, model, error, error_size);
}

octet_status octet_model_load_file_ex(const char* path, const octet_load_options* options, octet_model** model,
                                      char* error, size_t error_size) {
  if (model == nullptr || path == nullptr) {
    write_error(error, error_size, "null argument");
    return OCTET_INVALID_ARGUMENT;
  }
  *model = nullptr;
  std::unique_ptr<octet::rt::ModelBytes> bytes;
  const auto t0 = std::chrono::steady_clock::now();
  const octet_status st = guarded(error, error_size, [&] { return octet::rt::map_model_file(path, &bytes); });
  if (st != OCTET_OK) return st;
  const double open_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return load(std::move(bytes), open_ms, options, model, error, error_size);
}

octet_status octet_model_load_memory_ex(const void* data, size_t size, const octet_load_options* options,
                                        octet_model** model, char* error, size_t error_size) {
  if (model == nullptr) {
    write_error(error, error_size, "null argument");
    return OCTET_INVALID_ARGUMENT;
  }
  *model = nullptr;
  std::unique_ptr<octet::rt::ModelBytes> bytes;
  const auto t0 = std::chrono::steady_clock::now();
  const octet_status st = guarded(error, error_size, [&] { return octet::rt::copy_model_bytes(data, size, &bytes); });
  if (st != OCTET_OK) return st;
  const double open_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return load(std::move(bytes), open_ms, options, model, error, error_size);
}

void octet_model_release(octet_model* model) {
  // Sessions hold the Model itself, not this handle: they keep running.
  if (model != nullptr && live_models().remove(model)) delete model;
}

octet_status octet_model_load_times(const octet_model* model, octet_load_times* times) {
  if (!live(model) || times == nullptr) return OCTET_INVALID_ARGUMENT;
  times->open_ms = model->open_ms;
  times->verify_ms = model->model->verify_ms();
  times->prepare_ms = model->model->prepare_ms();
  times->choose_ms = model->model->choose_ms();
  return OCTET_OK;
}

size_t octet_model_num_inputs(const octet_model* model) { return live(model) ? model->model->inputs().size() : 0; }
size_t octet_model_num_outputs(const octet_model* model) { return live(model) ? model->model->outputs().size() : 0; }
size_t octet_model_num_operators(const octet_model* model) { return live(model) ? model->model->operators().size() : 0; }

octet_status octet_model_input_info(const octet_model* model, size_t index, octet_tensor_info* info) {
  return fill_info(model, index, true, info);
}
octet_status octet_model_output_info(const octet_model* model, size_t index, octet_tensor_info* info) {
  return fill_info(model, index, false, info);
}
int octet_model_find_input(const octet_model* model, const char* name) { return find_io(model, name, true); }
int octet_model_find_output(const octet_model* model, const char* name) { return find_io(model, name, false); }

octet_status octet_model_operator_info(const octet_model* model, size_t index, octet_operator_info* info) {
  if (!live(model) || info == nullptr) return OCTET_INVALID_ARGUMENT;
  const auto& ops = model->model->operators();
  if (index >= ops.size()) return OCTET_INVALID_ARGUMENT;
  const octet::rt::Operator& op = *ops[index];
  std::memset(info, 0, sizeof(*info));
  info->name = op.name.c_str();
  info->type = op.type;
  info->kernel = op.kernel;
  info->macs = op.macs;
  info->choice = op.choice.c_str();
  if (!op.outputs.empty() && op.outputs[0] >= 0) {
    const octet::rt::Tensor& t = model->model->tensors()[op.outputs[0]];
    info->output_rank = t.rank();
    for (int d = 0; d < t.rank() && d < OCTET_MAX_RANK; ++d) info->output_dims[d] = t.shape[d];
  }
  return OCTET_OK;
}

octet_status octet_model_arena_size(const octet_model* model, size_t* arena_bytes, size_t* lower_bound_bytes) {
  if (!live(model)) return OCTET_INVALID_ARGUMENT;
  if (arena_bytes) *arena_bytes = model->model->arena_plan().arena_bytes;
  if (lower_bound_bytes) *lower_bound_bytes = model->model->arena_plan().lower_bound_bytes;
  return OCTET_OK;
}

void octet_session_options_init(octet_session_options* options) {
  if (options == nullptr) return;
  options->num_threads = 1;
  options->enable_profiling = 0;
}

octet_status octet_session_create(octet_model* model, const octet_session_options* options, octet_session** session,
                                  char* error, size_t error_size) {
  if (model == nullptr || session == nullptr) {
    write_error(error, error_size, "null argument");
    return OCTET_INVALID_ARGUMENT;
  }
  *session = nullptr;
  if (!live(model)) {
    write_error(error, error_size, "the model handle was released (or is not a model)");
    return OCTET_INVALID_ARGUMENT;
  }
  return guarded(error, error_size, [&]() -> octet::rt::Status {
    octet::rt::SessionOptions o;
    if (options != nullptr) {
      o.num_threads = options->num_threads;
      o.enable_profiling = options->enable_profiling != 0;
    }
    std::unique_ptr<octet::rt::Session> s;
    OCTET_RETURN_IF_ERROR(octet::rt::Session::Create(model->model, o, &s));
    auto* h = new (std::nothrow) octet_session();
    if (h == nullptr) return octet::rt::Error(OCTET_OUT_OF_MEMORY) << "out of memory";
    h->session = std::move(s);
    try {
      live_sessions().add(h);
    } catch (...) {
      delete h;
      throw;
    }
    *session = h;
    return octet::rt::Status::Ok();
  });
}

void octet_session_release(octet_session* session) {
  if (session != nullptr && live_sessions().remove(session)) delete session;
}

const char* octet_session_last_error(const octet_session* session) {
  if (session == nullptr) return "null session";
  if (!live(session)) return "the session handle was released (or is not a session)";
  return session->last_error.c_str();
}

octet_status octet_session_set_input_float(octet_session* s, size_t index, const float* data, size_t count) {
  return session_call(s, [&] { return s->session->set_input_float(index, data, count); });
}
octet_status octet_session_set_input_raw(octet_session* s, size_t index, const void* data, size_t size) {
  return session_call(s, [&] { return s->session->set_input_raw(index, data, size); });
}
octet_status octet_session_invoke(octet_session* s) {
  return session_call(s, [&] { return s->session->invoke(); });
}
octet_status octet_session_get_output_float(octet_session* s, size_t index, float* data, size_t count) {
  return session_call(s, [&] { return s->session->get_output_float(index, data, count); });
}
octet_status octet_session_get_output_raw(octet_session* s, size_t index, void* data, size_t size) {
  return session_call(s, [&] { return s->session->get_output_raw(index, data, size); });
}

octet_status octet_session_operator_profile(const octet_session* s, size_t index, octet_operator_profile* profile) {
  if (!live(s) || profile == nullptr) return OCTET_INVALID_ARGUMENT;
  const auto& ops = s->session->model().operators();
  if (index >= ops.size()) return OCTET_INVALID_ARGUMENT;
  if (!s->session->profiling()) return OCTET_INVALID_STATE;
  profile->name = ops[index]->name.c_str();
  profile->type = ops[index]->type;
  profile->kernel = ops[index]->kernel;
  profile->time_ns = s->session->operator_times_ns()[index];
  profile->start_ns = s->session->operator_starts_ns()[index];
  return OCTET_OK;
}

}  // extern "C"

// The octet engine: only the public C API (octet.h), exactly what an app uses.
#include "benchmarks/bench/octet_engine.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "octet/octet.h"

namespace octet::bench {

namespace {

// The model handle, shared by every engine made from it (share()).
struct SharedModel {
  octet_model* model = nullptr;
  ~SharedModel() { octet_model_release(model); }
};

class OctetEngine final : public Engine {
 public:
  ~OctetEngine() override { octet_session_release(session_); }

  static std::unique_ptr<OctetEngine> Create(std::shared_ptr<SharedModel> model, double load_ms,
                                             const EngineOptions& options, std::string* error) {
    std::unique_ptr<OctetEngine> e(new OctetEngine());
    e->model_ = std::move(model);
    e->load_ms_ = load_ms;
    octet_session_options o;
    octet_session_options_init(&o);
    o.num_threads = options.threads;
    o.enable_profiling = options.profile ? 1 : 0;
    char msg[512];
    if (octet_session_create(e->model_->model, &o, &e->session_, msg, sizeof(msg)) != OCTET_OK) {
      *error = std::string("cannot create a session: ") + msg;
      return nullptr;
    }
    e->profiling_ = options.profile;
    e->inputs_ = describe(e->model_->model, true);
    e->outputs_ = describe(e->model_->model, false);
    return e;
  }

  const char* name() const override { return "octet"; }
  const std::vector<TensorDesc>& inputs() const override { return inputs_; }
  const std::vector<TensorDesc>& outputs() const override { return outputs_; }

  bool set_input(size_t index, const float* data, size_t elements, std::string* error) override {
    return check(octet_session_set_input_float(session_, index, data, elements), error);
  }
  bool invoke(std::string* error) override { return check(octet_session_invoke(session_), error); }
  bool get_output(size_t index, float* data, size_t elements, std::string* error) override {
    return check(octet_session_get_output_float(session_, index, data, elements), error);
  }

  std::vector<OperatorProfile> profile() const override {
    std::vector<OperatorProfile> out;
    if (!profiling_) return out;
    const size_t n = octet_model_num_operators(model_->model);
    for (size_t i = 0; i < n; ++i) {
      octet_operator_info info;
      octet_operator_profile p;
      if (octet_model_operator_info(model_->model, i, &info) != OCTET_OK ||
          octet_session_operator_profile(session_, i, &p) != OCTET_OK) {
        return {};
      }
      OperatorProfile op;
      op.name = info.name;
      op.type = info.type;
      op.kernel = info.kernel;
      op.choice = info.choice;
      op.shape.assign(info.output_dims, info.output_dims + info.output_rank);
      op.macs = info.macs;
      op.start_ns = p.start_ns;
      op.time_ns = p.time_ns;
      out.push_back(std::move(op));
    }
    return out;
  }

  std::unique_ptr<Engine> share(const EngineOptions& options, std::string* error) const override {
    return Create(model_, load_ms_, options, error);
  }
  double load_ms() const override { return load_ms_; }
  std::string kernel_path() const override { return octet_model_kernel_path(model_->model); }
  std::string choices() const override {
    size_t with_choice = 0, winograd = 0, measured = 0;
    const size_t n = octet_model_num_operators(model_->model);
    for (size_t i = 0; i < n; ++i) {
      octet_operator_info info;
      if (octet_model_operator_info(model_->model, i, &info) != OCTET_OK || info.choice[0] == '\0') continue;
      ++with_choice;
      if (std::strncmp(info.choice, "winograd", 8) == 0) ++winograd;
      if (std::strstr(info.choice, "measured") != nullptr) ++measured;
    }
    if (with_choice == 0) return "";
    octet_load_times t;
    octet_model_load_times(model_->model, &t);
    char line[256];
    std::snprintf(line, sizeof(line), "winograd in %zu of %zu 3x3 stride-1/2 layers%s", winograd, with_choice,
                  measured > 0 ? ", chosen by timing at load" : "");
    std::string out = line;
    if (measured > 0) {
      std::snprintf(line, sizeof(line), " (%.1f ms of the load)", t.choose_ms);
      out += line;
    }
    return out;
  }
  bool load_phases(double* open_ms, double* verify_ms, double* prepare_ms) const override {
    octet_load_times t;
    if (octet_model_load_times(model_->model, &t) != OCTET_OK) return false;
    *open_ms = t.open_ms;
    *verify_ms = t.verify_ms;
    *prepare_ms = t.prepare_ms;
    return true;
  }
  size_t arena_bytes() const override {
    size_t bytes = 0;
    octet_model_arena_size(model_->model, &bytes, nullptr);
    return bytes;
  }

 private:
  OctetEngine() = default;

  static std::vector<TensorDesc> describe(const octet_model* model, bool input) {
    std::vector<TensorDesc> out;
    const size_t n = input ? octet_model_num_inputs(model) : octet_model_num_outputs(model);
    for (size_t i = 0; i < n; ++i) {
      octet_tensor_info info;
      if ((input ? octet_model_input_info(model, i, &info) : octet_model_output_info(model, i, &info)) != OCTET_OK) break;
      TensorDesc d;
      d.name = info.name;
      d.dims.assign(info.float_dims, info.float_dims + info.rank);
      d.elements = info.element_count;
      out.push_back(std::move(d));
    }
    return out;
  }

  bool check(octet_status st, std::string* error) const {
    if (st == OCTET_OK) return true;
    if (error != nullptr) *error = octet_session_last_error(session_);
    return false;
  }

  std::shared_ptr<SharedModel> model_;
  octet_session* session_ = nullptr;
  double load_ms_ = -1.0;
  bool profiling_ = false;
  std::vector<TensorDesc> inputs_, outputs_;
};

}  // namespace

std::unique_ptr<Engine> create_octet_engine(const std::string& model_path, const EngineOptions& options,
                                            std::string* error) {
  auto model = std::make_shared<SharedModel>();
  char msg[1024];
  const auto t0 = std::chrono::steady_clock::now();
  octet_load_options lo;
  octet_load_options_init(&lo);
  if (!options.kernel_path.empty()) lo.kernel_path = options.kernel_path.c_str();
  lo.winograd = options.winograd;
  const octet_status st = octet_model_load_file_ex(model_path.c_str(), &lo, &model->model, msg, sizeof(msg));
  const auto t1 = std::chrono::steady_clock::now();
  if (st != OCTET_OK) {
    *error = model_path + ": " + msg;
    return nullptr;
  }
  return OctetEngine::Create(std::move(model), std::chrono::duration<double, std::milli>(t1 - t0).count(), options,
                             error);
}

}  // namespace octet::bench

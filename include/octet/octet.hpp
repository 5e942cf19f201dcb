// Thin C++ wrapper over the C API: RAII handles; failures throw octet::Error
// (on the caller's side of the C API, which itself never throws).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "octet/octet.h"

namespace octet {

class Error : public std::runtime_error {
 public:
  Error(octet_status status, const std::string& message)
      : std::runtime_error(std::string(octet_status_string(status)) + ": " + message), status_(status) {}
  octet_status status() const { return status_; }

 private:
  octet_status status_;
};

class Model {
 public:
  static Model FromFile(const std::string& path) {
    char err[512];
    octet_model* m = nullptr;
    const octet_status st = octet_model_load_file(path.c_str(), &m, err, sizeof(err));
    if (st != OCTET_OK) throw Error(st, err);
    return Model(m);
  }
  static Model FromMemory(const void* data, size_t size) {
    char err[512];
    octet_model* m = nullptr;
    const octet_status st = octet_model_load_memory(data, size, &m, err, sizeof(err));
    if (st != OCTET_OK) throw Error(st, err);
    return Model(m);
  }
  octet_model* get() const { return model_.get(); }
  size_t num_inputs() const { return octet_model_num_inputs(get()); }
  size_t num_outputs() const { return octet_model_num_outputs(get()); }
  size_t num_operators() const { return octet_model_num_operators(get()); }
  octet_tensor_info input(size_t i) const { return info(i, true); }
  octet_tensor_info output(size_t i) const { return info(i, false); }
  size_t arena_bytes() const {
    size_t a = 0;
    octet_model_arena_size(get(), &a, nullptr);
    return a;
  }
  size_t arena_lower_bound_bytes() const {
    size_t b = 0;
    octet_model_arena_size(get(), nullptr, &b);
    return b;
  }

 private:
  explicit Model(octet_model* m) : model_(m, octet_model_release) {}
  octet_tensor_info info(size_t i, bool in) const {
    octet_tensor_info t;
    const octet_status st = in ? octet_model_input_info(get(), i, &t) : octet_model_output_info(get(), i, &t);
    if (st != OCTET_OK) throw Error(st, "no such " + std::string(in ? "input " : "output ") + std::to_string(i));
    return t;
  }
  std::shared_ptr<octet_model> model_;
};

class Session {
 public:
  explicit Session(const Model& model, int num_threads = 1, bool profiling = false) : model_(model) {
    octet_session_options o;
    octet_session_options_init(&o);
    o.num_threads = num_threads;
    o.enable_profiling = profiling ? 1 : 0;
    char err[512];
    octet_session* s = nullptr;
    const octet_status st = octet_session_create(model.get(), &o, &s, err, sizeof(err));
    if (st != OCTET_OK) throw Error(st, err);
    session_.reset(s);
  }
  void set_input(size_t i, const std::vector<float>& data) { check(octet_session_set_input_float(get(), i, data.data(), data.size())); }
  void set_input_raw(size_t i, const void* data, size_t size) { check(octet_session_set_input_raw(get(), i, data, size)); }
  void invoke() { check(octet_session_invoke(get())); }
  std::vector<float> output(size_t i) {
    octet_tensor_info t;
    check(octet_model_output_info(model_.get(), i, &t));
    std::vector<float> v(t.element_count);
    check(octet_session_get_output_float(get(), i, v.data(), v.size()));
    return v;
  }
  void output_raw(size_t i, void* data, size_t size) { check(octet_session_get_output_raw(get(), i, data, size)); }
  octet_operator_profile profile(size_t op) const {
    octet_operator_profile p;
    const octet_status st = octet_session_operator_profile(get(), op, &p);
    if (st != OCTET_OK) throw Error(st, "no profile for operator " + std::to_string(op));
    return p;
  }
  octet_session* get() const { return session_.get(); }

 private:
  struct Deleter {
    void operator()(octet_session* s) const { octet_session_release(s); }
  };
  void check(octet_status st) const {
    if (st != OCTET_OK) throw Error(st, octet_session_last_error(get()));
  }
  Model model_;
  std::unique_ptr<octet_session, Deleter> session_;
};

}  // namespace octet

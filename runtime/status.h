// Internal error type: a status code and a message. Never thrown across the C API.
#pragma once

#include <sstream>
#include <string>
#include <utility>

#include "octet/octet.h"

namespace octet::rt {

class Status {
 public:
  Status() = default;
  Status(octet_status code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }
  bool ok() const { return code_ == OCTET_OK; }
  octet_status code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  octet_status code_ = OCTET_OK;
  std::string message_;
};

// Builds an error message with <<: return Error(OCTET_INVALID_MODEL) << "tensor " << i;
class Error {
 public:
  explicit Error(octet_status code) : code_(code) {}
  template <typename T>
  Error& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }
  operator Status() const { return Status(code_, stream_.str()); }

 private:
  octet_status code_;
  std::ostringstream stream_;
};

#define OCTET_RETURN_IF_ERROR(expr)      \
  do {                                   \
    ::octet::rt::Status _st = (expr);        \
    if (!_st.ok()) return _st;           \
  } while (0)

}  // namespace octet::rt

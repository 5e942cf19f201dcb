// The bytes of a model: a read-only memory map of a file, or an aligned copy of a
// caller's buffer. Constant buffers are 64-byte aligned in the file, and both
// sources start page/64-byte aligned, so weights are used in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/status.h"

namespace octet::rt {

class ModelBytes {
 public:
  virtual ~ModelBytes() = default;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 protected:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

Status map_model_file(const char* path, std::unique_ptr<ModelBytes>* out);
Status copy_model_bytes(const void* data, size_t size, std::unique_ptr<ModelBytes>* out);

}  // namespace octet::rt

#include "runtime/model_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

namespace octet::rt {

namespace {

class MappedFile final : public ModelBytes {
 public:
  MappedFile(void* base, size_t size) : base_(base) {
    data_ = static_cast<const uint8_t*>(base);
    size_ = size;
  }
  ~MappedFile() override {
    if (base_ != nullptr) munmap(base_, size_);
  }

 private:
  void* base_;
};

class AlignedCopy final : public ModelBytes {
 public:
  AlignedCopy(void* p, size_t size) : p_(p) {
    data_ = static_cast<const uint8_t*>(p);
    size_ = size;
  }
  ~AlignedCopy() override { std::free(p_); }

 private:
  void* p_;
};

}  // namespace

Status map_model_file(const char* path, std::unique_ptr<ModelBytes>* out) {
  // O_NONBLOCK: opening a named pipe would otherwise wait for a writer; fstat then
  // refuses anything that is not a regular file.
  const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Error(OCTET_IO_ERROR) << "cannot open '" << path << "': " << std::strerror(errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    close(fd);
    return Error(OCTET_IO_ERROR) << "cannot stat '" << path << "': " << std::strerror(e);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return Error(OCTET_IO_ERROR) << "'" << path << "' is not a regular file";
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return Error(OCTET_INVALID_MODEL) << "'" << path << "' is empty";
  }
  void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int e = errno;
  close(fd);
  if (base == MAP_FAILED) return Error(OCTET_IO_ERROR) << "cannot map '" << path << "': " << std::strerror(e);
  out->reset(new (std::nothrow) MappedFile(base, size));
  if (!*out) {
    munmap(base, size);
    return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  }
  return Status::Ok();
}

Status copy_model_bytes(const void* data, size_t size, std::unique_ptr<ModelBytes>* out) {
  if (data == nullptr || size == 0) return Error(OCTET_INVALID_ARGUMENT) << "empty model buffer";
  const size_t rounded = (size + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) return Error(OCTET_OUT_OF_MEMORY) << "cannot allocate " << size << " bytes for the model";
  std::memcpy(p, data, size);
  out->reset(new (std::nothrow) AlignedCopy(p, size));
  if (!*out) {
    std::free(p);
    return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  }
  return Status::Ok();
}

}  // namespace octet::rt

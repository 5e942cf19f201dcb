// NumPy .npy files and headerless float32 .bin files, as calibration data and as
// octet-run's inputs and outputs.
//
// Reading accepts format versions 1.0, 2.0 and 3.0, C order, little-endian (or
// byte-order-free) float32, float64 (converted to float32), int64, int32, uint8,
// int8 and bool. Everything else — Fortran order, big-endian data, other dtypes,
// a malformed header, a shape whose size overflows, data shorter or longer than
// the shape — is rejected with a message naming the file and the fault. The
// reader checks every length against the bytes actually present, so truncated or
// hostile files give an error, never a crash or a huge allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir/tensor.h"

namespace octet::cvt {

// Largest tensor the readers accept (bytes of data): 2 GiB, the runtime's cap.
constexpr uint64_t kMaxIoTensorBytes = uint64_t{1} << 31;

// Reads a .npy file. On failure returns false, leaves *out unchanged and, when
// error is not null, says why ("x.npy: ...").
bool read_npy(const std::string& path, Tensor* out, std::string* error);

// The same over bytes in memory (what read_npy does after reading the file).
// `name` only prefixes messages.
bool parse_npy(const uint8_t* data, size_t size, Tensor* out, std::string* error,
               const std::string& name = "npy");

// Writes a tensor as .npy version 1.0 (header padded to 64 bytes, C order,
// little-endian): float32 as '<f4'; the integer and bool dtypes as their NumPy
// equivalents. false with a message when the file cannot be written.
bool write_npy(const std::string& path, const Tensor& t, std::string* error);

// Serialises a tensor to .npy bytes (what write_npy writes).
std::vector<uint8_t> npy_bytes(const Tensor& t);

// Reads a headerless file of little-endian float32 values into a float32 tensor
// of the given shape; the file must hold exactly numel(shape) * 4 bytes.
bool read_raw_f32(const std::string& path, const std::vector<int64_t>& shape, Tensor* out,
                  std::string* error);

// Reads a whole file (at most max_bytes) into *bytes; false with a message
// ("path: ...") when it cannot be opened, is not a regular file, or is larger.
bool read_file_bytes(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>* bytes,
                     std::string* error);

// Number of elements of a shape, false when a dimension is negative or the count
// times elem_size exceeds max_bytes (overflow included).
bool checked_numel(const std::vector<int64_t>& shape, size_t elem_size, uint64_t max_bytes,
                   int64_t* numel);

}  // namespace octet::cvt

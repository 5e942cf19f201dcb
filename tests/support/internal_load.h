// Loading and running through the runtime's internal classes (runtime/model.h,
// runtime/session.h) rather than the C API: the file's bytes live in a block of
// exactly their size, so AddressSanitizer sees a read even one byte past the end
// (the C API's own copy is rounded up to 64 bytes, and a file mapping to a page).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model.h"

namespace octet_test {

// kernel_path: a path name ("avx2", ...) or null for the default; winograd: an
// OCTET_WINOGRAD_* value.
octet::rt::Status load_exact(const uint8_t* data, size_t size, std::shared_ptr<const octet::rt::Model>* out,
                             const char* kernel_path = nullptr, int winograd = 0);

// Every kernel path this CPU and build run, reference first.
std::vector<octet::KernelPath> runnable_kernel_paths();

// Loads `file` on every runnable path and runs it at 1, 2 and 3 threads with inputs
// from `seed`; every path and thread count must give the reference path's single-
// thread output bytes (gtest failures name the path, thread count, output and first
// differing byte). Returns the number of comparisons made (0 when loading failed).
// `winograd` (OCTET_WINOGRAD_*) applies to the SIMD paths' loads.
int expect_same_bytes_on_every_path(const std::vector<uint8_t>& file, uint32_t seed, const std::string& what,
                                    int winograd = 0);

// Sets every input (floats in [-2.5, 2.5] for float inputs, random bytes
// otherwise, from `seed`), invokes a session of `num_threads` threads, and reads
// every output raw (into *outputs when given). Returns the first failure.
octet::rt::Status run_once(const std::shared_ptr<const octet::rt::Model>& model, uint32_t seed,
                           std::vector<std::vector<uint8_t>>* outputs = nullptr, int num_threads = 1);

}  // namespace octet_test

// SHA-256 of a byte string, as lowercase hex (FIPS 180-4). Identifies the source
// model in the .octet metadata and in calibration caches.
#pragma once

#include <cstddef>
#include <string>

namespace octet::cvt {
std::string sha256_hex(const void* data, size_t size);
}

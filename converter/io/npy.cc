#include "converter/io/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace octet::cvt {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader copies little-endian data as is; big-endian hosts are not supported");

namespace {

constexpr char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
// NumPy itself refuses headers over 10000 bytes by default; allow more, but bound it.
constexpr uint64_t kMaxHeaderBytes = uint64_t{1} << 20;
constexpr size_t kMaxRank = 64;

bool fail(std::string* error, const std::string& name, const std::string& what) {
  if (error != nullptr) *error = name + ": " + what;
  return false;
}

// What a header says. Elements take file_elem_size bytes in the file; float64
// data becomes the float32 of `dtype`.
struct Header {
  DType dtype = DType::kFloat32;
  size_t file_elem_size = 4;
  bool float64 = false;
  std::vector<int64_t> shape;
  int64_t numel = 0;
  uint64_t data_bytes = 0;
};

// A parser for the one Python literal a .npy header holds:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
 public:
  HeaderParser(const char* s, size_t n) : s_(s), n_(n) {}

  bool parse(Header* h, std::string* why) {
    bool have_descr = false, have_order = false, have_shape = false;
    std::string descr;
    bool fortran = false;
    std::vector<int64_t> shape;
    skip_ws();
    if (!eat('{')) return err(why, "header is not a Python dict (expected '{')");
    for (;;) {
      skip_ws();
      if (eat('}')) break;
      std::string key;
      if (!string_literal(&key, why)) return false;
      skip_ws();
      if (!eat(':')) return err(why, "expected ':' after key '" + key + "'");
      skip_ws();
      if (key == "descr") {
        if (have_descr) return err(why, "key 'descr' appears twice");
        have_descr = true;
        if (peek() == '[') return err(why, "structured dtypes (a list 'descr') are not supported");
        if (!string_literal(&descr, why)) return false;
      } else if (key == "fortran_order") {
        if (have_order) return err(why, "key 'fortran_order' appears twice");
        have_order = true;
        if (word("True")) fortran = true;
        else if (word("False")) fortran = false;
        else return err(why, "'fortran_order' must be True or False");
      } else if (key == "shape") {
        if (have_shape) return err(why, "key 'shape' appears twice");
        have_shape = true;
        if (!tuple(&shape, why)) return false;
      } else {
        return err(why, "unexpected key '" + key + "' (a .npy header has 'descr', 'fortran_order' and 'shape')");
      }
      skip_ws();
      if (eat(',')) continue;
      skip_ws();
      if (eat('}')) break;
      return err(why, "expected ',' or '}' in the header dict");
    }
    skip_ws();
    if (i_ != n_) return err(why, "unexpected text after the header dict");
    if (!have_descr) return err(why, "header has no 'descr'");
    if (!have_order) return err(why, "header has no 'fortran_order'");
    if (!have_shape) return err(why, "header has no 'shape'");
    if (!dtype_from_descr(descr, h, why)) return false;
    if (fortran)
      return err(why, "fortran_order is True: only C-order arrays are supported (save with np.ascontiguousarray)");
    h->shape = shape;
    return true;
  }

 private:
  static bool err(std::string* why, const std::string& w) {
    *why = w;
    return false;
  }
  char peek() const { return i_ < n_ ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (i_ < n_ && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void skip_ws() {
    while (i_ < n_ && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool word(const char* w) {
    const size_t len = std::strlen(w);
    if (n_ - i_ >= len && std::memcmp(s_ + i_, w, len) == 0) {
      i_ += len;
      return true;
    }
    return false;
  }
  bool string_literal(std::string* out, std::string* why) {
    const char q = peek();
    if (q != '\'' && q != '"') return err(why, "expected a quoted string in the header");
    ++i_;
    out->clear();
    while (i_ < n_ && s_[i_] != q) {
      const char c = s_[i_];
      if (c == '\\') return err(why, "escape sequences are not supported in the header");
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return err(why, "non-printable or non-ASCII character in a header string");
      if (out->size() >= 64) return err(why, "string in the header is too long");
      out->push_back(c);
      ++i_;
    }
    if (!eat(q)) return err(why, "unterminated string in the header");
    return true;
  }
  bool integer(int64_t* v, std::string* why) {
    if (peek() == '-') return err(why, "negative dimension in 'shape'");
    if (peek() < '0' || peek() > '9') return err(why, "'shape' must be a tuple of integers");
    uint64_t x = 0;
    while (peek() >= '0' && peek() <= '9') {
      x = x * 10 + static_cast<uint64_t>(peek() - '0');
      if (x > (uint64_t{1} << 62)) return err(why, "dimension in 'shape' is too large");
      ++i_;
    }
    eat('L');  // Python 2 wrote long integers as 3L
    *v = static_cast<int64_t>(x);
    return true;
  }
  bool tuple(std::vector<int64_t>* shape, std::string* why) {
    if (!eat('(')) return err(why, "'shape' must be a tuple, e.g. (2, 3) or (3,)");
    shape->clear();
    bool trailing_comma = false;
    for (;;) {
      skip_ws();
      if (eat(')')) break;
      int64_t d = 0;
      if (!integer(&d, why)) return false;
      if (shape->size() == kMaxRank) return err(why, "'shape' has more than 64 dimensions");
      shape->push_back(d);
      skip_ws();
      trailing_comma = eat(',');
      if (trailing_comma) continue;
      skip_ws();
      if (eat(')')) break;
      return err(why, "expected ',' or ')' in 'shape'");
    }
    if (shape->size() == 1 && !trailing_comma)
      return err(why, "'shape' (n) is an integer, not a tuple: a one-element shape is written (n,)");
    return true;
  }
  static bool dtype_from_descr(const std::string& d, Header* h, std::string* why) {
    if (d.size() < 2) return err(why, "unsupported dtype '" + d + "'");
    const char order = d[0];
    const std::string kind = d.substr(1);
    const bool one_byte = kind == "u1" || kind == "i1" || kind == "b1";
    if (order != '<' && order != '|' && order != '>' && order != '=')
      return err(why, "dtype '" + d + "' has no byte order ('<', '>', '|')");
    if (!one_byte && order == '>')
      return err(why, "dtype '" + d + "' is big-endian: only little-endian data is supported (use arr.astype('<" +
                          kind + "'))");
    if (!one_byte && order != '<') return err(why, "dtype '" + d + "' must say its byte order '<'");
    h->float64 = false;
    if (kind == "f4") { h->dtype = DType::kFloat32; h->file_elem_size = 4; }
    else if (kind == "f8") { h->dtype = DType::kFloat32; h->file_elem_size = 8; h->float64 = true; }
    else if (kind == "i8") { h->dtype = DType::kInt64; h->file_elem_size = 8; }
    else if (kind == "i4") { h->dtype = DType::kInt32; h->file_elem_size = 4; }
    else if (kind == "u1") { h->dtype = DType::kUInt8; h->file_elem_size = 1; }
    else if (kind == "i1") { h->dtype = DType::kInt8; h->file_elem_size = 1; }
    else if (kind == "b1") { h->dtype = DType::kBool; h->file_elem_size = 1; }
    else
      return err(why, "unsupported dtype '" + d +
                          "' (supported: float32 '<f4', float64 '<f8', int64 '<i8', int32 '<i4', uint8, int8, bool)");
    return true;
  }

  const char* s_;
  size_t n_;
  size_t i_ = 0;
};

uint32_t le16(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8; }
uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Parses the magic, version and header from the first `avail` bytes of a file of
// `total` bytes and checks the data size against `total`.
bool parse_prefix(const uint8_t* p, size_t avail, uint64_t total, const std::string& name, Header* h,
                  uint64_t* data_offset, std::string* error) {
  if (avail < 8) {
    if (avail >= 1 && std::memcmp(p, kMagic, avail < 6 ? avail : 6) != 0)
      return fail(error, name, "not a .npy file (bad magic; expected \\x93NUMPY)");
    return fail(error, name, "truncated: " + std::to_string(total) + " bytes is too short for a .npy file");
  }
  if (std::memcmp(p, kMagic, 6) != 0) return fail(error, name, "not a .npy file (bad magic; expected \\x93NUMPY)");
  const int major = p[6], minor = p[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return fail(error, name,
                "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " (supported: 1.0, 2.0, 3.0)");
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (avail < 6 + 2 + len_bytes) return fail(error, name, "truncated in the header length");
  const uint64_t header_len = major == 1 ? le16(p + 8) : le32(p + 8);
  const uint64_t preamble = 8 + len_bytes;
  if (header_len > kMaxHeaderBytes)
    return fail(error, name, "header length " + std::to_string(header_len) + " exceeds the limit of 1 MiB");
  if (preamble + header_len > total)
    return fail(error, name,
                "truncated: header of " + std::to_string(header_len) + " bytes, but only " +
                    std::to_string(total - preamble) + " bytes follow the header length");
  if (preamble + header_len > avail) return fail(error, name, "header could not be read");
  std::string why;
  HeaderParser parser(reinterpret_cast<const char*>(p + preamble), static_cast<size_t>(header_len));
  if (!parser.parse(h, &why)) return fail(error, name, "bad header: " + why);
  int64_t n = 0;
  if (!checked_numel(h->shape, h->file_elem_size, kMaxIoTensorBytes, &n))
    return fail(error, name, "shape " + shape_str(h->shape) + " is too large (more than 2 GiB of data)");
  h->numel = n;
  h->data_bytes = static_cast<uint64_t>(n) * h->file_elem_size;
  const uint64_t have = total - preamble - header_len;
  const std::string want = "shape " + shape_str(h->shape) + " of " + (h->float64 ? "float64" : dtype_name(h->dtype)) +
                           " needs " + std::to_string(h->data_bytes) + " bytes of data";
  if (have < h->data_bytes)
    return fail(error, name, "truncated: " + want + ", the file has " + std::to_string(have));
  if (have > h->data_bytes)
    return fail(error, name, "wrong data size: " + want + ", the file has " + std::to_string(have));
  *data_offset = preamble + header_len;
  return true;
}

// Converts the raw data bytes of a file into the tensor's representation.
void fill_tensor(const Header& h, const uint8_t* src, Tensor* t) {
  *t = Tensor(h.dtype, h.shape);
  if (h.float64) {
    float* dst = t->data<float>();
    for (int64_t i = 0; i < h.numel; ++i) {
      double v;
      std::memcpy(&v, src + i * 8, 8);
      dst[i] = static_cast<float>(v);
    }
  } else if (h.dtype == DType::kBool) {
    for (int64_t i = 0; i < h.numel; ++i) t->bytes[i] = src[i] != 0;
  } else if (!t->bytes.empty()) {
    std::memcpy(t->bytes.data(), src, t->bytes.size());
  }
}

const char* npy_descr(DType t) {
  switch (t) {
    case DType::kFloat32: return "<f4";
    case DType::kInt64: return "<i8";
    case DType::kInt32: return "<i4";
    case DType::kInt8: return "|i1";
    case DType::kUInt8: return "|u1";
    case DType::kBool: return "|b1";
  }
  return "<f4";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens a regular file for reading and returns its size.
bool open_regular(const std::string& path, int* fd_out, uint64_t* size, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return fail(error, path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(error, path, "not a regular file");
  }
  *fd_out = fd;
  *size = static_cast<uint64_t>(st.st_size);
  return true;
}

bool read_exact(int fd, uint64_t offset, uint8_t* dst, uint64_t n, const std::string& path, std::string* error) {
  while (n > 0) {
    const size_t chunk = n > (uint64_t{1} << 30) ? size_t{1} << 30 : static_cast<size_t>(n);
    const ssize_t r = ::pread(fd, dst, chunk, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(error, path, std::string("read error: ") + std::strerror(errno));
    if (r == 0) return fail(error, path, "file shrank while it was read");
    dst += r;
    offset += static_cast<uint64_t>(r);
    n -= static_cast<uint64_t>(r);
  }
  return true;
}

}  // namespace

bool checked_numel(const std::vector<int64_t>& shape, size_t elem_size, uint64_t max_bytes, int64_t* numel) {
  if (elem_size == 0) return false;
  const uint64_t max_elems = max_bytes / elem_size;
  uint64_t n = 1;
  bool zero = false;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d == 0) zero = true;
  }
  if (zero) {
    *numel = 0;
    return true;
  }
  for (int64_t d : shape) {
    const uint64_t u = static_cast<uint64_t>(d);
    if (n > max_elems / u) return false;
    n *= u;
  }
  *numel = static_cast<int64_t>(n);
  return true;
}

bool read_file_bytes(const std::string& path, uint64_t max_bytes, std::vector<uint8_t>* bytes, std::string* error) {
  int raw_fd = -1;
  uint64_t size = 0;
  if (!open_regular(path, &raw_fd, &size, error)) return false;
  Fd fd(raw_fd);
  if (size > max_bytes)
    return fail(error, path, "file of " + std::to_string(size) + " bytes exceeds the limit of " +
                                 std::to_string(max_bytes));
  std::vector<uint8_t> b(static_cast<size_t>(size));
  if (!read_exact(fd.get(), 0, b.data(), size, path, error)) return false;
  *bytes = std::move(b);
  return true;
}

bool parse_npy(const uint8_t* data, size_t size, Tensor* out, std::string* error, const std::string& name) {
  Header h;
  uint64_t offset = 0;
  if (!parse_prefix(data, size, size, name, &h, &offset, error)) return false;
  fill_tensor(h, data + offset, out);
  return true;
}

bool read_npy(const std::string& path, Tensor* out, std::string* error) {
  int raw_fd = -1;
  uint64_t size = 0;
  if (!open_regular(path, &raw_fd, &size, error)) return false;
  Fd fd(raw_fd);
  // The header first (bounded), then the data straight into place.
  const uint64_t prefix_size = size < kMaxHeaderBytes + 12 ? size : kMaxHeaderBytes + 12;
  std::vector<uint8_t> prefix(static_cast<size_t>(prefix_size));
  if (!read_exact(fd.get(), 0, prefix.data(), prefix_size, path, error)) return false;
  Header h;
  uint64_t offset = 0;
  if (!parse_prefix(prefix.data(), prefix.size(), size, path, &h, &offset, error)) return false;
  if (!h.float64 && h.dtype != DType::kBool) {
    Tensor t(h.dtype, h.shape);
    if (!read_exact(fd.get(), offset, t.bytes.data(), h.data_bytes, path, error)) return false;
    *out = std::move(t);
    return true;
  }
  std::vector<uint8_t> raw(static_cast<size_t>(h.data_bytes));
  if (!read_exact(fd.get(), offset, raw.data(), h.data_bytes, path, error)) return false;
  fill_tensor(h, raw.data(), out);
  return true;
}

std::vector<uint8_t> npy_bytes(const Tensor& t) {
  std::string dict = std::string("{'descr': '") + npy_descr(t.dtype) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < t.shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(t.shape[i]);
  if (t.shape.size() == 1) dict += ",";
  dict += "), }";
  // Version 1.0 has a 16-bit header length; larger headers (very high ranks) need 2.0.
  const bool v2 = dict.size() + 1 + 10 + 63 > 65535;
  const size_t preamble = v2 ? 12 : 10;
  size_t total = preamble + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';
  std::vector<uint8_t> out(preamble);
  std::memcpy(out.data(), kMagic, 6);
  out[6] = v2 ? 2 : 1;
  out[7] = 0;
  const uint32_t len = static_cast<uint32_t>(dict.size());
  out[8] = static_cast<uint8_t>(len);
  out[9] = static_cast<uint8_t>(len >> 8);
  if (v2) {
    out[10] = static_cast<uint8_t>(len >> 16);
    out[11] = static_cast<uint8_t>(len >> 24);
  }
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), t.bytes.begin(), t.bytes.end());
  return out;
}

bool write_npy(const std::string& path, const Tensor& t, std::string* error) {
  int64_t n = 0;
  if (!checked_numel(t.shape, dtype_size(t.dtype), ~uint64_t{0}, &n) ||
      static_cast<uint64_t>(n) * dtype_size(t.dtype) != t.bytes.size())
    return fail(error, path, "tensor of shape " + shape_str(t.shape) + " holds " + std::to_string(t.bytes.size()) +
                                 " bytes, not shape x " + dtype_name(t.dtype));
  const std::vector<uint8_t> b = npy_bytes(t);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return fail(error, path, std::string("cannot create: ") + std::strerror(errno));
  const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return fail(error, path, std::string("write error: ") + std::strerror(errno));
  return true;
}

bool read_raw_f32(const std::string& path, const std::vector<int64_t>& shape, Tensor* out, std::string* error) {
  int64_t n = 0;
  if (!checked_numel(shape, 4, kMaxIoTensorBytes, &n))
    return fail(error, path, "shape " + shape_str(shape) + " is invalid or larger than 2 GiB of float32");
  int raw_fd = -1;
  uint64_t size = 0;
  if (!open_regular(path, &raw_fd, &size, error)) return false;
  Fd fd(raw_fd);
  const uint64_t want = static_cast<uint64_t>(n) * 4;
  if (size != want)
    return fail(error, path,
                "raw float32 file of " + std::to_string(size) + " bytes, but shape " + shape_str(shape) + " needs " +
                    std::to_string(want) + " (" + std::to_string(n) + " float32 values)");
  Tensor t(DType::kFloat32, shape);
  if (!read_exact(fd.get(), 0, t.bytes.data(), want, path, error)) return false;
  *out = std::move(t);
  return true;
}

}  // namespace octet::cvt

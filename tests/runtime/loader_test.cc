// The loader against hostile files: truncated and bit-flipped demo models, and
// hand-made files (ModelWriter, a raw flatbuffer, or patched bytes) that each
// break one rule of schema/octet.fbs. Every one must be refused with a status and
// a message naming what is wrong; none may crash or read outside the file (the
// exact-size copies of tests/support/internal_load.h let AddressSanitizer see a
// read one byte past the end).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "converter/writer/model_writer.h"
#include "octet/schema/octet_generated.h"
#include "runtime/model.h"
#include "runtime/session.h"
#include "tests/support/internal_load.h"
#include "tests/support/test_util.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;
using octet::ModelWriter;
using octet::QuantParams;
using octet::rt::Model;
using octet::rt::Status;

// ---------------------------------------------------------------------------
// Loading helpers.

std::string status_name(octet_status s) { return octet_status_string(s); }

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Loads through the C API (load_memory) and through an exact-size copy; both must
// refuse with `want` and a message holding every part.
testing::AssertionResult Rejected(const std::vector<uint8_t>& bytes, octet_status want, std::initializer_list<const char*> parts) {
  const Loaded r = load_memory(bytes);
  if (r.status == OCTET_OK) return testing::AssertionFailure() << "the model loaded; expected " << status_name(want);
  if (r.status != want) {
    return testing::AssertionFailure() << "status '" << status_name(r.status) << "' (" << r.error << "), expected '" << status_name(want) << "'";
  }
  for (const char* p : parts) {
    if (!contains(r.error, p)) return testing::AssertionFailure() << "message \"" << r.error << "\" lacks \"" << p << "\"";
  }
  std::shared_ptr<const Model> m;
  const Status st = load_exact(bytes.data(), bytes.size(), &m);
  if (st.ok() || st.code() != r.status || st.message() != r.error) {
    return testing::AssertionFailure() << "exact-size load gave '" << status_name(st.code()) << "' (" << st.message() << ")";
  }
  return testing::AssertionSuccess() << r.error;
}

// The model loads (through the C API) and runs once.
testing::AssertionResult LoadsAndRuns(const std::vector<uint8_t>& bytes) {
  std::shared_ptr<const Model> m;
  const Status st = load_exact(bytes.data(), bytes.size(), &m);
  if (!st.ok()) return testing::AssertionFailure() << "load failed: " << st.message();
  const Status run = run_once(m, 1);
  if (!run.ok()) return testing::AssertionFailure() << "run failed: " << run.message();
  const Loaded r = load_memory(bytes);
  if (!r.ok()) return testing::AssertionFailure() << "C API load failed: " << r.error;
  return testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// Byte patching.

const fb::Model* model_of(const std::vector<uint8_t>& b) { return fb::GetSizePrefixedModel(b.data()); }

size_t position(const std::vector<uint8_t>& b, const void* p) { return static_cast<size_t>(static_cast<const uint8_t*>(p) - b.data()); }

void put_u64(std::vector<uint8_t>* b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*b)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Rewrites Buffer `index` of the file in place.
void patch_buffer(std::vector<uint8_t>* b, uint32_t index, uint64_t offset, uint64_t size) {
  const size_t at = position(*b, model_of(*b)->buffers()->Get(index));
  put_u64(b, at, offset);
  put_u64(b, at + 8, size);
}

// File position of a scalar field stored in a table (it must be present).
template <typename T>
size_t field_position(const std::vector<uint8_t>& b, const T* table, flatbuffers::voffset_t field) {
  const uint8_t* p = reinterpret_cast<const flatbuffers::Table*>(table)->GetAddressOf(field);
  if (p == nullptr) {
    ADD_FAILURE() << "field " << field << " is not stored";
    return 0;
  }
  return position(b, p);
}

// Removes a field from a table by zeroing its vtable entry (the builder refuses to
// write a table without a required field, so files lacking one are made this way).
template <typename T>
void drop_field(std::vector<uint8_t>* b, const T* table, flatbuffers::voffset_t field) {
  const auto* t = reinterpret_cast<const uint8_t*>(table);
  const uint8_t* vtable = t - flatbuffers::ReadScalar<flatbuffers::soffset_t>(t);
  ASSERT_LT(field, flatbuffers::ReadScalar<flatbuffers::voffset_t>(vtable));
  const size_t at = position(*b, vtable + field);
  (*b)[at] = 0;
  (*b)[at + 1] = 0;
}

uint64_t flatbuffer_end(const std::vector<uint8_t>& b) { return uint64_t{flatbuffers::ReadScalar<uint32_t>(b.data())} + 4; }

// ---------------------------------------------------------------------------
// Small models.

auto quantize_options() {
  return [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); };
}
auto dequantize_options() {
  return [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); };
}
auto requantize_options() {
  return [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateRequantizeOptions(f).Union(); };
}

// x (float [4]) -> Quantize -> q (int8 [4]) -> Dequantize -> y (float [4]);
// tensors 0, 1, 2. Callers add tensors (index 3 on) or change the graph.
struct Tiny {
  ModelWriter w;
  int x, q, y;
  QuantParams qp = QuantParams::per_tensor(0.5f, 3);
  explicit Tiny(bool wire = true) {
    x = w.add_tensor("x", fb::ElementType::FLOAT32, {4});
    q = w.add_tensor("q", fb::ElementType::INT8, {4}, &qp);
    y = w.add_tensor("y", fb::ElementType::FLOAT32, {4});
    if (wire) {
      w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {x}, {q}, "quantize");
      w.add_operator(fb::OperatorOptions::DequantizeOptions, dequantize_options(), {q}, {y}, "dequantize");
      w.add_input("x", x);
      w.add_output("y", y);
    }
  }
};

// Tiny with one extra, unused tensor 3 named "bad".
std::vector<uint8_t> tiny_with_tensor(fb::ElementType type, const std::vector<int32_t>& shape, const QuantParams* q) {
  Tiny t;
  t.w.add_tensor("bad", type, shape, q);
  return t.w.finish();
}

// Tiny with one extra constant tensor 3 named "bad" holding `bytes` bytes.
std::vector<uint8_t> tiny_with_constant(fb::ElementType type, const std::vector<int32_t>& shape, size_t bytes, const QuantParams* q) {
  Tiny t;
  std::vector<uint8_t> data(bytes, 1);
  t.w.add_constant("bad", type, shape, data.data(), data.size(), q);
  return t.w.finish();
}

// The Tiny model built directly with the flatbuffers API, so fields ModelWriter
// always writes the same way (the operator version) can be chosen.
std::vector<uint8_t> raw_tiny_model(int32_t op_version) {
  flatbuffers::FlatBufferBuilder f;
  const auto q = fb::CreateQuantization(f, f.CreateVector(std::vector<float>{0.5f}), f.CreateVector(std::vector<int32_t>{3}));
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(f, f.CreateString("x"), fb::ElementType::FLOAT32, f.CreateVector(std::vector<int32_t>{4})),
      fb::CreateTensor(f, f.CreateString("q"), fb::ElementType::INT8, f.CreateVector(std::vector<int32_t>{4}), q)};
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(f, fb::OperatorOptions::QuantizeOptions, fb::CreateQuantizeOptions(f).Union(), op_version,
                         f.CreateVector(std::vector<int32_t>{0}), f.CreateVector(std::vector<int32_t>{1}), f.CreateString("quantize"))};
  std::vector<flatbuffers::Offset<fb::GraphIO>> ins = {fb::CreateGraphIO(f, f.CreateString("x"), 0)};
  std::vector<flatbuffers::Offset<fb::GraphIO>> outs = {fb::CreateGraphIO(f, f.CreateString("q"), 1)};
  std::vector<fb::Buffer> buffers = {fb::Buffer(0, 0)};
  const auto model = fb::CreateModel(f, 1, f.CreateVector(tensors), f.CreateVector(ops), f.CreateVector(ins),
                                     f.CreateVector(outs), f.CreateVectorOfStructs(buffers));
  fb::FinishSizePrefixedModelBuffer(f, model);
  return std::vector<uint8_t>(f.GetBufferPointer(), f.GetBufferPointer() + f.GetSize());
}

// A file with one constant (buffer 1) read by an operator: int8 constant c [4]
// + graph input a [4] -> Add -> y [4].
std::vector<uint8_t> model_with_constant() {
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  const int8_t data[4] = {1, -2, 3, -4};
  const int c = w.add_constant("c", fb::ElementType::INT8, {4}, data, 4, &q);
  const int a = w.add_tensor("a", fb::ElementType::INT8, {4}, &q);
  const int y = w.add_tensor("y", fb::ElementType::INT8, {4}, &q);
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); }, {a, c}, {y}, "add");
  w.add_input("a", a);
  w.add_output("y", y);
  return w.finish();
}

// ---------------------------------------------------------------------------
// Files that are not models.

TEST(LoaderFiles, NonexistentPathIsIoError) {
  const Loaded r = load_file("/nonexistent/octet/model.octet");
  EXPECT_EQ(r.status, OCTET_IO_ERROR) << r.error;
  EXPECT_TRUE(contains(r.error, "cannot open")) << r.error;
  EXPECT_TRUE(contains(r.error, "/nonexistent/octet/model.octet")) << r.error;
}

TEST(LoaderFiles, DirectoryOrDeviceIsIoError) {
  for (const char* path : {"/tmp", "/", "/dev/null", "/dev/zero"}) {
    const Loaded r = load_file(path);
    EXPECT_EQ(r.status, OCTET_IO_ERROR) << path << ": " << r.error;
    EXPECT_TRUE(contains(r.error, "not a regular file")) << r.error;
  }
}

// A named pipe with no writer: open() for reading would block until one comes,
// so the loader must not wait for it.
TEST(LoaderFiles, NamedPipeDoesNotBlock) {
  TempFile fifo("pipe.octet");
  ASSERT_EQ(mkfifo(fifo.path().c_str(), 0600), 0) << std::strerror(errno);
  std::promise<Loaded> done;
  std::future<Loaded> result = done.get_future();
  std::thread loader([&] { done.set_value(load_file(fifo.path())); });
  const bool finished = result.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  if (!finished) {
    // Unblock the loader's open() by opening the other end, so the thread ends.
    const int fd = open(fifo.path().c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) close(fd);
  }
  loader.join();
  ASSERT_TRUE(finished) << "loading a named pipe blocked";
  const Loaded r = result.get();
  EXPECT_EQ(r.status, OCTET_IO_ERROR) << r.error;
  EXPECT_TRUE(contains(r.error, "not a regular file")) << r.error;
}

TEST(LoaderFiles, EmptyFile) {
  TempFile f("empty.octet");
  ASSERT_TRUE(f.write({}));
  const Loaded r = load_file(f.path());
  EXPECT_EQ(r.status, OCTET_INVALID_MODEL) << r.error;
  EXPECT_TRUE(contains(r.error, "empty")) << r.error;
  // An empty buffer in memory is a bad argument.
  const uint8_t byte = 0;
  EXPECT_EQ(load_memory(&byte, 0).status, OCTET_INVALID_ARGUMENT);
}

TEST(LoaderFiles, SevenByteFile) {
  const std::vector<uint8_t> demo = demo_file(1);
  const std::vector<uint8_t> seven(demo.begin(), demo.begin() + 7);
  TempFile f("seven.octet");
  ASSERT_TRUE(f.write(seven));
  const Loaded r = load_file(f.path());
  EXPECT_EQ(r.status, OCTET_INVALID_MODEL) << r.error;
  EXPECT_TRUE(contains(r.error, "7 bytes")) << r.error;
  EXPECT_TRUE(Rejected(seven, OCTET_INVALID_MODEL, {"too small"}));
}

TEST(LoaderFiles, TextFileIsNotAModel) {
  const std::string text = "This is not an octet model, just some text that is long enough.\n";
  EXPECT_TRUE(Rejected(std::vector<uint8_t>(text.begin(), text.end()), OCTET_INVALID_MODEL, {}));
}

TEST(LoaderFiles, DemoLoadsFromFileAndMemory) {
  const std::vector<uint8_t> demo = demo_file(1);
  TempFile f("demo.octet");
  ASSERT_TRUE(f.write(demo));
  const Loaded a = load_file(f.path());
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.error, "");
  const Loaded b = load_memory(demo);
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(octet_model_num_operators(a.model.get()), 15u);
}

// ---------------------------------------------------------------------------
// Truncation and bit flips of the demo model.

TEST(LoaderHostile, TruncatedAtEveryOffset) {
  const std::vector<uint8_t> demo = demo_file(1);
  std::shared_ptr<const Model> full;
  ASSERT_TRUE(load_exact(demo.data(), demo.size(), &full).ok());
  std::vector<std::vector<uint8_t>> full_out;
  ASSERT_TRUE(run_once(full, 5, &full_out).ok());
  const uint64_t fb_end = flatbuffer_end(demo);
  size_t loaded = 0;
  for (size_t n = 0; n < demo.size(); ++n) {
    std::shared_ptr<const Model> m;
    const Status st = load_exact(demo.data(), n, &m);
    if (st.ok()) {
      // Only a cut through trailing padding may load, and then it is the same model.
      for (size_t i = n; i < demo.size(); ++i) ASSERT_EQ(demo[i], 0) << "truncated at " << n << " loaded, but byte " << i << " was data";
      std::vector<std::vector<uint8_t>> out;
      ASSERT_TRUE(run_once(m, 5, &out).ok());
      EXPECT_EQ(out, full_out) << "truncated at " << n;
      ++loaded;
      continue;
    }
    ASSERT_EQ(st.code(), OCTET_INVALID_MODEL) << "truncated at " << n << ": " << st.message();
    const char* expect = n < 12 ? "too small" : n < fb_end ? "truncated" : "outside the file";
    ASSERT_TRUE(contains(st.message(), expect)) << "truncated at " << n << ": " << st.message();
  }
  // The demo file ends with constant data, not padding.
  EXPECT_EQ(loaded, 0u);
}

TEST(LoaderHostile, TruncatedFilesThroughTheFileApi) {
  const std::vector<uint8_t> demo = demo_file(2);
  TempFile f("truncated.octet");
  for (size_t n = 1; n < demo.size(); n += 211) {
    ASSERT_TRUE(f.write(std::vector<uint8_t>(demo.begin(), demo.begin() + n)));
    const Loaded r = load_file(f.path());
    ASSERT_EQ(r.status, OCTET_INVALID_MODEL) << "truncated at " << n << ": " << r.error;
    ASSERT_FALSE(r.error.empty());
  }
}

// Optimised builds flip every bit of the flatbuffer; sanitizer and debug builds,
// about ten times slower per run, three distinct random bits of each of its bytes.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr int kBitsPerByte = 3;
#else
constexpr int kBitsPerByte = 8;
#endif

// Bits of the flatbuffer flipped in turn (see kEveryBit), and one random bit of
// every byte of constant data. Each file must be refused with INVALID_MODEL or
// UNSUPPORTED and a message, or load and then run.
TEST(LoaderHostile, BitFlips) {
  const std::vector<uint8_t> demo = demo_file(3);
  const size_t fb_end = static_cast<size_t>(flatbuffer_end(demo));
  std::mt19937 rng(1234);
  size_t refused = 0, ran = 0;
  std::vector<uint8_t> bytes = demo;
  auto trial = [&](size_t byte, int bit) {
    bytes[byte] ^= static_cast<uint8_t>(1u << bit);
    std::shared_ptr<const Model> m;
    const Status st = load_exact(bytes.data(), bytes.size(), &m);
    if (!st.ok()) {
      EXPECT_TRUE(st.code() == OCTET_INVALID_MODEL || st.code() == OCTET_UNSUPPORTED)
          << "byte " << byte << " bit " << bit << ": " << status_name(st.code()) << ": " << st.message();
      EXPECT_FALSE(st.message().empty()) << "byte " << byte << " bit " << bit;
      ++refused;
    } else {
      const Status run = run_once(m, static_cast<uint32_t>(byte));
      EXPECT_TRUE(run.ok()) << "byte " << byte << " bit " << bit << " loaded but: " << run.message();
      ++ran;
    }
    bytes[byte] ^= static_cast<uint8_t>(1u << bit);
  };
  for (size_t i = 0; i < fb_end; ++i) {
    int bits[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    std::shuffle(bits, bits + 8, rng);
    for (int k = 0; k < kBitsPerByte; ++k) trial(i, bits[k]);
  }
  for (size_t i = fb_end; i < demo.size(); ++i) trial(i, static_cast<int>(rng() % 8));
  ASSERT_EQ(bytes, demo);
  std::printf("bit flips: %zu-byte file, %zu-byte flatbuffer: %zu refused, %zu loaded and ran\n", demo.size(), fb_end, refused, ran);
  // Both outcomes occur: flips of the structure are caught, flips of weights run.
  const size_t flatbuffer_trials = kBitsPerByte * fb_end;
  EXPECT_GT(refused, flatbuffer_trials / 4);
  EXPECT_GT(ran, demo.size() - fb_end);
}

// Random multi-byte damage of the flatbuffer part (several bytes at once).
TEST(LoaderHostile, RandomByteBursts) {
  const std::vector<uint8_t> demo = demo_file(4);
  const size_t fb_end = static_cast<size_t>(flatbuffer_end(demo));
  std::mt19937 rng(99);
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<uint8_t> bytes = demo;
    const int k = 2 + static_cast<int>(rng() % 6);
    for (int j = 0; j < k; ++j) bytes[rng() % fb_end] = static_cast<uint8_t>(rng());
    std::shared_ptr<const Model> m;
    const Status st = load_exact(bytes.data(), bytes.size(), &m);
    if (!st.ok()) {
      ASSERT_TRUE(st.code() == OCTET_INVALID_MODEL || st.code() == OCTET_UNSUPPORTED) << trial << ": " << st.message();
      ASSERT_FALSE(st.message().empty());
    } else {
      const Status run = run_once(m, static_cast<uint32_t>(trial));
      ASSERT_TRUE(run.ok()) << trial << ": " << run.message();
    }
  }
}

// ---------------------------------------------------------------------------
// The container.

TEST(LoaderContainer, WrongFileIdentifier) {
  std::vector<uint8_t> b = demo_file(1);
  std::memcpy(b.data() + 8, "ONNX", 4);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"identifier", "OCT8"}));
}

TEST(LoaderContainer, SizePrefixBeyondTheFile) {
  std::vector<uint8_t> b = demo_file(1);
  put_u32(&b, 0, static_cast<uint32_t>(b.size()));
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"truncated"}));
  put_u32(&b, 0, 0xFFFFFFFFu);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"truncated", "4294967295"}));
}

TEST(LoaderContainer, SizePrefixTooSmall) {
  std::vector<uint8_t> b = demo_file(1);
  put_u32(&b, 0, 4);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"too small"}));
}

TEST(LoaderContainer, CorruptRootOffset) {
  std::vector<uint8_t> b = demo_file(1);
  put_u32(&b, 4, 0x7FFFFFF0u);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"verification"}));
}

TEST(LoaderContainer, MissingRequiredField) {
  std::vector<uint8_t> b = raw_tiny_model(1);
  EXPECT_TRUE(LoadsAndRuns(b));
  drop_field(&b, model_of(b), fb::Model::VT_OPERATORS);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"verification"}));
  std::vector<uint8_t> c = raw_tiny_model(1);
  drop_field(&c, model_of(c)->operators()->Get(0), fb::Operator::VT_INPUTS);
  EXPECT_TRUE(Rejected(c, OCTET_INVALID_MODEL, {"verification"}));
}

TEST(LoaderContainer, FormatVersion) {
  Tiny t;
  EXPECT_TRUE(LoadsAndRuns(t.w.finish()));
  t.w.set_format_version(2);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_UNSUPPORTED, {"format version 2", "version 1"}));
  t.w.set_format_version(0);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_UNSUPPORTED, {"format version 0"}));
}

TEST(LoaderContainer, BufferZeroMustBeEmpty) {
  std::vector<uint8_t> b = model_with_constant();
  ASSERT_TRUE(LoadsAndRuns(b));
  patch_buffer(&b, 0, 0, 4);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"buffer 0"}));
}

TEST(LoaderContainer, BufferOffsetNotAligned) {
  std::vector<uint8_t> b = model_with_constant();
  const fb::Buffer* buf = model_of(b)->buffers()->Get(1);
  const uint64_t offset = buf->offset(), size = buf->size();
  ASSERT_EQ(offset % 64, 0u);
  for (uint64_t delta : {1, 4, 8, 32}) {
    std::vector<uint8_t> p = b;
    patch_buffer(&p, 1, offset - 64 + delta, size);
    EXPECT_TRUE(Rejected(p, OCTET_INVALID_MODEL, {"buffer 1", "not 64-byte aligned"})) << delta;
  }
}

TEST(LoaderContainer, BufferOutsideTheFile) {
  const std::vector<uint8_t> b = model_with_constant();
  const uint64_t end = (b.size() + 63) / 64 * 64;
  const struct {
    uint64_t offset, size;
  } cases[] = {
      {end, 4},                                // just past the end
      {end + 64 * 1000, 4},                    // far past the end
      {0, 4},                                  // inside the header
      {64, 4},                                 // inside the flatbuffer
      {end - 64, 64 + 4},                      // runs past the end
      {end - 64, uint64_t{1} << 62},           // a huge size
      {end - 64, ~uint64_t{0}},                // the largest size (offset + size wraps)
      {~uint64_t{63}, 64},                     // the largest aligned offset (wraps)
      {uint64_t{1} << 63, 4},
  };
  for (const auto& c : cases) {
    std::vector<uint8_t> p = b;
    patch_buffer(&p, 1, c.offset, c.size);
    EXPECT_TRUE(Rejected(p, OCTET_INVALID_MODEL, {"buffer 1", "outside the file"})) << c.offset << " + " << c.size;
  }
}

TEST(LoaderContainer, EmptyBufferAtTheEndOfTheFileIsFine) {
  // A zero-size constant exactly at the end of the file: in the data area, no byte read.
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  const int8_t one = 1;
  const int a = w.add_tensor("a", fb::ElementType::INT8, {0}, &q);
  const int c = w.add_constant("c", fb::ElementType::INT8, {0}, &one, 0, &q);
  const int y = w.add_tensor("y", fb::ElementType::INT8, {0}, &q);
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); }, {a, c}, {y});
  w.add_input("a", a);
  w.add_output("y", y);
  std::vector<uint8_t> b = w.finish();
  b.resize((b.size() + 63) / 64 * 64, 0);
  patch_buffer(&b, 1, b.size(), 0);
  EXPECT_TRUE(LoadsAndRuns(b));
}

// ---------------------------------------------------------------------------
// Tensors.

TEST(LoaderTensors, ExtraValidTensorLoads) {
  // The base of the tests below: Tiny plus an unused, valid tensor 3.
  const QuantParams q = QuantParams::per_tensor(0.25f, 0);
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &q)));
  EXPECT_TRUE(LoadsAndRuns(tiny_with_constant(fb::ElementType::INT8, {2, 3}, 6, &q)));
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::FLOAT32, {}, nullptr)));  // a scalar
}

TEST(LoaderTensors, ElementCountOverflow) {
  const int32_t big = 1 << 30;
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, {big, big, big}, nullptr), OCTET_INVALID_MODEL,
                       {"tensor 3 'bad'", "too large"}));
  const int32_t m = std::numeric_limits<int32_t>::max();
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, {m, m, m, m, m, m, m, m}, nullptr), OCTET_INVALID_MODEL,
                       {"tensor 3", "too large"}));
  // 4 GiB of int8 does not overflow but exceeds the 2 GiB tensor limit.
  const QuantParams q = QuantParams::per_tensor(0.25f, 0);
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {65536, 65536}, &q), OCTET_INVALID_MODEL, {"tensor 3", "too large"}));
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT32, {(1 << 29) + 1}, nullptr), OCTET_INVALID_MODEL, {"tensor 3", "2 GiB"}));
  // A zero dimension makes the product 0 whatever follows.
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::FLOAT32, {0, m, m, m}, nullptr)));
}

TEST(LoaderTensors, NegativeDimension) {
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, {4, -1}, nullptr), OCTET_INVALID_MODEL,
                       {"tensor 3 'bad'", "negative dimension -1"}));
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, {std::numeric_limits<int32_t>::min()}, nullptr), OCTET_INVALID_MODEL,
                       {"tensor 3", "negative dimension"}));
}

TEST(LoaderTensors, RankAboveEight) {
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::FLOAT32, std::vector<int32_t>(8, 1), nullptr)));
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, std::vector<int32_t>(9, 1), nullptr), OCTET_UNSUPPORTED,
                       {"tensor 3", "rank 9"}));
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, std::vector<int32_t>(1000, 1), nullptr), OCTET_UNSUPPORTED,
                       {"tensor 3", "rank 1000"}));
}

TEST(LoaderTensors, QuantizationPresence) {
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {4}, nullptr), OCTET_INVALID_MODEL,
                       {"tensor 3 'bad'", "int8 tensor without quantization"}));
  const QuantParams q = QuantParams::per_tensor(0.25f, 0);
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::FLOAT32, {4}, &q), OCTET_INVALID_MODEL, {"tensor 3", "float32 tensor with quantization"}));
  // int32 may carry one (biases) or not.
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::INT32, {4}, &q)));
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::INT32, {4}, nullptr)));
}

TEST(LoaderTensors, BadScales) {
  const float bad[] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
                       std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                       0.0f, -0.0f, -1.0f, -std::numeric_limits<float>::denorm_min()};
  for (float s : bad) {
    const QuantParams q = QuantParams::per_tensor(s, 0);
    EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {4}, &q), OCTET_INVALID_MODEL, {"tensor 3", "scale", "finite and positive"})) << s;
  }
  // One bad scale among per-channel ones.
  const QuantParams pc{{0.5f, 0.25f, std::numeric_limits<float>::quiet_NaN()}, {0, 0, 0}, 0};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {3, 2}, &pc), OCTET_INVALID_MODEL, {"tensor 3", "finite and positive"}));
}

TEST(LoaderTensors, ZeroPointOutsideInt8) {
  for (int32_t z : {128, -129, 1000, std::numeric_limits<int32_t>::min()}) {
    const QuantParams q = QuantParams::per_tensor(0.5f, z);
    EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {4}, &q), OCTET_INVALID_MODEL,
                         {"tensor 3", ("zero point " + std::to_string(z)).c_str(), "outside int8"}))
        << z;
  }
  for (int32_t z : {127, -128}) {
    const QuantParams q = QuantParams::per_tensor(0.5f, z);
    EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::INT8, {4}, &q))) << z;
  }
}

TEST(LoaderTensors, PerChannelQuantizationShape) {
  const QuantParams ok{{0.5f, 0.25f, 0.125f}, {0, 0, 0}, 1};
  EXPECT_TRUE(LoadsAndRuns(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &ok)));
  const QuantParams count{{0.5f, 0.25f, 0.125f}, {0, 0, 0}, 0};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &count), OCTET_INVALID_MODEL,
                       {"tensor 3", "3 scales for axis 0 of size 2"}));
  const QuantParams axis{{0.5f, 0.25f}, {0, 0}, 2};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &axis), OCTET_INVALID_MODEL, {"tensor 3", "axis 2 out of range"}));
  const QuantParams negative_axis{{0.5f, 0.25f}, {0, 0}, -2};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &negative_axis), OCTET_INVALID_MODEL, {"tensor 3", "axis -2"}));
  const QuantParams per_tensor_two{{0.5f, 0.25f}, {0, 0}, -1};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &per_tensor_two), OCTET_INVALID_MODEL,
                       {"tensor 3", "per-tensor quantization with 2 scales"}));
  const QuantParams mismatched{{0.5f, 0.25f}, {0}, 0};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &mismatched), OCTET_INVALID_MODEL,
                       {"tensor 3", "as many scales as zero points"}));
  const QuantParams empty{{}, {}, -1};
  EXPECT_TRUE(Rejected(tiny_with_tensor(fb::ElementType::INT8, {2, 3}, &empty), OCTET_INVALID_MODEL, {"tensor 3", "at least one"}));
}

TEST(LoaderTensors, ConstantBufferSizeMismatch) {
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  EXPECT_TRUE(Rejected(tiny_with_constant(fb::ElementType::INT8, {4}, 5, &q), OCTET_INVALID_MODEL,
                       {"tensor 3 'bad'", "holds 5 bytes", "needs 4"}));
  EXPECT_TRUE(Rejected(tiny_with_constant(fb::ElementType::INT8, {4}, 3, &q), OCTET_INVALID_MODEL, {"holds 3 bytes", "needs 4"}));
  EXPECT_TRUE(Rejected(tiny_with_constant(fb::ElementType::INT32, {3}, 3, nullptr), OCTET_INVALID_MODEL, {"int32", "needs 12"}));
  EXPECT_TRUE(Rejected(tiny_with_constant(fb::ElementType::FLOAT32, {2, 2}, 0, nullptr), OCTET_INVALID_MODEL, {"holds 0 bytes", "needs 16"}));
}

TEST(LoaderTensors, UnknownElementType) {
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  std::vector<uint8_t> b = tiny_with_tensor(fb::ElementType::INT8, {4}, &q);
  ASSERT_TRUE(LoadsAndRuns(b));
  b[field_position(b, model_of(b)->tensors()->Get(3), fb::Tensor::VT_TYPE)] = 7;
  EXPECT_TRUE(Rejected(b, OCTET_UNSUPPORTED, {"tensor 3", "unknown element type 7"}));
}

TEST(LoaderTensors, BufferIndexOutOfRange) {
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  std::vector<uint8_t> b = tiny_with_constant(fb::ElementType::INT8, {4}, 4, &q);
  ASSERT_TRUE(LoadsAndRuns(b));
  put_u32(&b, field_position(b, model_of(b)->tensors()->Get(3), fb::Tensor::VT_BUFFER), 99);
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"tensor 3", "buffer index 99 out of range"}));
}

// ---------------------------------------------------------------------------
// The graph.

TEST(LoaderGraph, OperatorInputIndexOutOfRange) {
  for (int bad : {3, 100, -2, std::numeric_limits<int32_t>::min()}) {
    Tiny t(false);
    t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {bad}, {t.q}, "quantize");
    t.w.add_input("x", t.x);
    t.w.add_output("q", t.q);
    EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL,
                         {"operator 0", "'quantize'", ("input tensor index " + std::to_string(bad) + " out of range").c_str()}));
  }
}

TEST(LoaderGraph, RequiredInputAbsent) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {-1}, {t.q}, "quantize");
  t.w.add_input("x", t.x);
  t.w.add_output("q", t.q);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "required input 0 is absent"}));
}

TEST(LoaderGraph, OperatorOutputIndexOutOfRange) {
  for (int bad : {3, -1, -7}) {
    Tiny t(false);
    t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {bad}, "quantize");
    t.w.add_input("x", t.x);
    t.w.add_output("x", t.x);
    EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", ("output tensor index " + std::to_string(bad)).c_str()}));
  }
}

TEST(LoaderGraph, WrongNumberOfInputsOrOutputs) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x, t.x}, {t.q}, "quantize");
  t.w.add_input("x", t.x);
  t.w.add_output("q", t.q);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "expects 1 inputs, has 2"}));
  Tiny u(false);
  u.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {u.x}, {}, "quantize");
  u.w.add_input("x", u.x);
  u.w.add_output("x", u.x);
  EXPECT_TRUE(Rejected(u.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "expects 1 outputs, has 0"}));
}

TEST(LoaderGraph, ReadBeforeWritten) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::DequantizeOptions, dequantize_options(), {t.q}, {t.y}, "dequantize");
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {t.q}, "quantize");
  t.w.add_input("x", t.x);
  t.w.add_output("y", t.y);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "reads tensor 1 'q' before any operator writes it"}));
}

TEST(LoaderGraph, Cycle) {
  // a -> Requantize -> b -> Requantize -> a, fed by nothing.
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  const int in = w.add_tensor("in", fb::ElementType::INT8, {4}, &q);
  const int a = w.add_tensor("a", fb::ElementType::INT8, {4}, &q);
  const int b = w.add_tensor("b", fb::ElementType::INT8, {4}, &q);
  w.add_operator(fb::OperatorOptions::RequantizeOptions, requantize_options(), {a}, {b}, "first");
  w.add_operator(fb::OperatorOptions::RequantizeOptions, requantize_options(), {b}, {a}, "second");
  w.add_input("in", in);
  w.add_output("b", b);
  EXPECT_TRUE(Rejected(w.finish(), OCTET_INVALID_MODEL, {"operator 0", "'first'", "reads tensor 1 'a'", "cycle"}));
}

TEST(LoaderGraph, OperatorReadsItsOwnOutput) {
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  const int in = w.add_tensor("in", fb::ElementType::INT8, {4}, &q);
  const int a = w.add_tensor("a", fb::ElementType::INT8, {4}, &q);
  w.add_operator(fb::OperatorOptions::BinaryOptions,
                 [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateBinaryOptions(f, fb::BinaryKind::ADD).Union(); }, {in, a}, {a},
                 "self");
  w.add_input("in", in);
  w.add_output("a", a);
  EXPECT_TRUE(Rejected(w.finish(), OCTET_INVALID_MODEL, {"operator 0", "tensor 1"}));
}

TEST(LoaderGraph, OutputWrittenTwice) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {t.q}, "first");
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {t.q}, "second");
  t.w.add_input("x", t.x);
  t.w.add_output("q", t.q);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 1", "'second'", "writes tensor 1 'q'", "already"}));
}

TEST(LoaderGraph, OperatorWritesAConstant) {
  Tiny t(false);
  const int8_t data[4] = {};
  const int c = t.w.add_constant("c", fb::ElementType::INT8, {4}, data, 4, &t.qp);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {c}, "quantize");
  t.w.add_input("x", t.x);
  t.w.add_output("q", c);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "writes tensor 3 'c'", "constant"}));
}

TEST(LoaderGraph, OperatorWritesAGraphInput) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::DequantizeOptions, dequantize_options(), {t.q}, {t.x}, "dequantize");
  t.w.add_input("x", t.x);
  t.w.add_input("q", t.q);
  t.w.add_output("x", t.x);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "writes tensor 0 'x'", "graph input"}));
}

TEST(LoaderGraph, GraphOutputNeverWritten) {
  Tiny t;
  const int z = t.w.add_tensor("z", fb::ElementType::FLOAT32, {4});
  t.w.add_output("zeta", z);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"graph output 'zeta' is never written"}));
}

TEST(LoaderGraph, GraphInputIsAConstant) {
  Tiny t;
  const float data[4] = {};
  const int c = t.w.add_constant("c", fb::ElementType::FLOAT32, {4}, data, sizeof(data));
  t.w.add_input("c", c);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"graph input 1 is a constant"}));
  Tiny u;
  const int d = u.w.add_constant("d", fb::ElementType::FLOAT32, {4}, data, sizeof(data));
  u.w.add_output("d", d);
  EXPECT_TRUE(Rejected(u.w.finish(), OCTET_INVALID_MODEL, {"graph output 1 is a constant"}));
}

TEST(LoaderGraph, GraphIoOutOfRangeOrRepeated) {
  Tiny t;
  t.w.add_input("nine", 9);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"graph input 1 refers to tensor 9"}));
  Tiny u;
  u.w.add_output("neg", -1);
  EXPECT_TRUE(Rejected(u.w.finish(), OCTET_INVALID_MODEL, {"graph output 1 refers to tensor -1"}));
  Tiny v;
  v.w.add_input("x again", v.x);
  EXPECT_TRUE(Rejected(v.w.finish(), OCTET_INVALID_MODEL, {"tensor 0 listed twice"}));
}

TEST(LoaderGraph, NoOutputs) {
  Tiny t(false);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.x}, {t.q}, "quantize");
  t.w.add_input("x", t.x);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"no outputs"}));
}

TEST(LoaderGraph, GraphIoQuantizationAndLayout) {
  Tiny t;
  const QuantParams pc{{0.5f, 0.25f}, {0, 0}, 0};
  const int p = t.w.add_tensor("p", fb::ElementType::INT8, {2, 2}, &pc);
  t.w.add_input("p", p);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"graph input 1", "quantized per tensor"}));
  Tiny u(false);
  u.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {u.x}, {u.q}, "quantize");
  u.w.add_input("x", u.x, /*nchw=*/true);
  u.w.add_output("q", u.q);
  EXPECT_TRUE(Rejected(u.w.finish(), OCTET_INVALID_MODEL, {"graph input 0", "NCHW", "rank 1"}));
}

TEST(LoaderGraph, UnknownOperatorVersion) {
  EXPECT_TRUE(LoadsAndRuns(raw_tiny_model(1)));
  EXPECT_TRUE(Rejected(raw_tiny_model(7), OCTET_UNSUPPORTED, {"operator 0", "'quantize'", "version 7"}));
  EXPECT_TRUE(Rejected(raw_tiny_model(0), OCTET_UNSUPPORTED, {"version 0"}));
  EXPECT_TRUE(Rejected(raw_tiny_model(-1), OCTET_UNSUPPORTED, {"version -1"}));
}

TEST(LoaderGraph, UnknownOperatorKind) {
  Tiny t;
  std::vector<uint8_t> b = t.w.finish();
  const size_t at = field_position(b, model_of(b)->operators()->Get(1), fb::Operator::VT_OPTIONS_TYPE);
  b[at] = 200;
  EXPECT_TRUE(Rejected(b, OCTET_UNSUPPORTED, {"operator 1", "unknown operator kind 200"}));
  b[at] = 0;  // NONE
  EXPECT_TRUE(Rejected(b, OCTET_INVALID_MODEL, {"operator 1", "no options"}));
}

TEST(LoaderGraph, OperatorTypeMismatch) {
  // Quantize reading an int8 tensor.
  Tiny t(false);
  const int q2 = t.w.add_tensor("q2", fb::ElementType::INT8, {4}, &t.qp);
  t.w.add_operator(fb::OperatorOptions::QuantizeOptions, quantize_options(), {t.q}, {q2}, "quantize");
  t.w.add_input("q", t.q);
  t.w.add_output("q2", q2);
  EXPECT_TRUE(Rejected(t.w.finish(), OCTET_INVALID_MODEL, {"operator 0", "input 'q' is int8, expected float32"}));
}

// ---------------------------------------------------------------------------
// Conv2D: one valid convolution, and a copy with one thing wrong per test.

struct ConvCase {
  std::vector<int32_t> in_shape{1, 4, 4, 2};
  std::vector<int32_t> w_shape{4, 3, 3, 2};
  std::vector<int32_t> out_shape{1, 2, 2, 4};
  int stride = 1, pad = 0, groups = 1;
  bool weights_constant = true;
  bool input_constant = false;
  std::vector<int32_t> bias{100, -100, 7, 0};  // empty: no bias
  std::vector<int32_t> w_zero_points;          // empty: zeros
  bool requantization = true;
  std::vector<int32_t> m0, shift;              // empty: computed from the scales
  int32_t rq_zero_point = -2;
  int32_t clamp_min = -128, clamp_max = 127;

  std::vector<uint8_t> build() const {
    ModelWriter w;
    const QuantParams qin = QuantParams::per_tensor(0.05f, 3);
    const QuantParams qout = QuantParams::per_tensor(0.1f, -2);
    const int out_c = w_shape.empty() ? 0 : w_shape[0];
    std::vector<float> scales;
    for (int i = 0; i < out_c; ++i) scales.push_back(0.01f * static_cast<float>(i + 1));
    const QuantParams wq{scales, w_zero_points.empty() ? std::vector<int32_t>(scales.size(), 0) : w_zero_points, 0};
    size_t w_elems = 1;
    for (int32_t d : w_shape) w_elems *= static_cast<size_t>(d < 0 ? 0 : d);
    std::vector<int8_t> weights(w_elems);
    for (size_t i = 0; i < w_elems; ++i) weights[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);

    int in = -1;
    if (input_constant) {
      size_t n = 1;
      for (int32_t d : in_shape) n *= static_cast<size_t>(d);
      std::vector<int8_t> data(n, 5);
      in = w.add_constant("input", fb::ElementType::INT8, in_shape, data.data(), data.size(), &qin);
    } else {
      in = w.add_tensor("input", fb::ElementType::INT8, in_shape, &qin);
      w.add_input("input", in);
    }
    int wt = -1;
    if (weights_constant) {
      wt = w.add_constant("weights", fb::ElementType::INT8, w_shape, weights.data(), weights.size(), &wq);
    } else {
      const QuantParams per_tensor = QuantParams::per_tensor(0.01f, 0);
      wt = w.add_tensor("weights", fb::ElementType::INT8, w_shape, &per_tensor);
      w.add_input("weights", wt);
    }
    const int bt = bias.empty() ? -1 : w.add_constant("bias", fb::ElementType::INT32, {static_cast<int32_t>(bias.size())}, bias.data(), bias.size() * 4);
    const int out = w.add_tensor("output", fb::ElementType::INT8, out_shape, &qout);
    octet::RequantizationValues rq;
    octet::compute_requantization(qin.scales[0], scales, qout.scales[0], &rq);
    if (!m0.empty()) rq.multiplier = m0;
    if (!shift.empty()) rq.shift = shift;
    const bool has_rq = requantization;
    const int stride_ = stride, pad_ = pad, groups_ = groups;
    const int32_t zp = rq_zero_point, lo = clamp_min, hi = clamp_max;
    w.add_operator(
        fb::OperatorOptions::Conv2DOptions,
        [=](flatbuffers::FlatBufferBuilder& f) {
          flatbuffers::Offset<fb::Requantization> r;
          if (has_rq) r = fb::CreateRequantization(f, f.CreateVector(rq.multiplier), f.CreateVector(rq.shift), zp, lo, hi);
          return fb::CreateConv2DOptions(f, stride_, stride_, 1, 1, pad_, pad_, pad_, pad_, groups_, r).Union();
        },
        {in, wt, bt}, {out}, "conv");
    w.add_output("output", out);
    return w.finish();
  }
};

TEST(LoaderConv, ValidCasesLoadAndRun) {
  ConvCase c;
  EXPECT_TRUE(LoadsAndRuns(c.build()));
  ConvCase no_bias;
  no_bias.bias.clear();
  EXPECT_TRUE(LoadsAndRuns(no_bias.build()));
  ConvCase depthwise;
  depthwise.groups = 2;
  depthwise.w_shape = {4, 3, 3, 1};
  EXPECT_TRUE(LoadsAndRuns(depthwise.build()));
  ConvCase strided;
  strided.stride = 2;
  strided.pad = 1;
  EXPECT_TRUE(LoadsAndRuns(strided.build()));
  ConvCase one_multiplier;
  one_multiplier.m0 = {1 << 30};
  one_multiplier.shift = {40};
  EXPECT_TRUE(LoadsAndRuns(one_multiplier.build()));
}

TEST(LoaderConv, WrongOutputShape) {
  for (std::vector<int32_t> shape : {std::vector<int32_t>{1, 3, 2, 4}, {1, 2, 2, 5}, {2, 2, 2, 4}, {1, 1, 1, 4}}) {
    ConvCase c;
    c.out_shape = shape;
    EXPECT_TRUE(Rejected(c.build(), OCTET_INVALID_MODEL, {"operator 0 (Conv2DOptions 'conv')", "output shape", "expected [1,2,2,4]"}));
  }
  ConvCase rank;
  rank.out_shape = {2, 2, 4};
  EXPECT_TRUE(Rejected(rank.build(), OCTET_INVALID_MODEL, {"output 'output' has rank 3, expected 4"}));
  ConvCase too_small;  // a 3x3 window does not fit a 2x2 image
  too_small.in_shape = {1, 2, 2, 2};
  EXPECT_TRUE(Rejected(too_small.build(), OCTET_INVALID_MODEL, {"output shape"}));
}

TEST(LoaderConv, GroupsMustDivideChannels) {
  ConvCase c;
  c.groups = 3;
  EXPECT_TRUE(Rejected(c.build(), OCTET_INVALID_MODEL, {"groups 3 must divide input channels 2"}));
  ConvCase zero;
  zero.groups = 0;
  EXPECT_TRUE(Rejected(zero.build(), OCTET_INVALID_MODEL, {"groups 0"}));
  ConvCase out;  // divides the input channels but not the 3 output channels
  out.groups = 2;
  out.w_shape = {3, 3, 3, 1};
  out.out_shape = {1, 2, 2, 3};
  out.bias = {1, 2, 3};
  EXPECT_TRUE(Rejected(out.build(), OCTET_INVALID_MODEL, {"groups 2", "output channels 3"}));
  ConvCase per_group;  // groups 2 needs weights with 1 input channel
  per_group.groups = 2;
  EXPECT_TRUE(Rejected(per_group.build(), OCTET_INVALID_MODEL, {"need 1 input channels per group"}));
}

TEST(LoaderConv, WeightsMustBeConstant) {
  ConvCase c;
  c.weights_constant = false;
  EXPECT_TRUE(Rejected(c.build(), OCTET_UNSUPPORTED, {"operator 0", "weights must be constant"}));
  ConvCase in;
  in.input_constant = true;
  EXPECT_TRUE(Rejected(in.build(), OCTET_INVALID_MODEL, {"operator 0", "input 'input' must not be a constant"}));
}

TEST(LoaderConv, WeightZeroPointMustBeZero) {
  ConvCase c;
  c.w_zero_points = {0, 0, 5, 0};
  EXPECT_TRUE(Rejected(c.build(), OCTET_UNSUPPORTED, {"operator 0", "symmetric", "found 5"}));
}

TEST(LoaderConv, RequantizationNormalForm) {
  const struct {
    int32_t m0, shift;
  } bad[] = {{12345, 20}, {(1 << 30) - 1, 20}, {-(1 << 30), 20}, {1 << 30, 0}, {1 << 30, 63}, {1 << 30, -1}, {0, 0}, {0, 63}};
  for (const auto& b : bad) {
    ConvCase c;
    c.m0 = {1 << 30, b.m0, 1 << 30, 1 << 30};
    c.shift = {30, b.shift, 30, 30};
    EXPECT_TRUE(Rejected(c.build(), OCTET_INVALID_MODEL, {"operator 0", "channel 1", "not in normal form"})) << b.m0 << " " << b.shift;
  }
  // The edges of the normal form load.
  ConvCase edges;
  edges.m0 = {1 << 30, std::numeric_limits<int32_t>::max(), 0, 1 << 30};
  edges.shift = {1, 62, 62, 62};
  EXPECT_TRUE(LoadsAndRuns(edges.build()));
}

TEST(LoaderConv, RequantizationShape) {
  ConvCase count;
  count.m0 = {1 << 30, 1 << 30};
  count.shift = {30, 30};
  EXPECT_TRUE(Rejected(count.build(), OCTET_INVALID_MODEL, {"2 multipliers and 2 shifts for 4 output channels"}));
  ConvCase lengths;
  lengths.shift = {30, 30, 30};
  EXPECT_TRUE(Rejected(lengths.build(), OCTET_INVALID_MODEL, {"4 multipliers and 3 shifts"}));
  ConvCase missing;
  missing.requantization = false;
  EXPECT_TRUE(Rejected(missing.build(), OCTET_INVALID_MODEL, {"without requantization"}));
  ConvCase zero_point;
  zero_point.rq_zero_point = 7;
  EXPECT_TRUE(Rejected(zero_point.build(), OCTET_INVALID_MODEL, {"zero point 7 differs from the output's -2"}));
}

TEST(LoaderConv, ClampBounds) {
  const struct {
    int32_t lo, hi;
  } bad[] = {{-129, 127}, {-128, 128}, {10, 9}, {127, -128}, {std::numeric_limits<int32_t>::min(), 0}};
  for (const auto& b : bad) {
    ConvCase c;
    c.clamp_min = b.lo;
    c.clamp_max = b.hi;
    EXPECT_TRUE(Rejected(c.build(), OCTET_INVALID_MODEL, {"operator 0", "clamp bounds", "invalid for int8"})) << b.lo << " " << b.hi;
  }
  ConvCase point;  // a single value is fine
  point.clamp_min = point.clamp_max = 5;
  EXPECT_TRUE(LoadsAndRuns(point.build()));
}

TEST(LoaderConv, AccumulatorBound) {
  // K * 255 * 128 + |bias| must stay below 2^31: K = 65793 leaves room for |bias| <= 127.
  auto make = [](int32_t k, int32_t bias) {
    ConvCase c;
    c.in_shape = {1, 1, 1, k};
    c.w_shape = {1, 1, 1, k};
    c.out_shape = {1, 1, 1, 1};
    c.bias = {bias};
    return c.build();
  };
  EXPECT_TRUE(LoadsAndRuns(make(65793, 127)));
  EXPECT_TRUE(LoadsAndRuns(make(65793, -127)));
  EXPECT_TRUE(Rejected(make(65793, 128), OCTET_INVALID_MODEL, {"bias 128 of channel 0 could overflow"}));
  EXPECT_TRUE(Rejected(make(65793, -128), OCTET_INVALID_MODEL, {"bias -128 of channel 0 could overflow"}));
  EXPECT_TRUE(Rejected(make(65794, 0), OCTET_UNSUPPORTED, {"reduction of 65794 terms could overflow"}));
  ConvCase bias;  // a small K with an extreme bias
  bias.bias = {0, std::numeric_limits<int32_t>::min(), 0, 0};
  EXPECT_TRUE(Rejected(bias.build(), OCTET_INVALID_MODEL, {"channel 1 could overflow"}));
}

TEST(LoaderConv, StridesPadsAndBias) {
  ConvCase stride;
  stride.stride = 0;
  EXPECT_TRUE(Rejected(stride.build(), OCTET_INVALID_MODEL, {"strides"}));
  ConvCase pad;
  pad.pad = -1;
  EXPECT_TRUE(Rejected(pad.build(), OCTET_INVALID_MODEL, {"pads"}));
  ConvCase bias;
  bias.bias = {1, 2, 3};
  EXPECT_TRUE(Rejected(bias.build(), OCTET_INVALID_MODEL, {"bias shape [3] does not match 4 output channels"}));
}

// ---------------------------------------------------------------------------
// Zero-size tensors load and run.

TEST(LoaderZeroSize, ReshapeConcatConvSoftmax) {
  ModelWriter w;
  const QuantParams qa = QuantParams::per_tensor(0.5f, 1);
  const QuantParams qe = QuantParams::per_tensor(0.25f, 0);  // requantized by Concat
  const int a = w.add_tensor("a", fb::ElementType::INT8, {2, 3}, &qa);
  const int e = w.add_tensor("e", fb::ElementType::INT8, {2, 0}, &qe);
  const int cat = w.add_tensor("cat", fb::ElementType::INT8, {2, 3}, &qa);
  const int r = w.add_tensor("r", fb::ElementType::INT8, {0, 5}, &qe);
  const int f = w.add_tensor("f", fb::ElementType::FLOAT32, {3, 0});
  const int fs = w.add_tensor("fs", fb::ElementType::FLOAT32, {3, 0});
  // A batch-0 convolution.
  const QuantParams qin = QuantParams::per_tensor(0.05f, 3);
  const QuantParams qout = QuantParams::per_tensor(0.1f, -2);
  const QuantParams wq{{0.01f, 0.02f}, {0, 0}, 0};
  const int8_t weights[2 * 3 * 3 * 2] = {1, 2, 3};
  const int32_t bias[2] = {5, -5};
  const int img = w.add_tensor("img", fb::ElementType::INT8, {0, 4, 4, 2}, &qin);
  const int wt = w.add_constant("w", fb::ElementType::INT8, {2, 3, 3, 2}, weights, sizeof(weights), &wq);
  const int bt = w.add_constant("b", fb::ElementType::INT32, {2}, bias, sizeof(bias));
  const int conv = w.add_tensor("conv", fb::ElementType::INT8, {0, 2, 2, 2}, &qout);
  octet::RequantizationValues rq;
  ASSERT_TRUE(octet::compute_requantization(0.05f, wq.scales, 0.1f, &rq));

  w.add_operator(fb::OperatorOptions::ConcatOptions, [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateConcatOptions(b, 1).Union(); },
                 {e, a, e}, {cat}, "concat");
  w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateReshapeOptions(b).Union(); },
                 {e}, {r}, "reshape");
  w.add_operator(fb::OperatorOptions::SoftmaxOptions, [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateSoftmaxOptions(b).Union(); },
                 {f}, {fs}, "softmax");
  w.add_operator(
      fb::OperatorOptions::Conv2DOptions,
      [rq](flatbuffers::FlatBufferBuilder& b) {
        const auto r = fb::CreateRequantization(b, b.CreateVector(rq.multiplier), b.CreateVector(rq.shift), -2);
        return fb::CreateConv2DOptions(b, 1, 1, 1, 1, 0, 0, 0, 0, 1, r).Union();
      },
      {img, wt, bt}, {conv}, "conv");
  w.add_input("a", a);
  w.add_input("e", e);
  w.add_input("f", f);
  w.add_input("img", img);
  w.add_output("cat", cat);
  w.add_output("r", r);
  w.add_output("fs", fs);
  w.add_output("conv", conv);
  const std::vector<uint8_t> bytes = w.finish();

  const Loaded m = load_memory(bytes);
  ASSERT_TRUE(m.ok()) << m.error;
  for (int threads : {1, 3}) {
    SessionPtr s = make_session(m.model.get(), threads);
    ASSERT_NE(s, nullptr);
    const int8_t av[6] = {-128, -1, 0, 1, 100, 127};
    ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, av, 6), OCTET_OK);
    ASSERT_EQ(octet_session_set_input_raw(s.get(), 1, nullptr, 0), OCTET_OK) << octet_session_last_error(s.get());
    ASSERT_EQ(octet_session_set_input_float(s.get(), 2, nullptr, 0), OCTET_OK) << octet_session_last_error(s.get());
    ASSERT_EQ(octet_session_set_input_float(s.get(), 3, nullptr, 0), OCTET_OK) << octet_session_last_error(s.get());
    ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK) << octet_session_last_error(s.get());
    int8_t out[6] = {};
    ASSERT_EQ(octet_session_get_output_raw(s.get(), 0, out, 6), OCTET_OK);
    EXPECT_EQ(std::memcmp(out, av, 6), 0);
    for (size_t i = 1; i < 4; ++i) {
      octet_tensor_info info;
      ASSERT_EQ(octet_model_output_info(m.model.get(), i, &info), OCTET_OK);
      EXPECT_EQ(info.element_count, 0u);
      EXPECT_EQ(info.raw_size, 0u);
      EXPECT_EQ(octet_session_get_output_raw(s.get(), i, nullptr, 0), OCTET_OK);
      EXPECT_EQ(octet_session_get_output_float(s.get(), i, nullptr, 0), OCTET_OK);
    }
  }
}

// Resize to an empty output whose H and W are 2^31 - 1: nothing to compute, so the
// loader must not build per-row and per-column coordinate tables of 2^31 entries
// (24 GiB each way).
TEST(LoaderZeroSize, ResizeToAnEmptyHugeImage) {
  for (fb::ResizeMode mode : {fb::ResizeMode::NEAREST, fb::ResizeMode::BILINEAR}) {
    for (int32_t batch : {0, 1}) {
      ModelWriter w;
      const QuantParams q = QuantParams::per_tensor(0.5f, 0);
      const int32_t big = std::numeric_limits<int32_t>::max();
      // Batch 0, or one image of no channels (with W 1, as 2^62 elements before the
      // 0 would be refused as too large).
      const std::vector<int32_t> out = batch == 0 ? std::vector<int32_t>{0, big, big, 1} : std::vector<int32_t>{1, big, 1, 0};
      const std::vector<int32_t> in = batch == 0 ? std::vector<int32_t>{0, 2, 2, 1} : std::vector<int32_t>{1, 2, 2, 0};
      const int xi = w.add_tensor("xi", fb::ElementType::INT8, in, &q);
      const int y = w.add_tensor("y", fb::ElementType::INT8, out, &q);
      w.add_operator(fb::OperatorOptions::ResizeOptions,
                     [mode](flatbuffers::FlatBufferBuilder& f) { return fb::CreateResizeOptions(f, mode).Union(); }, {xi}, {y}, "resize");
      w.add_input("xi", xi);
      w.add_output("y", y);
      EXPECT_TRUE(LoadsAndRuns(w.finish())) << static_cast<int>(mode) << " batch " << batch;
    }
  }
}

// Resize with a tiny positive scale (a float denormal): source coordinates far
// beyond any integer, clamped to the last pixel (and never converted to an
// integer out of range, which is undefined behaviour).
TEST(LoaderLayout, ResizeWithATinyScale) {
  ModelWriter w;
  const QuantParams q = QuantParams::per_tensor(0.5f, 0);
  const int x = w.add_tensor("x", fb::ElementType::INT8, {1, 1, 4, 1}, &q);
  const int y = w.add_tensor("y", fb::ElementType::INT8, {1, 1, 8, 1}, &q);
  w.add_operator(fb::OperatorOptions::ResizeOptions,
                 [](flatbuffers::FlatBufferBuilder& f) {
                   return fb::CreateResizeOptions(f, fb::ResizeMode::NEAREST, fb::CoordinateTransform::ASYMMETRIC,
                                                  fb::NearestRounding::FLOOR, 0.0f, std::numeric_limits<float>::denorm_min())
                       .Union();
                 },
                 {x}, {y}, "resize");
  w.add_input("x", x);
  w.add_output("y", y);
  const Loaded m = load_memory(w.finish());
  ASSERT_TRUE(m.ok()) << m.error;
  SessionPtr s = make_session(m.model.get());
  const int8_t in[4] = {10, 20, 30, 40};
  ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, in, 4), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  const std::vector<uint8_t> expect = {10, 40, 40, 40, 40, 40, 40, 40};
  EXPECT_EQ(output_raw(s.get(), m.model.get(), 0), expect);
}

// Pad of an int32 tensor: the constant must be representable as int32 (converting
// NaN or 1e30 to int32 is undefined behaviour).
TEST(LoaderLayout, PadConstantOfInt32Tensor) {
  auto make = [](float constant) {
    ModelWriter w;
    const int x = w.add_tensor("x", fb::ElementType::INT32, {2});
    const int y = w.add_tensor("y", fb::ElementType::INT32, {4});
    w.add_operator(
        fb::OperatorOptions::PadOptions,
        [constant](flatbuffers::FlatBufferBuilder& f) {
          return fb::CreatePadOptions(f, f.CreateVector(std::vector<int32_t>{1, 1}), fb::PadMode::CONSTANT, constant).Union();
        },
        {x}, {y}, "pad");
    w.add_input("x", x);
    w.add_output("y", y);
    return w.finish();
  };
  const std::vector<uint8_t> ok = make(-7.0f);
  ASSERT_TRUE(LoadsAndRuns(ok));
  const Loaded m = load_memory(ok);
  SessionPtr s = make_session(m.model.get());
  const int32_t in[2] = {5, 6};
  ASSERT_EQ(octet_session_set_input_raw(s.get(), 0, in, sizeof(in)), OCTET_OK);
  ASSERT_EQ(octet_session_invoke(s.get()), OCTET_OK);
  int32_t out[4] = {};
  ASSERT_EQ(octet_session_get_output_raw(s.get(), 0, out, sizeof(out)), OCTET_OK);
  EXPECT_EQ(out[0], -7);
  EXPECT_EQ(out[1], 5);
  EXPECT_EQ(out[2], 6);
  EXPECT_EQ(out[3], -7);
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), 1e30f, -1e30f, 2147483648.0f}) {
    EXPECT_TRUE(Rejected(make(bad), OCTET_INVALID_MODEL, {"operator 0", "constant"})) << bad;
  }
  EXPECT_TRUE(LoadsAndRuns(make(-2147483648.0f)));
}

}  // namespace
}  // namespace octet_test

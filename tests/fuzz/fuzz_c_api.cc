// Fuzz target: the C API's input handling. The bytes are a program of API calls
// on one of a few small models (built once at start-up): sessions created and
// released, inputs set as float or raw with right and wrong indices, counts and
// null pointers, float inputs with arbitrary bit patterns (NaN, infinities,
// denormals), invokes with and without every input set, outputs read with right
// and wrong sizes, the model released while its sessions run, queries with
// arbitrary indices and names.
// Every call's status is checked against what the API documents (octet.h), the
// session's last error against the status, and the Quantize / Dequantize model's
// outputs against an independent computation of QuantizeLinear (round half to
// even, saturate, NaN -> the zero point).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "converter/writer/demo_model.h"
#include "octet/octet.h"
#include "tests/fuzz/fuzz_models.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using octet_fuzz::fail;
using octet_fuzz::multi_input_model;
using octet_fuzz::qdq_model;

struct Models {
  std::vector<std::vector<uint8_t>> files;
  Models() {
    files.push_back(qdq_model());
    files.push_back(multi_input_model());
    files.push_back(octet::write_demo_model(octet::make_demo_model(1)).finish());  // NCHW float input
  }
};
const Models& models() {
  static const Models m;
  return m;
}

// Reads the program; past the end every read gives zeros.
class Stream {
 public:
  Stream(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool done() const { return i_ >= n_; }
  uint8_t u8() { return i_ < n_ ? p_[i_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= uint32_t{u8()} << (8 * k);
    return v;
  }
  float f32() {
    const uint32_t b = u32();
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }

 private:
  const uint8_t* p_;
  size_t n_, i_ = 0;
};

struct Session {
  octet_session* s = nullptr;
  std::vector<bool> set;
  bool invoked = false;
  bool profiling = false;
  std::vector<float> qdq_input;    // model 0: the last float input set
  std::vector<float> qdq_invoked;  // model 0: the input of the last successful invoke
};

void expect(octet_status got, octet_status want, const char* call, const Session* s) {
  if (got != want) {
    fail(std::string(call) + " returned '" + octet_status_string(got) + "', expected '" + octet_status_string(want) + "'" +
         (s != nullptr && s->s != nullptr ? std::string(": ") + octet_session_last_error(s->s) : std::string()));
  }
  if (s != nullptr && s->s != nullptr) {
    const bool empty = octet_session_last_error(s->s)[0] == '\0';
    if (empty != (got == OCTET_OK)) fail(std::string(call) + ": last error \"" + octet_session_last_error(s->s) + "\" does not match the status");
  }
}

// A count or size: mostly the right one, else near it, zero or arbitrary.
size_t pick_count(Stream& in, size_t right) {
  switch (in.u8() % 6) {
    case 0: case 1: case 2: return right;
    case 3: return right + 1;
    case 4: return right == 0 ? 1 : right - 1;
    default: return in.u32();
  }
}

int8_t qdq_expected(float x) {
  if (std::isnan(x)) return 3;
  const double v = std::nearbyint(2.0 * static_cast<double>(x)) + 3.0;  // x / 0.5 is exact
  return static_cast<int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Stream in(data, size);
  const uint8_t first = in.u8();
  const size_t which = first % models().files.size();
  const std::vector<uint8_t>& file = models().files[which];
  octet_model* model = nullptr;
  char err[256];
  // Winograd or GEMM for 3x3 stride-1 convolutions, never timed at load (a run must
  // not depend on the machine's load).
  octet_load_options lo;
  octet_load_options_init(&lo);
  lo.winograd = (first & 128) ? OCTET_WINOGRAD_ON : OCTET_WINOGRAD_OFF;
  if (octet_model_load_memory_ex(file.data(), file.size(), &lo, &model, err, sizeof err) != OCTET_OK) {
    fail(std::string("model does not load: ") + err);
  }
  const size_t n_in = octet_model_num_inputs(model), n_out = octet_model_num_outputs(model);
  std::vector<octet_tensor_info> ins(n_in), outs(n_out);
  for (size_t i = 0; i < n_in; ++i) expect(octet_model_input_info(model, i, &ins[i]), OCTET_OK, "input_info", nullptr);
  for (size_t i = 0; i < n_out; ++i) expect(octet_model_output_info(model, i, &outs[i]), OCTET_OK, "output_info", nullptr);
  const size_t n_ops = octet_model_num_operators(model);
  bool model_released = false;
  Session sessions[3];

  for (int step = 0; step < 64 && !in.done(); ++step) {
    Session& s = sessions[in.u8() % 3];
    const uint8_t op = in.u8() % 10;
    if (s.s == nullptr && op != 0 && op != 8 && op != 9) continue;
    switch (op) {
      case 0: {  // create (or re-create) the session
        if (s.s != nullptr) octet_session_release(s.s);
        s = Session();
        if (model_released) break;
        const uint8_t t = in.u8();
        octet_session_options o;
        octet_session_options_init(&o);
        // Mostly one thread: a pool's start and spinning workers cost more than a run.
        o.num_threads = t < 200 ? (t % 8 == 7 ? 2 : 1) : t < 250 ? -static_cast<int>(t % 3) : 1025 + t;
        o.enable_profiling = t & 1;
        const bool valid = o.num_threads >= 1 && o.num_threads <= 1024;
        octet_session* ns = reinterpret_cast<octet_session*>(uintptr_t{8});
        expect(octet_session_create(model, (t & 64) ? &o : nullptr, &ns, err, sizeof err), (valid || !(t & 64)) ? OCTET_OK : OCTET_INVALID_ARGUMENT, "session_create", nullptr);
        if (ns != nullptr) {
          s.s = ns;
          s.set.assign(n_in, false);
          s.profiling = (t & 64) && o.enable_profiling;
        }
        break;
      }
      case 1:  // release
        octet_session_release(s.s);
        s = Session();
        break;
      case 2: case 3: {  // set an input as floats / raw bytes
        const bool as_float = op == 2;
        const size_t index = in.u8() % (n_in + 1);
        const octet_tensor_info* info = index < n_in ? &ins[index] : nullptr;
        const size_t right = info == nullptr ? 4 : as_float ? info->element_count : info->raw_size;
        const size_t count = pick_count(in, right);
        const bool null_data = in.u8() < 16;
        // A wrong count gets a one-element buffer: the API must refuse before reading.
        const size_t have = count == right ? count : 1;
        std::vector<float> floats(as_float ? have : 0);
        std::vector<uint8_t> bytes(as_float ? 0 : have);
        for (float& f : floats) f = in.f32();
        for (uint8_t& b : bytes) b = in.u8();
        octet_status want = OCTET_OK;
        if (info == nullptr || count != right || (null_data && count != 0)) want = OCTET_INVALID_ARGUMENT;
        else if (as_float && info->dtype == OCTET_INT32) want = OCTET_INVALID_ARGUMENT;
        const octet_status got = as_float ? octet_session_set_input_float(s.s, index, null_data ? nullptr : floats.data(), count)
                                          : octet_session_set_input_raw(s.s, index, null_data ? nullptr : bytes.data(), count);
        expect(got, want, as_float ? "set_input_float" : "set_input_raw", &s);
        if (got == OCTET_OK) {
          s.set[index] = true;
          s.invoked = false;  // outputs are invalid until the next invoke
          if (which == 0) {
            s.qdq_input.assign(10, 0.0f);
            if (as_float) s.qdq_input = floats;
            else std::memcpy(s.qdq_input.data(), bytes.data(), 40);
          }
        }
        break;
      }
      case 4: {  // invoke
        bool all = true;
        for (bool b : s.set) all = all && b;
        expect(octet_session_invoke(s.s), all ? OCTET_OK : OCTET_INVALID_STATE, "invoke", &s);
        if (all) {
          s.invoked = true;
          s.qdq_invoked = s.qdq_input;  // outputs hold this input's results until the next invoke
        }
        break;
      }
      case 5: case 6: {  // read an output as floats / raw bytes
        const bool as_float = op == 5;
        const size_t index = in.u8() % (n_out + 1);
        const octet_tensor_info* info = index < n_out ? &outs[index] : nullptr;
        const size_t right = info == nullptr ? 4 : as_float ? info->element_count : info->raw_size;
        const size_t count = pick_count(in, right);
        const size_t have = count == right ? count : 1;
        std::vector<float> floats(as_float ? have : 0);
        std::vector<uint8_t> bytes(as_float ? 0 : have);
        octet_status want = OCTET_OK;
        if (!s.invoked) want = OCTET_INVALID_STATE;
        else if (info == nullptr || count != right) want = OCTET_INVALID_ARGUMENT;
        const octet_status got = as_float ? octet_session_get_output_float(s.s, index, floats.data(), count)
                                          : octet_session_get_output_raw(s.s, index, bytes.data(), count);
        expect(got, want, as_float ? "get_output_float" : "get_output_raw", &s);
        if (got != OCTET_OK) break;
        if (as_float && info->dtype == OCTET_INT8) {
          for (float f : floats)
            if (!std::isfinite(f)) fail("a dequantized int8 output is not finite");
        }
        if (which == 0 && !s.qdq_invoked.empty()) {
          for (size_t k = 0; k < 10; ++k) {
            const int8_t q = qdq_expected(s.qdq_invoked[k]);
            const float y = 0.5f * static_cast<float>(q - 3);
            const bool ok = !as_float ? (index == 0 ? static_cast<int8_t>(bytes[k]) == q : std::memcmp(&bytes[4 * k], &y, 4) == 0)
                                      : floats[k] == y;
            if (!ok) {
              const std::string got = as_float ? std::to_string(floats[k]) : index == 0 ? std::to_string(static_cast<int8_t>(bytes[k])) : "float bytes";
              fail("Quantize/Dequantize output " + std::to_string(index) + " element " + std::to_string(k) + " is " + got +
                   " for input " + std::to_string(s.qdq_invoked[k]) + ", expected q = " + std::to_string(q));
            }
          }
        }
        break;
      }
      case 7: {  // profile of an operator
        octet_operator_profile p;
        const size_t index = in.u8() % (n_ops + 1);
        expect(octet_session_operator_profile(s.s, index, &p),
               index >= n_ops ? OCTET_INVALID_ARGUMENT : !s.profiling ? OCTET_INVALID_STATE : OCTET_OK, "operator_profile", nullptr);
        break;
      }
      case 8: {  // model queries with arbitrary indices and names
        if (model_released) break;
        octet_tensor_info info;
        octet_operator_info oi;
        const size_t k = in.u32();
        expect(octet_model_input_info(model, k, &info), k < n_in ? OCTET_OK : OCTET_INVALID_ARGUMENT, "input_info", nullptr);
        expect(octet_model_output_info(model, k, &info), k < n_out ? OCTET_OK : OCTET_INVALID_ARGUMENT, "output_info", nullptr);
        expect(octet_model_operator_info(model, k, &oi), k < n_ops ? OCTET_OK : OCTET_INVALID_ARGUMENT, "operator_info", nullptr);
        char name[8];
        for (char& c : name) c = static_cast<char>(in.u8());
        name[7] = '\0';
        const int fi = octet_model_find_input(model, name);
        if (fi >= 0 && std::strcmp(ins[static_cast<size_t>(fi)].name, name) != 0) fail("find_input returned the wrong input");
        const int fo = octet_model_find_output(model, name);
        if (fo >= 0 && std::strcmp(outs[static_cast<size_t>(fo)].name, name) != 0) fail("find_output returned the wrong output");
        break;
      }
      case 9:  // release the model: its sessions keep working
        if (!model_released) {
          octet_model_release(model);
          model_released = true;
        }
        break;
    }
  }
  for (Session& s : sessions) octet_session_release(s.s);
  if (!model_released) octet_model_release(model);
  return 0;
}

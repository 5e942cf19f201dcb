// Checks shared by the operators' create functions.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/reference/requantize.h"
#include "octet/schema/octet_generated.h"
#include "runtime/operator.h"

namespace octet::rt {

inline Status expect_io_count(const OpBuildContext& c, size_t min_in, size_t max_in, size_t outs) {
  if (c.inputs.size() < min_in || c.inputs.size() > max_in) {
    return c.error() << "expects " << min_in << (max_in != min_in ? "-" + std::to_string(max_in) : std::string())
                     << " inputs, has " << c.inputs.size();
  }
  for (size_t i = 0; i < min_in; ++i) {
    if (c.inputs[i] < 0) return c.error() << "required input " << i << " is absent";
  }
  if (c.outputs.size() != outs) return c.error() << "expects " << outs << " outputs, has " << c.outputs.size();
  return Status::Ok();
}

inline Status expect_type(const OpBuildContext& c, const Tensor& t, DType type, const char* what) {
  if (t.type != type) return c.error() << what << " '" << t.name << "' is " << dtype_name(t.type) << ", expected " << dtype_name(type);
  return Status::Ok();
}

inline Status expect_rank(const OpBuildContext& c, const Tensor& t, int rank, const char* what) {
  if (t.rank() != rank) return c.error() << what << " '" << t.name << "' has rank " << t.rank() << ", expected " << rank;
  return Status::Ok();
}

inline Status expect_activation(const OpBuildContext& c, const Tensor& t, const char* what) {
  if (t.constant) return c.error() << what << " '" << t.name << "' must not be a constant";
  if (t.type == DType::kInt8 && !t.per_tensor_quantized()) return c.error() << what << " '" << t.name << "' must be quantized per tensor";
  return Status::Ok();
}

inline Status expect_same_quantization(const OpBuildContext& c, const Tensor& a, const Tensor& b) {
  if (a.type != b.type) return c.error() << "input and output types differ";
  if (a.type == DType::kInt8 && (a.scale() != b.scale() || a.zero_point() != b.zero_point())) {
    return c.error() << "input and output quantization must be equal (scale " << a.scale() << " zp " << a.zero_point()
                     << " vs scale " << b.scale() << " zp " << b.zero_point() << ")";
  }
  return Status::Ok();
}

inline Status read_clamp(const OpBuildContext& c, int32_t lo, int32_t hi, int32_t* qmin, int32_t* qmax) {
  if (lo < -128 || hi > 127 || lo > hi) return c.error() << "clamp bounds [" << lo << ", " << hi << "] invalid for int8";
  *qmin = lo;
  *qmax = hi;
  return Status::Ok();
}

inline void read_float_clamp(const fb::FloatClamp* fc, float* lo, float* hi) {
  *lo = fc != nullptr ? fc->min() : -std::numeric_limits<float>::infinity();
  *hi = fc != nullptr ? fc->max() : std::numeric_limits<float>::infinity();
}

inline Status check_float_clamp(const OpBuildContext& c, float lo, float hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi) return c.error() << "float clamp [" << lo << ", " << hi << "] invalid";
  return Status::Ok();
}

// Reads a Requantization table for `channels` output channels of an output tensor.
struct RequantTable {
  std::vector<int32_t> m0, shift;
  RequantParams params() const {
    RequantParams p;
    p.m0 = m0.data();
    p.shift = shift.data();
    p.per_channel = m0.size() > 1;
    return p;
  }
};

inline Status read_requantization(const OpBuildContext& c, const fb::Requantization* r, int64_t channels,
                                  const Tensor& output, RequantTable* table, RequantParams* params) {
  if (r == nullptr || r->multiplier() == nullptr || r->shift() == nullptr) return c.error() << "int8 operator without requantization";
  const auto n = r->multiplier()->size();
  if (r->shift()->size() != n || (n != 1 && static_cast<int64_t>(n) != channels)) {
    return c.error() << "requantization has " << n << " multipliers and " << r->shift()->size() << " shifts for " << channels
                     << " output channels";
  }
  for (flatbuffers::uoffset_t i = 0; i < n; ++i) {
    const int32_t m0 = r->multiplier()->Get(i), sh = r->shift()->Get(i);
    if (!is_valid_multiplier(m0, sh)) {
      return c.error() << "requantization of channel " << i << " (M0 " << m0 << ", shift " << sh
                       << ") is not in normal form (M0 in [2^30, 2^31) or 0, shift in [1, 62])";
    }
    table->m0.push_back(m0);
    table->shift.push_back(sh);
  }
  if (r->output_zero_point() != output.zero_point()) {
    return c.error() << "requantization zero point " << r->output_zero_point() << " differs from the output's " << output.zero_point();
  }
  *params = table->params();
  params->zero_point = output.zero_point();
  return read_clamp(c, r->clamp_min(), r->clamp_max(), &params->qmin, &params->qmax);
}

// Shape as int64 array for the broadcast and layout kernels.
inline std::vector<int64_t> dims_of(const Tensor& t) { return t.shape; }

}  // namespace octet::rt

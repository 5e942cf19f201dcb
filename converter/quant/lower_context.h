// Internal to the lowering: where each IR value lives in the model being written,
// and the conversions (Quantize, Dequantize, NCHW <-> NHWC Transpose) between
// representations, each made once and cached.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "converter/quant/lower.h"

namespace octet::cvt {

enum class Layout { kAny, kNhwc, kPlain };

struct Val {
  int tensor = -1;
  bool nhwc = false;
  bool int8 = false;
  std::vector<int64_t> shape;  // ONNX shape
  QuantParams q;               // when int8
  float scale() const { return q.scales[0]; }
  int32_t zero_point() const { return q.zero_points[0]; }
};

// The quantized form of a fused activation's real bounds.
struct Clamp {
  float lo = -INFINITY, hi = INFINITY;
};

class LowerContext {
 public:
  LowerContext(const Graph& g, const LowerOptions& o, ModelWriter* w, LowerResult* r) : g(g), o(o), w(w), r(r) {}

  const Graph& g;
  const LowerOptions& o;
  ModelWriter* w;
  LowerResult* r;
  std::vector<bool> skip;  // nodes fused into earlier ones
  std::string float_reason;  // why the node being lowered runs in float
  std::string error;

  bool fail(const Node& n, const std::string& msg) {
    error = "node " + n.label() + ": " + msg;
    return false;
  }
  const std::vector<int64_t>& shape_of(const std::string& v) const;
  // The per-tensor quantization chosen for a value from its calibrated range.
  bool qparams(const std::string& v, QuantParams* q);
  static QuantParams qparams_from_range(float lo, float hi);

  // A new activation tensor for value v (shape in ONNX order, stored NHWC when nhwc).
  int new_tensor(const std::string& name, bool int8, const std::vector<int64_t>& shape, bool nhwc, const QuantParams* q);
  void define(const std::string& v, const Val& val);
  bool has(const std::string& v) const { return vals_.count(v) != 0; }
  const Val& val(const std::string& v) const { return vals_.at(v); }
  // v in the asked representation (inserting conversions as needed). Constants are
  // written as constant tensors (int8 ones quantized per tensor over their range).
  bool get(const std::string& v, bool int8, Layout layout, Val* out);
  // A constant broadcast against an output of rank `rank` (leading 1s added),
  // permuted to NHWC when nhwc.
  bool constant_operand(const std::string& v, bool int8, size_t rank, bool nhwc, Val* out);

  // Fused activation after node n's output: the following Relu / Clip (single use),
  // whose output becomes the op's. Marks it skipped.
  std::string fuse_activation(size_t node_index, const std::string& out, Clamp* clamp);
  // Quantized clamp bounds for output quantization q.
  static void quantized_clamp(const Clamp& c, const QuantParams& q, int32_t* qmin, int32_t* qmax);

  void record(const Node& n, bool int8, const std::string& reason);

 private:
  std::map<std::string, Val> vals_;
  std::map<std::string, Val> cache_;
};

std::vector<int32_t> stored_shape(const std::vector<int64_t>& shape, bool nhwc);
// Axis a of a 4-D ONNX (NCHW) value in its NHWC storage.
inline int nhwc_axis(int a) {
  static const int m[4] = {0, 3, 1, 2};
  return a >= 0 && a < 4 ? m[a] : a;
}

// Lowers node k; false with ctx.error set.
bool lower_node(LowerContext& ctx, size_t k);

}  // namespace octet::cvt

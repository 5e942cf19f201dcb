#include "converter/quant/lower_context.h"

#include <algorithm>
#include <cmath>

#include "converter/calib/calibrator.h"
#include "kernels/reference/qs8-quantize-reference.h"

namespace octet::cvt {

std::vector<int32_t> stored_shape(const std::vector<int64_t>& shape, bool nhwc) {
  std::vector<int32_t> s(shape.begin(), shape.end());
  if (nhwc && s.size() == 4) s = {s[0], s[2], s[3], s[1]};
  return s;
}

const std::vector<int64_t>& LowerContext::shape_of(const std::string& v) const {
  static const std::vector<int64_t> none;
  if (const Tensor* t = g.constant(v)) return t->shape;
  const ValueInfo* vi = g.info(v);
  return vi ? vi->shape : none;
}

QuantParams LowerContext::qparams_from_range(float lo, float hi) {
  double scale;
  int32_t zp;
  range_qparams(lo, hi, &scale, &zp);  // one rule, shared with the MSE calibration
  return QuantParams::per_tensor(static_cast<float>(scale), zp);
}

bool LowerContext::qparams(const std::string& v, QuantParams* q) {
  auto fixed = g.quant.find(v);
  if (fixed != g.quant.end() && fixed->second.scales.size() == 1) {
    *q = QuantParams::per_tensor(fixed->second.scales[0], fixed->second.zero_points[0]);
    return true;
  }
  auto it = o.ranges.find(v);
  if (it == o.ranges.end()) {
    error = "value '" + v + "' has no quantization: " +
            (g.quant.empty() ? std::string("it was not observed during calibration")
                             : std::string("the model's Q/DQ nodes don't cover it; give calibration data with --calib"));
    return false;
  }
  *q = qparams_from_range(it->second.lo, it->second.hi);
  return true;
}

int LowerContext::new_tensor(const std::string& name, bool int8, const std::vector<int64_t>& shape, bool nhwc,
                             const QuantParams* q) {
  return w->add_tensor(name, int8 ? fb::ElementType::INT8 : fb::ElementType::FLOAT32, stored_shape(shape, nhwc),
                       int8 ? q : nullptr);
}

void LowerContext::define(const std::string& v, const Val& val) {
  vals_[v] = val;
  ValueMapping m;
  m.tensor = val.tensor;
  m.nhwc = val.nhwc;
  m.int8 = val.int8;
  if (val.int8) {
    m.quantized = true;
    m.scale = val.q.scales[0];
    m.zero_point = val.q.zero_points[0];
  }
  r->values[v] = m;
}

bool LowerContext::constant_operand(const std::string& v, bool int8, size_t rank, bool nhwc, Val* out) {
  const Tensor* t = g.constant(v);
  if (!t) return false;
  const std::string key = v + (int8 ? "|q" : "|f") + std::to_string(rank) + (nhwc ? "n" : "p");
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    *out = it->second;
    return true;
  }
  std::vector<int64_t> shape = t->shape;
  while (shape.size() < rank) shape.insert(shape.begin(), 1);
  std::vector<float> data = t->to_floats();
  const bool permute = nhwc && shape.size() == 4;
  if (permute) {
    const int64_t n = shape[0], c = shape[1], h = shape[2], wd = shape[3];
    std::vector<float> p(data.size());
    for (int64_t a = 0; a < n; ++a)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < wd; ++x) p[((a * h + y) * wd + x) * c + ch] = data[((a * c + ch) * h + y) * wd + x];
    data = std::move(p);
  }
  Val val;
  val.shape = shape;
  val.nhwc = permute;
  val.int8 = int8;
  const std::vector<int32_t> ss = stored_shape(shape, permute);
  if (int8) {
    float lo = 0, hi = 0;
    for (float f : data) {
      lo = std::min(lo, f);
      hi = std::max(hi, f);
    }
    val.q = qparams_from_range(lo, hi);
    std::vector<int8_t> qd(data.size());
    for (size_t i = 0; i < data.size(); ++i) qd[i] = quantize_value_s8(data[i], val.scale(), val.zero_point());
    val.tensor = w->add_constant(v, fb::ElementType::INT8, ss, qd.data(), qd.size(), &val.q);
  } else {
    val.tensor = w->add_constant(v, fb::ElementType::FLOAT32, ss, data.data(), data.size() * 4);
  }
  cache_[key] = val;
  *out = val;
  return true;
}

bool LowerContext::get(const std::string& v, bool int8, Layout layout, Val* out) {
  if (g.is_constant(v)) {
    const size_t rank = g.constant(v)->rank();
    return constant_operand(v, int8, rank, layout == Layout::kNhwc && rank == 4, out);
  }
  auto it = vals_.find(v);
  if (it == vals_.end()) {
    error = "value '" + v + "' is used before it is defined";
    return false;
  }
  Val cur = it->second;
  const bool four = cur.shape.size() == 4;
  const bool want_nhwc = layout == Layout::kAny ? cur.nhwc : (layout == Layout::kNhwc && four);
  if (cur.int8 == int8 && cur.nhwc == want_nhwc) {
    *out = cur;
    return true;
  }
  const std::string key = v + (int8 ? "|q" : "|f") + (want_nhwc ? "n" : "p");
  auto ct = cache_.find(key);
  if (ct != cache_.end()) {
    *out = ct->second;
    return true;
  }
  // Type first (in the current layout), then layout.
  if (cur.int8 != int8) {
    Val nv = cur;
    nv.int8 = int8;
    if (int8 && !qparams(v, &nv.q)) return false;
    nv.tensor = new_tensor(v + (int8 ? ".q" : ".f"), int8, cur.shape, cur.nhwc, &nv.q);
    if (int8 && r->values.count(v)) {
      ValueMapping& m = r->values[v];
      m.quantized = true;
      m.scale = nv.q.scales[0];
      m.zero_point = nv.q.zero_points[0];
    }
    if (int8)
      w->add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateQuantizeOptions(b).Union(); },
                      {cur.tensor}, {nv.tensor}, v + ".quantize");
    else
      w->add_operator(fb::OperatorOptions::DequantizeOptions, [](flatbuffers::FlatBufferBuilder& b) { return fb::CreateDequantizeOptions(b).Union(); },
                      {cur.tensor}, {nv.tensor}, v + ".dequantize");
    r->dispatch.push_back({v + (int8 ? ".quantize" : ".dequantize"), int8 ? "Quantize" : "Dequantize", int8,
                           "region border"});
    cur = nv;
    cache_[v + (int8 ? "|q" : "|f") + (cur.nhwc ? "n" : "p")] = cur;
  }
  if (cur.nhwc != want_nhwc) {
    Val nv = cur;
    nv.nhwc = want_nhwc;
    nv.tensor = new_tensor(v + (want_nhwc ? ".nhwc" : ".nchw"), cur.int8, cur.shape, want_nhwc, &cur.q);
    const std::vector<int32_t> perm = want_nhwc ? std::vector<int32_t>{0, 2, 3, 1} : std::vector<int32_t>{0, 3, 1, 2};
    w->add_operator(fb::OperatorOptions::TransposeOptions,
                    [perm](flatbuffers::FlatBufferBuilder& b) { return fb::CreateTransposeOptionsDirect(b, &perm).Union(); },
                    {cur.tensor}, {nv.tensor}, v + (want_nhwc ? ".to_nhwc" : ".to_nchw"));
    r->dispatch.push_back({v + (want_nhwc ? ".to_nhwc" : ".to_nchw"), "Transpose", cur.int8, "layout change"});
    cur = nv;
    cache_[key] = cur;
  }
  *out = cur;
  return true;
}

std::string LowerContext::fuse_activation(size_t k, const std::string& out, Clamp* clamp) {
  if (g.is_output(out)) return out;
  const auto cons = g.consumers(out);
  if (cons.size() != 1) return out;
  const Node& a = g.nodes[cons[0]];
  if (!a.domain.empty() || a.inputs.empty() || a.inputs[0] != out || o.keep_float.count(a.name)) return out;
  (void)k;
  if (a.op_type == "Relu") {
    clamp->lo = std::max(clamp->lo, 0.0f);
  } else if (a.op_type == "Clip") {
    float lo = -INFINITY, hi = INFINITY;
    if (g.opset < 11) {
      lo = a.attr_f("min", -INFINITY);
      hi = a.attr_f("max", INFINITY);
    } else {
      for (int i = 1; i <= 2; ++i) {
        if (!a.input_present(i)) continue;
        const Tensor* t = g.constant(a.inputs[i]);
        if (!t || t->numel() != 1) return out;
        (i == 1 ? lo : hi) = static_cast<float>(t->get_f(0));
      }
    }
    clamp->lo = std::max(clamp->lo, lo);
    clamp->hi = std::min(clamp->hi, hi);
  } else {
    return out;
  }
  skip[cons[0]] = true;
  r->dispatch.push_back({a.name, a.op_type, true, "fused into the producer"});
  return a.outputs[0];
}

void LowerContext::quantized_clamp(const Clamp& c, const QuantParams& q, int32_t* qmin, int32_t* qmax) {
  const double s = q.scales[0];
  const int32_t z = q.zero_points[0];
  *qmin = -128;
  *qmax = 127;
  // The activation's bounds as Quantize would map them (Clip then Quantize).
  if (std::isfinite(c.lo)) *qmin = static_cast<int32_t>(std::max(-128.0, std::min(127.0, z + std::nearbyint(c.lo / s))));
  if (std::isfinite(c.hi)) *qmax = static_cast<int32_t>(std::max(-128.0, std::min(127.0, z + std::nearbyint(c.hi / s))));
  if (*qmin > *qmax) *qmin = *qmax;
}

void LowerContext::record(const Node& n, bool int8, const std::string& reason) {
  r->dispatch.push_back({n.name, n.op_type, int8, !int8 && reason.empty() ? float_reason : reason});
  (int8 ? r->int8_ops : r->float_ops)++;
}

}  // namespace octet::cvt

#include "converter/passes/pass_util.h"
#include "converter/passes/passes.h"

namespace octet::cvt {

void remove_identities(Graph* g) {
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node& n = g->nodes[k];
    const bool identity = n.op_type == "Identity" || (n.op_type == "Dropout" && n.outputs.size() >= 1 &&
                                                      (n.outputs.size() < 2 || n.outputs[1].empty() ||
                                                       (g->consumers(n.outputs[1]).empty() && !g->is_output(n.outputs[1]))));
    if (!identity || !n.domain.empty() || n.inputs.empty()) continue;
    const std::string x = n.inputs[0], y = n.outputs[0];
    if (g->is_output(y)) {
      // Keep the graph output's name: rename the producer's output instead.
      const int p = g->producer(x);
      if (p < 0 || g->is_output(x) || g->consumers(x).size() != 1) continue;
      for (auto& o : g->nodes[p].outputs)
        if (o == x) o = y;
      if (g->values.count(x)) g->values[y] = g->values[x];
    } else {
      g->replace_uses(y, x);
    }
    g->nodes.erase(g->nodes.begin() + static_cast<long>(k));
    --k;
  }
}

void fold_pad_into_conv(Graph* g) {
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node& pad = g->nodes[k];
    if (pad.op_type != "Pad" || pad.attr_s("mode", "constant") != "constant") continue;
    std::vector<int64_t> pads;
    float value = 0;
    if (g->opset < 11) {
      pads = pad.attr_ints("pads");
      value = pad.attr_f("value", 0);
    } else {
      const Tensor* p = pad.input_present(1) ? g->constant(pad.inputs[1]) : nullptr;
      if (!p) continue;
      pads = p->to_ints();
      if (pad.input_present(2)) {
        auto v = scalar_constant(*g, pad.inputs[2]);
        if (!v) continue;
        value = *v;
      }
      if (pad.input_present(3)) continue;  // axes input (opset 18)
    }
    if (value != 0 || pads.size() != 8) continue;
    if (pads[0] || pads[1] || pads[4] || pads[5]) continue;
    bool negative = false;
    for (int64_t v : pads) negative |= v < 0;
    if (negative) continue;
    const std::string y = pad.outputs[0];
    if (!single_use(*g, y)) continue;
    const int ci = g->consumers(y)[0];
    Node& conv = g->nodes[ci];
    if (conv.op_type != "Conv" || conv.inputs[0] != y || conv.attr_s("auto_pad", "NOTSET") != "NOTSET") continue;
    std::vector<int64_t> cp = conv.attr_ints("pads", {0, 0, 0, 0});
    if (cp.size() != 4) continue;
    cp[0] += pads[2];
    cp[1] += pads[3];
    cp[2] += pads[6];
    cp[3] += pads[7];
    conv.attrs["pads"] = Attribute::Ints(cp);
    conv.inputs[0] = pad.inputs[0];
    g->nodes.erase(g->nodes.begin() + static_cast<long>(k));
    --k;
  }
}

void decompose_conv_transpose(Graph* g) {
  for (size_t k = 0; k < g->nodes.size(); ++k) {
    Node n = g->nodes[k];
    if (n.op_type != "ConvTranspose" || !n.domain.empty()) continue;
    const Tensor* w = n.inputs.size() > 1 ? g->constant(n.inputs[1]) : nullptr;
    if (!w || w->rank() != 4 || w->dtype != DType::kFloat32) continue;
    const int64_t cin = w->shape[0], cout = w->shape[1], kh = w->shape[2], kw = w->shape[3];
    const auto strides = n.attr_ints("strides", {1, 1});
    const auto pads = n.attr_ints("pads", {0, 0, 0, 0});
    const auto dil = n.attr_ints("dilations", {1, 1});
    const auto opad = n.attr_ints("output_padding", {0, 0});
    bool ok = n.attr_i("group", 1) == 1 && kh == kw && strides.size() == 2 && strides[0] == kh && strides[1] == kw &&
              !n.has("output_shape") && n.attr_s("auto_pad", "NOTSET") == "NOTSET";
    for (int64_t v : pads) ok &= v == 0;
    for (int64_t v : dil) ok &= v == 1;
    for (int64_t v : opad) ok &= v == 0;
    const Tensor* b = n.input_present(2) ? g->constant(n.inputs[2]) : nullptr;
    if (n.input_present(2) && (!b || b->numel() != cout)) ok = false;
    if (!ok) continue;
    const int64_t kk = kh * kw;
    Tensor w2(DType::kFloat32, {cout * kk, cin, 1, 1});
    std::vector<float> b2(static_cast<size_t>(cout * kk), 0.0f);
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t co = 0; co < cout; ++co)
        for (int64_t i = 0; i < kk; ++i)
          w2.data<float>()[(co * kk + i) * cin + ci] = w->data<float>()[(ci * cout + co) * kk + i];
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t i = 0; i < kk; ++i) b2[co * kk + i] = b ? static_cast<float>(b->get_f(co)) : 0.0f;
    const std::string wn = g->fresh_name(n.name + ".weight_1x1"), bn = g->fresh_name(n.name + ".bias_1x1");
    const std::string mid = g->fresh_name(n.name + ".space");
    g->constants[wn] = std::move(w2);
    g->constants[bn] = Tensor::from_floats({cout * kk}, b2);
    Node conv;
    conv.name = n.name + ".conv1x1";
    conv.op_type = "Conv";
    conv.inputs = {n.inputs[0], wn, bn};
    conv.outputs = {mid};
    conv.attrs["kernel_shape"] = Attribute::Ints({1, 1});
    Node d2s;
    d2s.name = n.name;
    d2s.op_type = "DepthToSpace";
    d2s.inputs = {mid};
    d2s.outputs = {n.outputs[0]};
    d2s.attrs["blocksize"] = Attribute::Int(kh);
    d2s.attrs["mode"] = Attribute::String("CRD");
    const ValueInfo* xi = g->info(n.inputs[0]);
    if (xi && xi->fully_known() && xi->shape.size() == 4) {
      ValueInfo mi = *xi;
      mi.shape[1] = cout * kk;
      g->values[mid] = mi;
    }
    // DepthToSpace moves values: in a pre-quantized model the 1x1 Conv's output has
    // the quantization the model gave the ConvTranspose's.
    if (g->quant.count(n.outputs[0])) g->quant[mid] = g->quant[n.outputs[0]];
    g->nodes[k] = conv;
    g->nodes.insert(g->nodes.begin() + static_cast<long>(k) + 1, d2s);
    ++k;
  }
  g->prune();
}

void canonicalize_arithmetic(Graph* g) {
  for (auto& n : g->nodes) {
    if ((n.op_type != "Div" && n.op_type != "Sub") || n.inputs.size() != 2 || !n.domain.empty()) continue;
    const Tensor* c = g->constant(n.inputs[1]);
    if (!c || c->dtype != DType::kFloat32 || g->is_constant(n.inputs[0])) continue;
    const ValueInfo* xi = g->info(n.inputs[0]);
    if (xi && xi->dtype != DType::kFloat32) continue;
    Tensor r = *c;
    bool ok = true;
    for (int64_t i = 0; i < r.numel(); ++i) {
      float& v = r.data<float>()[i];
      if (n.op_type == "Div") {
        if (v == 0 || !std::isfinite(v)) ok = false;
        v = 1.0f / v;
      } else {
        v = -v;
      }
    }
    if (!ok) continue;
    const std::string name = g->fresh_name(n.inputs[1] + (n.op_type == "Div" ? ".reciprocal" : ".negated"));
    g->constants[name] = std::move(r);
    n.inputs[1] = name;
    n.op_type = n.op_type == "Div" ? "Mul" : "Add";
  }
  g->prune();
}

bool run_graph_passes(Graph* g, std::vector<std::string>* log, std::string* error) {
  auto count = [&](const char* what) {
    size_t c = 0;
    for (const auto& n : g->nodes) c += n.op_type == what;
    return c;
  };
  const size_t before = g->nodes.size();
  if (!fold_constants(g, error)) return false;
  if (!import_quantization(g, log, error)) return false;
  // QOperator rewrites add values; DQ(weights) -> Transpose chains are constant now.
  if (!g->quant.empty() && !fold_constants(g, error)) return false;
  log->push_back("constant folding: " + std::to_string(before) + " -> " + std::to_string(g->nodes.size()) + " nodes");
  const size_t ids = count("Identity") + count("Dropout");
  remove_identities(g);
  if (ids) log->push_back("removed " + std::to_string(ids) + " Identity/Dropout");
  const size_t bns = count("BatchNormalization");
  if (!fold_batchnorm(g, error)) return false;
  if (bns) log->push_back("folded " + std::to_string(bns - count("BatchNormalization")) + " of " + std::to_string(bns) + " BatchNormalization");
  const size_t pads = count("Pad");
  fold_pad_into_conv(g);
  if (pads != count("Pad")) log->push_back("folded " + std::to_string(pads - count("Pad")) + " Pad into Conv");
  const size_t cts = count("ConvTranspose");
  decompose_conv_transpose(g);
  if (cts != count("ConvTranspose"))
    log->push_back("rewrote " + std::to_string(cts - count("ConvTranspose")) + " ConvTranspose (kernel = stride) as Conv 1x1 + DepthToSpace");
  canonicalize_arithmetic(g);
  const size_t hs = count("HardSwish"), ln = count("LayerNormalization");
  recognize_patterns(g);
  if (count("HardSwish") != hs) log->push_back("recognised " + std::to_string(count("HardSwish") - hs) + " HardSwish");
  if (count("LayerNormalization") != ln)
    log->push_back("recognised " + std::to_string(count("LayerNormalization") - ln) + " LayerNormalization");
  if (const size_t aff = fold_affine_into_producer(g))
    log->push_back("folded " + std::to_string(aff) + " Mul/Add by a per-channel constant into Conv/Gemm");
  return true;
}

}  // namespace octet::cvt

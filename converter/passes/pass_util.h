// Small helpers shared by the graph passes.
#pragma once

#include <cmath>
#include <optional>
#include <string>

#include "converter/ir/graph.h"

namespace octet::cvt {

// The value has exactly one reader and is not a graph output.
inline bool single_use(const Graph& g, const std::string& v) { return !g.is_output(v) && g.consumers(v).size() == 1; }

// A constant holding one float value (any shape with one element).
inline std::optional<float> scalar_constant(const Graph& g, const std::string& v) {
  const Tensor* t = g.constant(v);
  if (!t || t->numel() != 1) return std::nullopt;
  return static_cast<float>(t->get_f(0));
}

inline bool near(float a, float b) { return std::fabs(a - b) <= 1e-6f * std::max(1.0f, std::fabs(b)); }

// Clip bounds (attributes before opset 11, inputs from 11); nullopt where absent
// and not constant.
inline bool clip_bounds(const Graph& g, const Node& n, float* lo, float* hi) {
  *lo = -INFINITY;
  *hi = INFINITY;
  if (g.opset < 11) {
    *lo = n.attr_f("min", -INFINITY);
    *hi = n.attr_f("max", INFINITY);
    return true;
  }
  if (n.input_present(1)) {
    auto v = scalar_constant(g, n.inputs[1]);
    if (!v) return false;
    *lo = *v;
  }
  if (n.input_present(2)) {
    auto v = scalar_constant(g, n.inputs[2]);
    if (!v) return false;
    *hi = *v;
  }
  return true;
}

// The other input of a two-input node, given one of them.
inline const std::string& other_input(const Node& n, const std::string& v) { return n.inputs[0] == v ? n.inputs[1] : n.inputs[0]; }

}  // namespace octet::cvt

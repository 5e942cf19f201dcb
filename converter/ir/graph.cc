#include "converter/ir/graph.h"

#include <set>

namespace octet::cvt {

int64_t Node::attr_i(const std::string& a, int64_t dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.i;
}
float Node::attr_f(const std::string& a, float dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.f;
}
std::string Node::attr_s(const std::string& a, const std::string& dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.s;
}
std::vector<int64_t> Node::attr_ints(const std::string& a, const std::vector<int64_t>& dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.ints;
}
std::vector<float> Node::attr_floats(const std::string& a, const std::vector<float>& dflt) const {
  auto it = attrs.find(a);
  return it == attrs.end() ? dflt : it->second.floats;
}
std::string Node::label() const {
  return "'" + (name.empty() ? (outputs.empty() ? std::string("?") : outputs[0]) : name) + "' (" +
         (domain.empty() ? "" : domain + ".") + op_type + ")";
}

int Graph::producer(const std::string& v) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& o : nodes[i].outputs)
      if (o == v) return static_cast<int>(i);
  return -1;
}

std::vector<int> Graph::consumers(const std::string& v) const {
  std::vector<int> r;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs)
      if (in == v) {
        r.push_back(static_cast<int>(i));
        break;
      }
  return r;
}

bool Graph::is_output(const std::string& v) const {
  for (const auto& o : outputs)
    if (o == v) return true;
  return false;
}

void Graph::prune() {
  std::set<std::string> live(outputs.begin(), outputs.end());
  std::vector<bool> keep(nodes.size(), false);
  for (size_t k = nodes.size(); k-- > 0;) {
    bool used = false;
    for (const auto& o : nodes[k].outputs)
      if (!o.empty() && live.count(o)) used = true;
    if (!used) continue;
    keep[k] = true;
    for (const auto& in : nodes[k].inputs)
      if (!in.empty()) live.insert(in);
  }
  std::vector<Node> kept;
  for (size_t k = 0; k < nodes.size(); ++k)
    if (keep[k]) kept.push_back(std::move(nodes[k]));
  nodes = std::move(kept);
  for (auto it = constants.begin(); it != constants.end();) {
    if (!live.count(it->first)) it = constants.erase(it);
    else ++it;
  }
}

void Graph::replace_uses(const std::string& from, const std::string& to) {
  for (auto& n : nodes)
    for (auto& in : n.inputs)
      if (in == from) in = to;
  for (auto& o : outputs)
    if (o == from) o = to;
}

std::string Graph::fresh_name(const std::string& base) {
  for (;;) {
    std::string n = base + "__" + std::to_string(fresh_counter_++);
    if (constants.count(n) || values.count(n)) continue;
    bool used = false;
    for (const auto& node : nodes)
      for (const auto& o : node.outputs)
        if (o == n) used = true;
    if (!used) return n;
  }
}

}  // namespace octet::cvt

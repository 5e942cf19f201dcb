// find_float_op / float_op_types: one table built from every op family.
#include <algorithm>
#include <map>

#include "converter/float/float_ops.h"
#include "converter/float/float_ops_util.h"

namespace octet::cvt {

namespace {

const std::map<std::string, FloatOpFn>& table() {
  static const std::map<std::string, FloatOpFn> t = [] {
    std::map<std::string, FloatOpFn> m;
    using Family = std::vector<fops::OpEntry> (*)();
    const Family families[] = {fops::unary_ops,  fops::binary_ops, fops::conv_ops,    fops::matmul_ops,
                               fops::norm_ops,   fops::softmax_ops, fops::pool_ops,   fops::shape_ops,
                               fops::index_ops,  fops::pad_ops,    fops::resize_ops,  fops::reduce_ops,
                               fops::quant_ops,  fops::cast_ops,   fops::generate_ops};
    for (Family f : families)
      for (const auto& e : f()) m[e.name] = e.fn;
    return m;
  }();
  return t;
}

}  // namespace

FloatOpFn find_float_op(const std::string& op_type) {
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : it->second;
}

std::vector<std::string> float_op_types() {
  std::vector<std::string> v;
  for (const auto& kv : table()) v.push_back(kv.first);
  return v;  // std::map keeps them sorted
}

}  // namespace octet::cvt

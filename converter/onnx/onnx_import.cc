#include "converter/onnx/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace octet::cvt {

namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 31, mant = h & 1023;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 1024), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

bool map_dtype(int onnx_type, DType* t) {
  using TP = onnx::TensorProto;
  switch (onnx_type) {
    case TP::FLOAT: case TP::DOUBLE: case TP::FLOAT16: *t = DType::kFloat32; return true;
    case TP::INT64: *t = DType::kInt64; return true;
    case TP::INT32: case TP::INT16: case TP::UINT16: *t = DType::kInt32; return true;
    case TP::INT8: *t = DType::kInt8; return true;
    case TP::UINT8: *t = DType::kUInt8; return true;
    case TP::BOOL: *t = DType::kBool; return true;
    default: return false;
  }
}

const char* onnx_type_name(int t) {
  const auto* d = onnx::TensorProto_DataType_descriptor();
  const auto* v = d->FindValueByNumber(t);
  return v ? v->name().c_str() : "?";
}

// Converts a TensorProto into a Tensor (double / float16 become float32; int16
// and uint16 int32). Checks that the stored data matches the shape.
bool convert_tensor(const onnx::TensorProto& tp, Tensor* out, std::string* error) {
  using TP = onnx::TensorProto;
  const std::string what = "tensor '" + tp.name() + "'";
  if (tp.data_location() == TP::EXTERNAL) {
    *error = what + " keeps its data in an external file; save the model with its weights inside (onnx.save with save_as_external_data=False)";
    return false;
  }
  DType dt;
  if (!map_dtype(tp.data_type(), &dt)) {
    *error = what + " has element type " + std::string(onnx_type_name(tp.data_type())) + ", which octet-convert does not read";
    return false;
  }
  std::vector<int64_t> shape(tp.dims().begin(), tp.dims().end());
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 40) / d)) {
      *error = what + " has an invalid or oversized shape " + shape_str(shape);
      return false;
    }
    n *= d;
  }
  const bool raw = tp.has_raw_data();
  const std::string& rd = tp.raw_data();
  {
    // Check the stored count before allocating: a small file must not make us
    // allocate what its shape claims.
    size_t have;
    const int dtp = tp.data_type();
    if (raw) {
      const size_t es = dtp == TP::DOUBLE || dtp == TP::INT64 ? 8 : dtp == TP::FLOAT || dtp == TP::INT32 ? 4
                       : dtp == TP::FLOAT16 || dtp == TP::INT16 || dtp == TP::UINT16 ? 2 : 1;
      have = rd.size() / es;
      if (rd.size() % es) have = SIZE_MAX;
    } else if (dtp == TP::FLOAT) have = static_cast<size_t>(tp.float_data_size());
    else if (dtp == TP::DOUBLE) have = static_cast<size_t>(tp.double_data_size());
    else if (dtp == TP::INT64) have = static_cast<size_t>(tp.int64_data_size());
    else have = static_cast<size_t>(tp.int32_data_size());
    if (have != static_cast<size_t>(n)) {
      *error = what + " holds " + (have == SIZE_MAX ? std::string("a partial value") : std::to_string(have) + " values") +
               " where its shape " + shape_str(shape) + " needs " + std::to_string(n);
      return false;
    }
  }
  Tensor t(dt, shape);
  auto need = [&](size_t have, size_t want) {
    if (have != want) {
      *error = what + " holds " + std::to_string(have) + " values where its shape " + shape_str(shape) + " needs " +
               std::to_string(want);
      return false;
    }
    return true;
  };
  const size_t un = static_cast<size_t>(n);
  switch (tp.data_type()) {
    case TP::FLOAT:
      if (raw) {
        if (!need(rd.size(), un * 4)) return false;
        if (!rd.empty()) std::memcpy(t.bytes.data(), rd.data(), rd.size());
      } else {
        if (!need(tp.float_data_size(), un)) return false;
        if (un) std::memcpy(t.bytes.data(), tp.float_data().data(), un * 4);
      }
      break;
    case TP::DOUBLE:
      if (raw) {
        if (!need(rd.size(), un * 8)) return false;
        for (size_t i = 0; i < un; ++i) {
          double d;
          std::memcpy(&d, rd.data() + 8 * i, 8);
          t.data<float>()[i] = static_cast<float>(d);
        }
      } else {
        if (!need(tp.double_data_size(), un)) return false;
        for (size_t i = 0; i < un; ++i) t.data<float>()[i] = static_cast<float>(tp.double_data(static_cast<int>(i)));
      }
      break;
    case TP::FLOAT16:
      if (raw) {
        if (!need(rd.size(), un * 2)) return false;
        for (size_t i = 0; i < un; ++i) {
          uint16_t h;
          std::memcpy(&h, rd.data() + 2 * i, 2);
          t.data<float>()[i] = half_to_float(h);
        }
      } else {
        if (!need(tp.int32_data_size(), un)) return false;
        for (size_t i = 0; i < un; ++i) t.data<float>()[i] = half_to_float(static_cast<uint16_t>(tp.int32_data(static_cast<int>(i))));
      }
      break;
    case TP::INT64:
      if (raw) {
        if (!need(rd.size(), un * 8)) return false;
        if (!rd.empty()) std::memcpy(t.bytes.data(), rd.data(), rd.size());
      } else {
        if (!need(tp.int64_data_size(), un)) return false;
        if (un) std::memcpy(t.bytes.data(), tp.int64_data().data(), un * 8);
      }
      break;
    case TP::INT32: case TP::INT16: case TP::UINT16: case TP::INT8: case TP::UINT8: case TP::BOOL: {
      const int src_size = tp.data_type() == TP::INT32 ? 4 : (tp.data_type() == TP::INT16 || tp.data_type() == TP::UINT16) ? 2 : 1;
      if (raw) {
        if (!need(rd.size(), un * src_size)) return false;
        for (size_t i = 0; i < un; ++i) {
          int64_t v = 0;
          const char* p = rd.data() + src_size * i;
          switch (tp.data_type()) {
            case TP::INT32: { int32_t x; std::memcpy(&x, p, 4); v = x; break; }
            case TP::INT16: { int16_t x; std::memcpy(&x, p, 2); v = x; break; }
            case TP::UINT16: { uint16_t x; std::memcpy(&x, p, 2); v = x; break; }
            case TP::INT8: v = static_cast<int8_t>(*p); break;
            default: v = static_cast<uint8_t>(*p); break;
          }
          if (dt == DType::kInt32) t.data<int32_t>()[i] = static_cast<int32_t>(v);
          else if (dt == DType::kInt8) t.data<int8_t>()[i] = static_cast<int8_t>(v);
          else t.data<uint8_t>()[i] = static_cast<uint8_t>(dt == DType::kBool ? (v != 0) : v);
        }
      } else {
        if (!need(tp.int32_data_size(), un)) return false;
        for (size_t i = 0; i < un; ++i) {
          const int32_t v = tp.int32_data(static_cast<int>(i));
          if (dt == DType::kInt32) t.data<int32_t>()[i] = v;
          else if (dt == DType::kInt8) t.data<int8_t>()[i] = static_cast<int8_t>(v);
          else t.data<uint8_t>()[i] = static_cast<uint8_t>(dt == DType::kBool ? (v != 0) : v);
        }
      }
      break;
    }
    default:
      *error = what + ": unsupported element type";
      return false;
  }
  *out = std::move(t);
  return true;
}

bool convert_attribute(const onnx::AttributeProto& ap, Attribute* a, std::string* error) {
  using AP = onnx::AttributeProto;
  switch (ap.type()) {
    case AP::INT: a->kind = Attribute::kInt; a->i = ap.i(); return true;
    case AP::FLOAT: a->kind = Attribute::kFloat; a->f = ap.f(); return true;
    case AP::STRING: a->kind = Attribute::kString; a->s = ap.s(); return true;
    case AP::INTS: a->kind = Attribute::kInts; a->ints.assign(ap.ints().begin(), ap.ints().end()); return true;
    case AP::FLOATS: a->kind = Attribute::kFloats; a->floats.assign(ap.floats().begin(), ap.floats().end()); return true;
    case AP::STRINGS: a->kind = Attribute::kStrings; a->strings.assign(ap.strings().begin(), ap.strings().end()); return true;
    case AP::TENSOR: a->kind = Attribute::kTensor; return convert_tensor(ap.t(), &a->t, error);
    case AP::GRAPH: case AP::GRAPHS: a->kind = Attribute::kGraph; return true;
    default:
      // Older exporters leave `type` unset; infer it from what is filled in.
      if (ap.has_i()) { a->kind = Attribute::kInt; a->i = ap.i(); return true; }
      if (ap.has_f()) { a->kind = Attribute::kFloat; a->f = ap.f(); return true; }
      if (ap.has_s()) { a->kind = Attribute::kString; a->s = ap.s(); return true; }
      if (ap.ints_size()) { a->kind = Attribute::kInts; a->ints.assign(ap.ints().begin(), ap.ints().end()); return true; }
      if (ap.floats_size()) { a->kind = Attribute::kFloats; a->floats.assign(ap.floats().begin(), ap.floats().end()); return true; }
      if (ap.has_t()) { a->kind = Attribute::kTensor; return convert_tensor(ap.t(), &a->t, error); }
      *error = "attribute '" + ap.name() + "' has an unknown type";
      return false;
  }
}

void read_value_info(const onnx::ValueInfoProto& vi, std::map<std::string, ValueInfo>* values) {
  if (!vi.type().has_tensor_type()) return;
  const auto& tt = vi.type().tensor_type();
  ValueInfo info;
  if (!map_dtype(tt.elem_type(), &info.dtype)) return;
  if (tt.has_shape()) {
    info.has_shape = true;
    for (const auto& d : tt.shape().dim()) info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  (*values)[vi.name()] = info;
}

// Topological order (Kahn); ONNX requires it, but some exporters get it wrong.
bool sort_nodes(Graph* g, std::string* error) {
  std::set<std::string> ready(g->inputs.begin(), g->inputs.end());
  for (const auto& c : g->constants) ready.insert(c.first);
  std::vector<Node> sorted;
  std::vector<bool> done(g->nodes.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < g->nodes.size(); ++i) {
      if (done[i]) continue;
      bool ok = true;
      for (const auto& in : g->nodes[i].inputs)
        if (!in.empty() && !ready.count(in)) ok = false;
      if (!ok) continue;
      done[i] = true;
      progress = true;
      for (const auto& o : g->nodes[i].outputs)
        if (!o.empty()) ready.insert(o);
      sorted.push_back(g->nodes[i]);
    }
  }
  if (sorted.size() == g->nodes.size()) {
    g->nodes = std::move(sorted);
    return true;
  }
  std::string msg = "the graph reads values nothing defines, or has a cycle:";
  int listed = 0;
  for (size_t i = 0; i < g->nodes.size() && listed < 20; ++i) {
    if (done[i]) continue;
    for (const auto& in : g->nodes[i].inputs)
      if (!in.empty() && !ready.count(in)) {
        msg += "\n  node " + g->nodes[i].label() + " input '" + in + "'";
        ++listed;
        break;
      }
  }
  *error = msg;
  return false;
}

bool import_model(onnx::ModelProto& model, const ImportOptions& options, Graph* g, std::string* error) {
  *g = Graph();
  g->opset = 0;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") g->opset = op.version();
  if (g->opset == 0) {
    *error = "the model declares no opset for the default ONNX domain";
    return false;
  }
  if (g->opset < 7 || g->opset > 18) {
    *error = "the model uses opset " + std::to_string(g->opset) +
             "; octet-convert reads opsets 7 to 18 (convert it with onnx.version_converter)";
    return false;
  }
  auto* gp = model.mutable_graph();
  g->name = gp->name();
  std::set<std::string> init_names;
  for (const auto& t : gp->initializer()) init_names.insert(t.name());

  // Fixed input shapes: from the options, else the model's own.
  std::set<std::string> given;
  std::string shape_errors;
  for (auto& in : *gp->mutable_input()) {
    if (init_names.count(in.name())) continue;
    auto it = options.input_shapes.find(in.name());
    if (it != options.input_shapes.end()) {
      given.insert(in.name());
      auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int64_t d : it->second) shape->add_dim()->set_dim_value(d);
    }
  }
  for (const auto& kv : options.input_shapes)
    if (!given.count(kv.first)) {
      std::string names;
      for (const auto& in : gp->input())
        if (!init_names.count(in.name())) names += (names.empty() ? "'" : ", '") + in.name() + "'";
      *error = "--input-shape names '" + kv.first + "', which is not an input of the model (inputs: " + names + ")";
      return false;
    }

  // No onnx::shape_inference here: libonnx 1.12's InferShapes reads out of bounds
  // on malformed Conv nodes (found by tests/converter/convert_test.cc's bit flips).
  // The converter fixes every shape by running the graph (passes/fold_constants.cc).

  for (const auto& t : gp->initializer()) {
    Tensor tensor;
    if (!convert_tensor(t, &tensor, error)) return false;
    g->constants[t.name()] = std::move(tensor);
  }
  for (const auto& in : gp->input()) {
    if (init_names.count(in.name())) continue;
    g->inputs.push_back(in.name());
    read_value_info(in, &g->values);
    const ValueInfo* vi = g->info(in.name());
    if (!in.type().has_tensor_type()) {
      *error = "input '" + in.name() + "' is not a tensor";
      return false;
    }
    if (!vi) {
      *error = "input '" + in.name() + "' has element type " +
               std::string(onnx_type_name(in.type().tensor_type().elem_type())) + ", which octet-convert does not read";
      return false;
    }
    if (!vi->fully_known()) {
      std::string dims = "[";
      const auto& sh = in.type().tensor_type().shape();
      for (int i = 0; i < sh.dim_size(); ++i) {
        if (i) dims += ",";
        dims += sh.dim(i).has_dim_value() ? std::to_string(sh.dim(i).dim_value())
                                          : (sh.dim(i).dim_param().empty() ? "?" : sh.dim(i).dim_param());
      }
      shape_errors += "\n  input '" + in.name() + "' has dynamic shape " + dims + ": fix it with --input-shape " +
                      in.name() + "=N,C,H,W (all dimensions, comma separated)";
    }
  }
  if (!shape_errors.empty()) {
    *error = "the model's input shapes are not fixed:" + shape_errors;
    return false;
  }
  // The graph runs once on zeros (passes/fold_constants.cc): bound what an input
  // may claim before anything of its size is allocated, as the float ops bound
  // what they compute (converter/float/float_ops_util.h, 2^28 elements).
  {
    std::set<std::string> seen;
    for (const auto& name : g->inputs) {
      if (!seen.insert(name).second) {
        *error = "input '" + name + "' is listed twice";
        return false;
      }
      const std::vector<int64_t>& shape = g->info(name)->shape;
      int64_t n = 1;
      for (int64_t d : shape) {
        if (d != 0 && n > (int64_t{1} << 28) / d) {
          *error = "input '" + name + "' has shape " + shape_str(shape) + ", more than 2^28 elements";
          return false;
        }
        n *= d;
      }
    }
  }
  for (const auto& vi : gp->value_info()) read_value_info(vi, &g->values);
  for (const auto& vi : gp->output()) read_value_info(vi, &g->values);
  for (const auto& out : gp->output()) {
    for (const auto& o : g->outputs) {
      if (o == out.name()) {
        *error = "graph output '" + o + "' is listed twice";
        return false;
      }
    }
    g->outputs.push_back(out.name());
  }
  if (g->outputs.empty()) {
    *error = "the model has no outputs";
    return false;
  }

  std::set<std::string> defined(g->inputs.begin(), g->inputs.end());
  for (const auto& c : g->constants) defined.insert(c.first);
  std::string node_errors;
  int index = 0;
  for (const auto& np : gp->node()) {
    Node n;
    n.name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
    ++index;
    n.op_type = np.op_type();
    n.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& ap : np.attribute()) {
      Attribute a;
      std::string e;
      if (!convert_attribute(ap, &a, &e)) {
        node_errors += "\n  node " + n.label() + ": " + e;
        continue;
      }
      n.attrs[ap.name()] = std::move(a);
    }
    for (const auto& o : n.outputs) {
      if (o.empty()) continue;
      if (defined.count(o)) node_errors += "\n  node " + n.label() + " writes '" + o + "', which is already defined";
      defined.insert(o);
    }
    g->nodes.push_back(std::move(n));
  }
  if (!node_errors.empty()) {
    *error = "malformed nodes:" + node_errors;
    return false;
  }
  for (const auto& o : g->outputs)
    if (!defined.count(o)) {
      *error = "graph output '" + o + "' is not produced by any node";
      return false;
    }
  return sort_nodes(g, error);
}

bool read_file(const std::string& path, std::string* bytes, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open '" + path + "'";
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  *bytes = ss.str();
  return true;
}

}  // namespace

bool import_onnx_bytes(const void* data, size_t size, const ImportOptions& options, Graph* graph, std::string* error) {
  if (size > static_cast<size_t>(INT32_MAX)) {
    *error = "the model is larger than 2 GiB; protobuf cannot read it in one piece";
    return false;
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size))) {
    *error = "not a readable ONNX model (the protobuf does not parse: truncated or corrupted file?)";
    return false;
  }
  if (!model.has_graph()) {
    *error = "not an ONNX model: no graph";
    return false;
  }
  try {
    return import_model(model, options, graph, error);
  } catch (const std::exception& e) {
    *error = std::string("ONNX import failed: ") + e.what();
    return false;
  }
}

bool import_onnx_file(const std::string& path, const ImportOptions& options, Graph* graph, std::string* error) {
  std::string bytes;
  if (!read_file(path, &bytes, error)) return false;
  if (!import_onnx_bytes(bytes.data(), bytes.size(), options, graph, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

bool read_tensor_pb(const std::string& path, Tensor* tensor, std::string* name, std::string* error) {
  std::string bytes;
  if (!read_file(path, &bytes, error)) return false;
  onnx::TensorProto tp;
  if (!tp.ParseFromString(bytes)) {
    *error = path + ": not a TensorProto";
    return false;
  }
  if (name) *name = tp.name();
  return convert_tensor(tp, tensor, error);
}

}  // namespace octet::cvt

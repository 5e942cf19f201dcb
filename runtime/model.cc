#include "runtime/model.h"

#include <flatbuffers/flatbuffers.h>

#include <chrono>
#include <cstdint>
#include <cmath>
#include <limits>
#include <new>
#include <unordered_set>

#include "kernels/kernel-table.h"
#include "octet/schema/octet_generated.h"
#include "runtime/cpu.h"

namespace octet::rt {

namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr int kMaxRank = 8;
// No single tensor may exceed 2 GiB: keeps every byte count and index in range on
// 32-bit targets and every int32 accumulator bound in the kernels provable.
constexpr uint64_t kMaxTensorBytes = uint64_t{1} << 31;

const char* element_type_name(fb::ElementType t) {
  switch (t) {
    case fb::ElementType::FLOAT32: return "float32";
    case fb::ElementType::INT8: return "int8";
    case fb::ElementType::INT32: return "int32";
  }
  return "unknown";
}

// Structural checks of the container: size prefix, identifier, flatbuffer
// verification, format version, constant buffers inside the file.
Status verify_container(const uint8_t* data, size_t size, const fb::Model** out) {
  // Size prefix (4 bytes), root offset (4) and file identifier (4) at least.
  if (size < 12) return Error(OCTET_INVALID_MODEL) << "file of " << size << " bytes is too small for an octet model";
  const uint32_t fb_size = flatbuffers::ReadScalar<uint32_t>(data);
  if (fb_size < 8) return Error(OCTET_INVALID_MODEL) << "header announces a model of " << fb_size << " bytes, too small";
  if (static_cast<uint64_t>(fb_size) + 4 > size) {
    return Error(OCTET_INVALID_MODEL) << "truncated file: header announces " << fb_size << " bytes of model but the file has "
                                      << size << " bytes";
  }
  if (!flatbuffers::BufferHasIdentifier(data, fb::ModelIdentifier(), /*size_prefixed=*/true)) {
    return Error(OCTET_INVALID_MODEL) << "not an octet model (file identifier is not \"" << fb::ModelIdentifier() << "\")";
  }
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 32;
  opts.max_tables = 10000000;
  flatbuffers::Verifier verifier(data, static_cast<size_t>(fb_size) + 4, opts);
  if (!fb::VerifySizePrefixedModelBuffer(verifier)) {
    return Error(OCTET_INVALID_MODEL) << "model flatbuffer failed verification (corrupt or truncated file)";
  }
  const fb::Model* model = fb::GetSizePrefixedModel(data);
  if (model->format_version() != kFormatVersion) {
    return Error(OCTET_UNSUPPORTED) << "model format version " << model->format_version() << " is not supported (this runtime reads version "
                                    << kFormatVersion << ")";
  }
  const auto* buffers = model->buffers();
  // The verifier checks a vector's length field (4-byte aligned), not the
  // alignment of its 8-byte Buffer structs; the file starts 64-byte aligned in
  // memory, so this is the struct's alignment within the file.
  if (reinterpret_cast<uintptr_t>(buffers->Data()) % alignof(fb::Buffer) != 0) {
    return Error(OCTET_INVALID_MODEL) << "buffer table at byte " << (buffers->Data() - data) << " is not "
                                      << alignof(fb::Buffer) << "-byte aligned (corrupt file)";
  }
  if (buffers->size() == 0 || buffers->Get(0)->size() != 0) {
    return Error(OCTET_INVALID_MODEL) << "buffer 0 must exist and be empty";
  }
  const uint64_t fb_end = static_cast<uint64_t>(fb_size) + 4;
  for (flatbuffers::uoffset_t i = 1; i < buffers->size(); ++i) {
    const fb::Buffer* b = buffers->Get(i);
    if (b->offset() % 64 != 0) return Error(OCTET_INVALID_MODEL) << "buffer " << i << " offset " << b->offset() << " is not 64-byte aligned";
    if (b->offset() < fb_end || b->offset() > size || b->size() > size - b->offset()) {
      return Error(OCTET_INVALID_MODEL) << "buffer " << i << " (offset " << b->offset() << ", " << b->size()
                                        << " bytes) lies outside the file's data area [" << fb_end << ", " << size << ")";
    }
  }
  *out = model;
  return Status::Ok();
}

Status load_tensor(const fb::Model* m, flatbuffers::uoffset_t i, const uint8_t* file, Tensor* t) {
  const fb::Tensor* ft = m->tensors()->Get(i);
  t->name = ft->name() ? ft->name()->str() : "";
  const auto where = [&]() { return "tensor " + std::to_string(i) + (t->name.empty() ? "" : " '" + t->name + "'"); };
  switch (ft->type()) {
    case fb::ElementType::FLOAT32: t->type = DType::kFloat32; break;
    case fb::ElementType::INT8: t->type = DType::kInt8; break;
    case fb::ElementType::INT32: t->type = DType::kInt32; break;
    default: return Error(OCTET_UNSUPPORTED) << where() << ": unknown element type " << static_cast<int>(ft->type());
  }
  if (ft->shape() == nullptr) return Error(OCTET_INVALID_MODEL) << where() << ": missing shape";
  if (ft->shape()->size() > static_cast<flatbuffers::uoffset_t>(kMaxRank)) {
    return Error(OCTET_UNSUPPORTED) << where() << ": rank " << ft->shape()->size() << " exceeds " << kMaxRank;
  }
  uint64_t elements = 1;
  for (int32_t d : *ft->shape()) {
    if (d < 0) return Error(OCTET_INVALID_MODEL) << where() << ": negative dimension " << d;
    t->shape.push_back(d);
    if (d != 0 && elements > kMaxTensorBytes / static_cast<uint64_t>(d)) {
      return Error(OCTET_INVALID_MODEL) << where() << ": shape " << shape_string(t->shape) << "... is too large";
    }
    elements *= static_cast<uint64_t>(d);
  }
  const uint64_t bytes = elements * dtype_size(t->type);
  if (bytes > kMaxTensorBytes) return Error(OCTET_INVALID_MODEL) << where() << ": " << bytes << " bytes exceeds the 2 GiB tensor limit";
  t->elements = static_cast<size_t>(elements);
  t->bytes = static_cast<size_t>(bytes);

  const fb::Quantization* q = ft->quantization();
  if (t->type == DType::kInt8 && q == nullptr) return Error(OCTET_INVALID_MODEL) << where() << ": int8 tensor without quantization";
  if (t->type == DType::kFloat32 && q != nullptr) return Error(OCTET_INVALID_MODEL) << where() << ": float32 tensor with quantization";
  if (q != nullptr) {
    if (q->scale() == nullptr || q->zero_point() == nullptr || q->scale()->size() != q->zero_point()->size() ||
        q->scale()->size() == 0) {
      return Error(OCTET_INVALID_MODEL) << where() << ": quantization needs as many scales as zero points (at least one)";
    }
    t->axis = q->axis();
    if (t->axis == -1) {
      if (q->scale()->size() != 1) return Error(OCTET_INVALID_MODEL) << where() << ": per-tensor quantization with " << q->scale()->size() << " scales";
    } else {
      if (t->axis < 0 || t->axis >= t->rank()) return Error(OCTET_INVALID_MODEL) << where() << ": quantization axis " << t->axis << " out of range";
      if (static_cast<int64_t>(q->scale()->size()) != t->shape[t->axis]) {
        return Error(OCTET_INVALID_MODEL) << where() << ": " << q->scale()->size() << " scales for axis " << t->axis << " of size " << t->shape[t->axis];
      }
    }
    for (flatbuffers::uoffset_t k = 0; k < q->scale()->size(); ++k) {
      const float s = q->scale()->Get(k);
      const int32_t z = q->zero_point()->Get(k);
      if (!std::isfinite(s) || !(s > 0.0f)) return Error(OCTET_INVALID_MODEL) << where() << ": scale " << s << " is not finite and positive";
      if (t->type == DType::kInt8 && (z < -128 || z > 127)) return Error(OCTET_INVALID_MODEL) << where() << ": zero point " << z << " outside int8";
      t->scales.push_back(s);
      t->zero_points.push_back(z);
    }
  }

  const uint32_t b = ft->buffer();
  if (b >= m->buffers()->size()) return Error(OCTET_INVALID_MODEL) << where() << ": buffer index " << b << " out of range";
  if (b != 0) {
    const fb::Buffer* buf = m->buffers()->Get(b);
    if (buf->size() != t->bytes) {
      return Error(OCTET_INVALID_MODEL) << where() << ": constant buffer holds " << buf->size() << " bytes but shape "
                                        << shape_string(t->shape) << " of " << element_type_name(ft->type()) << " needs " << t->bytes;
    }
    t->constant = true;
    t->data = file + buf->offset();
  }
  return Status::Ok();
}

const char* op_type_name(fb::OperatorOptions t) {
  const char* n = fb::EnumNameOperatorOptions(t);
  return n != nullptr ? n : "unknown";
}

}  // namespace

Status Model::Load(std::unique_ptr<ModelBytes> bytes, std::shared_ptr<const Model>* out, const char* kernel_path,
                   int winograd) {
  const auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<Model> model(new (std::nothrow) Model());
  if (!model) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  OCTET_RETURN_IF_ERROR(resolve_kernel_path(kernel_path, &model->path_));
  OCTET_RETURN_IF_ERROR(resolve_winograd_mode(winograd, &model->winograd_));
  ConvChoiceCache choices;
  const KernelTable& kernels = kernel_table(model->path_);
  const fb::Model* m = nullptr;
  OCTET_RETURN_IF_ERROR(verify_container(bytes->data(), bytes->size(), &m));

  const auto num_tensors = m->tensors()->size();
  if (num_tensors > static_cast<flatbuffers::uoffset_t>(std::numeric_limits<int32_t>::max())) {
    return Error(OCTET_INVALID_MODEL) << "too many tensors";
  }
  model->tensors_.resize(num_tensors);
  for (flatbuffers::uoffset_t i = 0; i < num_tensors; ++i) {
    OCTET_RETURN_IF_ERROR(load_tensor(m, i, bytes->data(), &model->tensors_[i]));
  }
  const int nt = static_cast<int>(num_tensors);
  const auto t1 = std::chrono::steady_clock::now();

  // Which step defines each tensor: -2 undefined, -1 graph input or constant.
  std::vector<int> defined_at(num_tensors, -2);
  for (int i = 0; i < nt; ++i) {
    if (model->tensors_[i].constant) defined_at[i] = -1;
  }
  const auto load_io = [&](const flatbuffers::Vector<flatbuffers::Offset<fb::GraphIO>>* v, bool is_input,
                           std::vector<GraphIO>* ios) -> Status {
    std::unordered_set<int> listed;
    for (flatbuffers::uoffset_t k = 0; k < v->size(); ++k) {
      const fb::GraphIO* io = v->Get(k);
      const char* kind = is_input ? "input" : "output";
      if (io->tensor() < 0 || io->tensor() >= nt) {
        return Error(OCTET_INVALID_MODEL) << "graph " << kind << " " << k << " refers to tensor " << io->tensor() << " of " << nt;
      }
      const Tensor& t = model->tensors_[io->tensor()];
      if (t.constant) return Error(OCTET_INVALID_MODEL) << "graph " << kind << " " << k << " is a constant tensor";
      if (!t.per_tensor_quantized() && t.type == DType::kInt8) {
        return Error(OCTET_INVALID_MODEL) << "graph " << kind << " " << k << " must be quantized per tensor";
      }
      if (io->nchw() && t.rank() != 4) return Error(OCTET_INVALID_MODEL) << "graph " << kind << " " << k << " is marked NCHW but has rank " << t.rank();
      GraphIO g;
      g.name = io->name() ? io->name()->str() : t.name;
      g.tensor = io->tensor();
      g.nchw = io->nchw();
      if (!listed.insert(g.tensor).second) return Error(OCTET_INVALID_MODEL) << "tensor " << g.tensor << " listed twice as graph " << kind;
      if (is_input) {
        defined_at[g.tensor] = -1;
      }
      ios->push_back(g);
    }
    return Status::Ok();
  };
  OCTET_RETURN_IF_ERROR(load_io(m->inputs(), true, &model->inputs_));
  if (m->outputs()->size() == 0) return Error(OCTET_INVALID_MODEL) << "model has no outputs";

  // Operators, in order: every input defined before, every output defined once.
  const auto* ops = m->operators();
  std::vector<int> last_use(num_tensors, -2);
  for (flatbuffers::uoffset_t k = 0; k < ops->size(); ++k) {
    const fb::Operator* op = ops->Get(k);
    OpBuildContext ctx;
    ctx.op = op;
    ctx.tensors = &model->tensors_;
    ctx.kernels = &kernels;
    ctx.winograd = model->winograd_;
    ctx.choices = &choices;
    ctx.index = k;
    ctx.name = op->name() ? op->name()->str() : "";
    ctx.type_name = op_type_name(op->options_type());
    if (op->options_type() == fb::OperatorOptions::NONE || op->options() == nullptr) {
      return ctx.error() << "has no options";
    }
    if (op->version() != 1) return ctx.error(OCTET_UNSUPPORTED) << "version " << op->version() << " is not supported (this runtime knows 1)";
    for (int32_t t : *op->inputs()) {
      if (t < -1 || t >= nt) return ctx.error() << "input tensor index " << t << " out of range [0, " << nt << ")";
      if (t >= 0 && defined_at[t] == -2) {
        return ctx.error() << "reads tensor " << t << " '" << model->tensors_[t].name
                           << "' before any operator writes it (operators out of order, or a cycle)";
      }
      if (t >= 0) last_use[t] = static_cast<int>(k);
      ctx.inputs.push_back(t);
    }
    for (int32_t t : *op->outputs()) {
      if (t < 0 || t >= nt) return ctx.error() << "output tensor index " << t << " out of range [0, " << nt << ")";
      if (defined_at[t] != -2) {
        return ctx.error() << "writes tensor " << t << " '" << model->tensors_[t].name << "' that is already a constant, graph input or output of another operator";
      }
      defined_at[t] = static_cast<int>(k);
      if (last_use[t] < static_cast<int>(k)) last_use[t] = static_cast<int>(k);
      ctx.outputs.push_back(t);
    }
    for (int32_t t : ctx.inputs) {
      for (int32_t o : ctx.outputs) {
        if (t == o) return ctx.error() << "reads and writes tensor " << t;
      }
    }
    std::unique_ptr<Operator> created;
    const size_t measured = choices.entries.size();
    const auto c0 = std::chrono::steady_clock::now();
    OCTET_RETURN_IF_ERROR(create_operator(ctx, &created));
    if (choices.entries.size() != measured) {
      model->choose_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c0).count();
    }
    created->name = ctx.name;
    created->inputs = ctx.inputs;
    created->outputs = ctx.outputs;
    if (created->scratch_bytes > model->scratch_per_slot_) model->scratch_per_slot_ = created->scratch_bytes;
    created->empty_output = true;
    for (int32_t t : ctx.outputs) created->empty_output = created->empty_output && model->tensors_[t].elements == 0;
    model->operators_.push_back(std::move(created));
  }
  OCTET_RETURN_IF_ERROR(load_io(m->outputs(), false, &model->outputs_));
  const int num_steps = static_cast<int>(ops->size());
  for (const GraphIO& o : model->outputs_) {
    if (defined_at[o.tensor] == -2) return Error(OCTET_INVALID_MODEL) << "graph output '" << o.name << "' is never written";
    last_use[o.tensor] = num_steps;
  }

  // Arena: every tensor that is not a constant and is used at all.
  std::vector<TensorLifetime> lifetimes;
  std::vector<int> planned;
  for (int i = 0; i < nt; ++i) {
    if (model->tensors_[i].constant || defined_at[i] == -2) continue;
    TensorLifetime l;
    l.bytes = model->tensors_[i].bytes;
    l.first = defined_at[i];
    l.last = last_use[i] < l.first ? l.first : last_use[i];
    lifetimes.push_back(l);
    planned.push_back(i);
  }
  model->plan_ = plan_arena(lifetimes);
  for (size_t k = 0; k < planned.size(); ++k) model->tensors_[planned[k]].arena_offset = model->plan_.offsets[k];
  const auto t2 = std::chrono::steady_clock::now();
  model->verify_ms_ = std::chrono::duration<double, std::milli>(t1 - t0).count();
  model->prepare_ms_ = std::chrono::duration<double, std::milli>(t2 - t1).count();
  model->bytes_ = std::move(bytes);
  *out = std::move(model);
  return Status::Ok();
}

Error OpBuildContext::error(octet_status code) const {
  Error e(code);
  e << "operator " << index << " (" << type_name;
  if (!name.empty()) e << " '" << name << "'";
  e << "): ";
  return e;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kInt8: return "int8";
    case DType::kInt32: return "int32";
  }
  return "unknown";
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace octet::rt

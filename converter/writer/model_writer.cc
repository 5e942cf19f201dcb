#include "converter/writer/model_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <unistd.h>

#include "kernels/reference/requantize.h"

namespace octet {

bool compute_requantization(float input_scale, const std::vector<float>& weight_scales, float output_scale,
                            RequantizationValues* out) {
  out->multiplier.clear();
  out->shift.clear();
  for (float ws : weight_scales) {
    QuantizedMultiplier m;
    const double real = static_cast<double>(input_scale) * ws / output_scale;
    if (!quantize_multiplier(real, &m)) return false;
    out->multiplier.push_back(m.m0);
    out->shift.push_back(m.shift);
  }
  return true;
}

int ModelWriter::add_tensor(const std::string& name, fb::ElementType type, const std::vector<int32_t>& shape,
                            const QuantParams* quant) {
  TensorRec t;
  t.name = name;
  t.type = type;
  t.shape = shape;
  if (quant != nullptr) {
    t.has_quant = true;
    t.quant = *quant;
  }
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size() - 1);
}

int ModelWriter::add_constant(const std::string& name, fb::ElementType type, const std::vector<int32_t>& shape,
                              const void* data, size_t bytes, const QuantParams* quant) {
  const int t = add_tensor(name, type, shape, quant);
  const auto* p = static_cast<const uint8_t*>(data);
  buffers_.emplace_back(p, p + bytes);
  tensors_[t].buffer = static_cast<uint32_t>(buffers_.size() - 1);
  return t;
}

void ModelWriter::add_operator(fb::OperatorOptions type, OptionsFn options, const std::vector<int>& inputs,
                               const std::vector<int>& outputs, const std::string& name) {
  ops_.push_back(OpRec{type, std::move(options), inputs, outputs, name});
}

void ModelWriter::add_input(const std::string& name, int tensor, bool nchw) { inputs_.push_back({name, tensor, nchw}); }
void ModelWriter::add_output(const std::string& name, int tensor, bool nchw) { outputs_.push_back({name, tensor, nchw}); }

void ModelWriter::set_metadata(const std::string& converter_version, const std::string& source_model,
                               const std::string& source_sha256, const std::string& calibration_method,
                               const std::string& description) {
  meta_[0] = converter_version;
  meta_[1] = source_model;
  meta_[2] = source_sha256;
  meta_[3] = calibration_method;
  meta_[4] = description;
  has_meta_ = true;
}

std::vector<uint8_t> ModelWriter::finish() const {
  // The buffers' offsets depend on the flatbuffer's size, which depends on the
  // offsets' values only through their fixed-size struct fields: build once with
  // placeholder offsets to learn the size, then again with the real ones.
  auto build = [&](const std::vector<uint64_t>& offsets, flatbuffers::FlatBufferBuilder& fbb) {
    std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
    for (const TensorRec& t : tensors_) {
      flatbuffers::Offset<fb::Quantization> q;
      if (t.has_quant) {
        q = fb::CreateQuantization(fbb, fbb.CreateVector(t.quant.scales), fbb.CreateVector(t.quant.zero_points), t.quant.axis);
      }
      tensors.push_back(fb::CreateTensor(fbb, fbb.CreateString(t.name), t.type, fbb.CreateVector(t.shape), q, t.buffer));
    }
    std::vector<flatbuffers::Offset<fb::Operator>> ops;
    for (const OpRec& op : ops_) {
      const auto options = op.options(fbb);
      ops.push_back(fb::CreateOperator(fbb, op.type, options, 1, fbb.CreateVector(op.inputs), fbb.CreateVector(op.outputs),
                                       op.name.empty() ? 0 : fbb.CreateString(op.name)));
    }
    auto ios = [&](const std::vector<IORec>& v) {
      std::vector<flatbuffers::Offset<fb::GraphIO>> out;
      for (const IORec& io : v) out.push_back(fb::CreateGraphIO(fbb, fbb.CreateString(io.name), io.tensor, io.nchw));
      return fbb.CreateVector(out);
    };
    std::vector<fb::Buffer> bufs;
    for (size_t i = 0; i < buffers_.size(); ++i) bufs.emplace_back(offsets[i], buffers_[i].size());
    flatbuffers::Offset<fb::Metadata> meta;
    if (has_meta_) {
      meta = fb::CreateMetadata(fbb, fbb.CreateString(meta_[0]), fbb.CreateString(meta_[1]), fbb.CreateString(meta_[2]),
                                fbb.CreateString(meta_[3]), fbb.CreateString(meta_[4]));
    }
    const auto model = fb::CreateModel(fbb, format_version_, fbb.CreateVector(tensors), fbb.CreateVector(ops), ios(inputs_),
                                       ios(outputs_), fbb.CreateVectorOfStructs(bufs), meta);
    fb::FinishSizePrefixedModelBuffer(fbb, model);
  };
  // Offsets are fixed-size fields, so the flatbuffer's size does not depend on
  // their values; iterate until it is stable anyway rather than assume it.
  std::vector<uint64_t> offsets(buffers_.size(), 0);
  flatbuffers::FlatBufferBuilder fbb;
  size_t fb_size = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    fbb.Clear();
    build(offsets, fbb);
    if (attempt > 0 && fbb.GetSize() == fb_size) break;
    fb_size = fbb.GetSize();
    uint64_t pos = (fb_size + 63) / 64 * 64;
    for (size_t i = 1; i < buffers_.size(); ++i) {
      offsets[i] = pos;
      pos = (pos + buffers_[i].size() + 63) / 64 * 64;
    }
  }
  std::vector<uint8_t> file(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  uint64_t end = file.size();
  for (size_t i = 1; i < buffers_.size(); ++i) end = offsets[i] + buffers_[i].size();
  file.resize(std::max<uint64_t>(end, file.size()), 0);
  for (size_t i = 1; i < buffers_.size(); ++i) {
    if (!buffers_[i].empty()) std::memcpy(file.data() + offsets[i], buffers_[i].data(), buffers_[i].size());
  }
  return file;
}

bool ModelWriter::write_file(const std::string& path, std::string* error) const {
  const std::vector<uint8_t> bytes = finish();
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *error = "cannot create '" + tmp + "': " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0;
  const int e = errno;
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    *error = "cannot write '" + tmp + "': " + std::strerror(e);
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace octet

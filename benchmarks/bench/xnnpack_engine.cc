// XNNPACK engine: the .octet model's operators through XNNPACK's quantized
// operators (Debian's libxnnpack-dev, git 2022-02-16), the yardstick octet-bench
// times octet against.
//
// The model is loaded and verified by octet's own loader (runtime/model.h), which
// also prepares octet's operators. Each operator XNNPACK has is created as an
// XNNPACK operator with the model's quantization (scales, zero points, per-channel
// weight scales -> qc8 convolution, int32 bias, clamp bounds) and set up once on
// fixed NHWC buffers; invoke() only calls xnn_run_operator. An operator XNNPACK
// lacks (or refuses to create) runs octet's prepared operator on the same buffers
// and is listed by unsupported() as "ran by octet reference": never faked.
//
// XNNPACK derives its requantization from the float scales with its own rounding,
// so its bytes may differ from octet's by one quantization step.
#include <pthreadpool.h>
#include <xnnpack.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "benchmarks/bench/engine.h"
#include "kernels/reference/qs8-quantize-reference.h"
#include "octet/schema/octet_generated.h"
#include "runtime/model.h"
#include "runtime/model_file.h"

namespace octet::bench {

namespace {

using rt::DType;
using rt::Tensor;

const char* xnn_status_name(xnn_status s) {
  switch (s) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown status";
}

// Visits a 4-D NHWC tensor in NCHW order: f(nhwc_index, nchw_index).
template <typename F>
void for_each_nchw(const std::vector<int64_t>& nhwc, F&& f) {
  const size_t n = nhwc[0], h = nhwc[1], w = nhwc[2], c = nhwc[3];
  for (size_t in = 0; in < n; ++in)
    for (size_t ic = 0; ic < c; ++ic)
      for (size_t iy = 0; iy < h; ++iy)
        for (size_t ix = 0; ix < w; ++ix) f(((in * h + iy) * w + ix) * c + ic, ((in * c + ic) * h + iy) * w + ix);
}

// One step of the schedule: an XNNPACK operator, a byte copy, or octet's operator.
struct Step {
  enum Kind { kXnnpack, kCopy, kOctet, kSkip } kind = kSkip;
  xnn_operator_t op = nullptr;
  const rt::Operator* octet = nullptr;
  const void* src = nullptr;
  void* dst = nullptr;
  size_t bytes = 0;
};

class XnnpackEngine final : public Engine {
 public:
  ~XnnpackEngine() override {
    for (Step& s : steps_) {
      if (s.op != nullptr) xnn_delete_operator(s.op);
    }
    if (pool_ != nullptr) pthreadpool_destroy(pool_);
    for (void* p : owned_) std::free(p);
  }

  bool init(const std::string& path, const EngineOptions& options, std::string* error);

  const char* name() const override { return "xnnpack"; }
  const std::vector<TensorDesc>& inputs() const override { return input_descs_; }
  const std::vector<TensorDesc>& outputs() const override { return output_descs_; }
  std::vector<std::string> unsupported() const override { return unsupported_; }

  bool set_input(size_t index, const float* data, size_t elements, std::string* error) override;
  bool invoke(std::string* error) override;
  bool get_output(size_t index, float* data, size_t elements, std::string* error) override;

 private:
  const Tensor& tensor(int i) const { return model_->tensors()[i]; }
  // Builds the XNNPACK operator of operator k into *step; false with *why when
  // XNNPACK has no such operator (or refuses these parameters).
  bool build_xnnpack(size_t k, Step* step, std::string* why);

  std::unique_ptr<rt::ModelBytes> bytes_;  // our own mapping, for the operators' options
  std::shared_ptr<const rt::Model> model_;
  const fb::Model* fb_ = nullptr;
  pthreadpool_t pool_ = nullptr;
  std::vector<void*> data_;   // one pointer per tensor (constants point into the file)
  std::vector<void*> owned_;  // activation buffers
  std::vector<Step> steps_;
  std::vector<TensorDesc> input_descs_, output_descs_;
  std::vector<std::string> unsupported_;
};

TensorDesc describe(const rt::GraphIO& io, const Tensor& t) {
  TensorDesc d;
  d.name = io.name;
  d.dims = t.shape;
  if (io.nchw) d.dims = {t.shape[0], t.shape[3], t.shape[1], t.shape[2]};
  d.elements = t.elements;
  return d;
}

bool XnnpackEngine::init(const std::string& path, const EngineOptions& options, std::string* error) {
  const xnn_status init_status = xnn_initialize(nullptr);
  if (init_status != xnn_status_success) {
    *error = std::string("xnn_initialize failed: ") + xnn_status_name(init_status);
    return false;
  }
  std::unique_ptr<rt::ModelBytes> runtime_bytes;
  rt::Status st = rt::map_model_file(path.c_str(), &runtime_bytes);
  // Operators XNNPACK lacks run on octet's reference kernels (the yardstick is
  // XNNPACK, not octet's SIMD kernels), so the model loads on the reference path.
  if (st.ok()) st = rt::Model::Load(std::move(runtime_bytes), &model_, "reference");
  if (st.ok()) st = rt::map_model_file(path.c_str(), &bytes_);
  if (!st.ok()) {
    *error = path + ": " + st.message();
    return false;
  }
  // The same bytes were verified completely by Model::Load.
  fb_ = fb::GetSizePrefixedModel(bytes_->data());
  if (fb_->operators()->size() != model_->operators().size()) {
    *error = path + ": changed while it was being loaded";
    return false;
  }
  if (options.threads > 1) {
    pool_ = pthreadpool_create(static_cast<size_t>(options.threads));
    if (pool_ == nullptr) {
      *error = "cannot create a pool of " + std::to_string(options.threads) + " threads";
      return false;
    }
  }
  const auto& tensors = model_->tensors();
  data_.assign(tensors.size(), nullptr);
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].constant) {
      data_[i] = const_cast<uint8_t*>(tensors[i].data);
      continue;
    }
    // XNNPACK may read XNN_EXTRA_BYTES past the end of an input.
    const size_t size = (tensors[i].bytes + XNN_EXTRA_BYTES + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, size);
    if (p == nullptr) {
      *error = "out of memory for tensor '" + tensors[i].name + "'";
      return false;
    }
    std::memset(p, 0, size);
    owned_.push_back(p);
    data_[i] = p;
  }
  for (const rt::GraphIO& io : model_->inputs()) input_descs_.push_back(describe(io, tensor(io.tensor)));
  for (const rt::GraphIO& io : model_->outputs()) output_descs_.push_back(describe(io, tensor(io.tensor)));

  const auto& ops = model_->operators();
  steps_.resize(ops.size());
  for (size_t k = 0; k < ops.size(); ++k) {
    Step& s = steps_[k];
    if (ops[k]->empty_output) continue;  // kSkip, as octet's session does
    std::string why;
    if (build_xnnpack(k, &s, &why)) continue;
    if (s.op != nullptr) {
      xnn_delete_operator(s.op);
      s.op = nullptr;
    }
    s.kind = Step::kOctet;
    s.octet = ops[k].get();
    std::string line = "operator " + std::to_string(k) + " " + ops[k]->type;
    if (!ops[k]->name.empty()) line += " '" + ops[k]->name + "'";
    line += ": ran by octet reference (" + std::string(ops[k]->kernel) + "); " + why;
    unsupported_.push_back(line);
  }
  return true;
}

bool XnnpackEngine::build_xnnpack(size_t k, Step* step, std::string* why) {
  const fb::Operator* fop = fb_->operators()->Get(static_cast<flatbuffers::uoffset_t>(k));
  const rt::Operator& op = *model_->operators()[k];
  const std::vector<int>& ins = op.inputs;
  const std::vector<int>& outs = op.outputs;
  const Tensor& in = tensor(ins[0]);
  const Tensor& out = tensor(outs[0]);
  const auto* x = static_cast<const int8_t*>(data_[ins[0]]);
  auto* y = static_cast<int8_t*>(data_[outs[0]]);
  const bool int8_io = in.type == DType::kInt8 && out.type == DType::kInt8;
  const auto i8 = [](int32_t v) { return static_cast<int8_t>(v); };
  // Rows of the last dimension: the (batch, channels) view of the nc operators.
  const size_t channels = in.rank() == 0 || in.shape.back() == 0 ? 1 : static_cast<size_t>(in.shape.back());
  const size_t rows = in.elements / channels;
  xnn_status cs = xnn_status_success;  // create
  xnn_status ss = xnn_status_success;  // setup
  step->kind = Step::kXnnpack;

  switch (fop->options_type()) {
    case fb::OperatorOptions::Conv2DOptions: {
      const auto* o = fop->options_as_Conv2DOptions();
      if (!int8_io || o->requantization() == nullptr) {
        *why = "float convolution (XNNPACK's f32 operators are not used by this int8 yardstick)";
        return false;
      }
      const Tensor& w = tensor(ins[1]);
      const size_t out_c = w.shape[0], kh = w.shape[1], kw = w.shape[2], group_in = w.shape[3];
      const size_t groups = o->groups();
      std::vector<float> wscale(out_c, w.scales[0]);
      if (w.scales.size() == out_c) wscale = w.scales;
      const auto* bias = ins.size() > 2 && ins[2] >= 0 ? static_cast<const int32_t*>(data_[ins[2]]) : nullptr;
      const auto* rq = o->requantization();
      cs = xnn_create_convolution2d_nhwc_qc8(
          o->pad_top(), o->pad_right(), o->pad_bottom(), o->pad_left(), kh, kw, o->stride_h(), o->stride_w(), o->dilation_h(),
          o->dilation_w(), groups, group_in, out_c / groups, in.shape[3], out_c, i8(in.zero_point()), in.scale(), wscale.data(),
          static_cast<const int8_t*>(data_[ins[1]]), bias, i8(out.zero_point()), out.scale(), i8(rq->clamp_min()),
          i8(rq->clamp_max()), 0, &step->op);
      if (cs == xnn_status_success) {
        ss = xnn_setup_convolution2d_nhwc_qc8(step->op, in.shape[0], in.shape[1], in.shape[2], x, y, pool_);
      }
      break;
    }
    case fb::OperatorOptions::FullyConnectedOptions: {
      const auto* o = fop->options_as_FullyConnectedOptions();
      if (!int8_io || o->requantization() == nullptr) {
        *why = "float fully connected layer";
        return false;
      }
      // Per-channel weights: a 1x1 qc8 convolution over rows (XNNPACK 2022-02 has
      // no qc8 fully connected operator).
      const Tensor& w = tensor(ins[1]);
      const size_t n = w.shape[0], kdim = w.shape[1];
      std::vector<float> wscale(n, w.scales[0]);
      if (w.scales.size() == n) wscale = w.scales;
      const auto* bias = ins.size() > 2 && ins[2] >= 0 ? static_cast<const int32_t*>(data_[ins[2]]) : nullptr;
      const auto* rq = o->requantization();
      cs = xnn_create_convolution2d_nhwc_qc8(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, kdim, n, kdim, n, i8(in.zero_point()), in.scale(),
                                            wscale.data(), static_cast<const int8_t*>(data_[ins[1]]), bias, i8(out.zero_point()),
                                            out.scale(), i8(rq->clamp_min()), i8(rq->clamp_max()), 0, &step->op);
      if (cs == xnn_status_success) ss = xnn_setup_convolution2d_nhwc_qc8(step->op, in.elements / kdim, 1, 1, x, y, pool_);
      break;
    }
    case fb::OperatorOptions::BinaryOptions: {
      const auto* o = fop->options_as_BinaryOptions();
      const Tensor& b = tensor(ins[1]);
      if (!int8_io || b.type != DType::kInt8) {
        *why = "float element-wise operator";
        return false;
      }
      if (in.rank() > XNN_MAX_TENSOR_DIMS || b.rank() > XNN_MAX_TENSOR_DIMS) {
        *why = "rank above XNNPACK's " + std::to_string(XNN_MAX_TENSOR_DIMS);
        return false;
      }
      const auto create = o->kind() == fb::BinaryKind::ADD ? xnn_create_add_nd_qs8
                          : o->kind() == fb::BinaryKind::SUB ? xnn_create_subtract_nd_qs8
                          : o->kind() == fb::BinaryKind::MUL ? xnn_create_multiply_nd_qs8
                                                              : nullptr;
      const auto setup = o->kind() == fb::BinaryKind::ADD ? xnn_setup_add_nd_qs8
                         : o->kind() == fb::BinaryKind::SUB ? xnn_setup_subtract_nd_qs8
                                                             : xnn_setup_multiply_nd_qs8;
      if (create == nullptr) {
        *why = std::string("XNNPACK 2022-02 has no int8 ") + fb::EnumNameBinaryKind(o->kind());
        return false;
      }
      cs = create(i8(in.zero_point()), in.scale(), i8(b.zero_point()), b.scale(), i8(out.zero_point()), out.scale(),
                  i8(o->clamp_min()), i8(o->clamp_max()), 0, &step->op);
      if (cs == xnn_status_success) {
        const std::vector<size_t> sa(in.shape.begin(), in.shape.end()), sb(b.shape.begin(), b.shape.end());
        ss = setup(step->op, sa.size(), sa.data(), sb.size(), sb.data(), x, static_cast<const int8_t*>(data_[ins[1]]), y, pool_);
      }
      break;
    }
    case fb::OperatorOptions::Pool2DOptions: {
      const auto* o = fop->options_as_Pool2DOptions();
      if (!int8_io) {
        *why = "float pooling";
        return false;
      }
      if (o->kind() != fb::PoolKind::MAXIMUM) {
        *why = "XNNPACK 2022-02 has no int8 (qs8) average pooling";
        return false;
      }
      const size_t c = in.shape[3];
      cs = xnn_create_max_pooling2d_nhwc_s8(o->pad_top(), o->pad_right(), o->pad_bottom(), o->pad_left(), o->kernel_h(),
                                            o->kernel_w(), o->stride_h(), o->stride_w(), 1, 1, c, c, c, i8(o->clamp_min()),
                                            i8(o->clamp_max()), 0, &step->op);
      if (cs == xnn_status_success) {
        ss = xnn_setup_max_pooling2d_nhwc_s8(step->op, in.shape[0], in.shape[1], in.shape[2], x, y, pool_);
      }
      break;
    }
    case fb::OperatorOptions::GlobalAveragePoolOptions: {
      const auto* o = fop->options_as_GlobalAveragePoolOptions();
      if (!int8_io) {
        *why = "float global average pooling";
        return false;
      }
      const size_t c = in.shape[3];
      cs = xnn_create_global_average_pooling_nwc_qs8(c, c, c, i8(in.zero_point()), in.scale(), i8(out.zero_point()), out.scale(),
                                                     i8(o->clamp_min()), i8(o->clamp_max()), 0, &step->op);
      if (cs == xnn_status_success) {
        ss = xnn_setup_global_average_pooling_nwc_qs8(step->op, in.shape[0], in.shape[1] * in.shape[2], x, y, pool_);
      }
      break;
    }
    case fb::OperatorOptions::UnaryOptions: {
      const auto* o = fop->options_as_UnaryOptions();
      if (!int8_io) {
        *why = "float element-wise function";
        return false;
      }
      const int8_t zi = i8(in.zero_point()), zo = i8(out.zero_point());
      switch (o->kind()) {
        case fb::UnaryKind::SIGMOID:
          cs = xnn_create_sigmoid_nc_qs8(channels, channels, channels, zi, in.scale(), zo, out.scale(), -128, 127, 0, &step->op);
          if (cs == xnn_status_success) ss = xnn_setup_sigmoid_nc_qs8(step->op, rows, x, y, pool_);
          break;
        case fb::UnaryKind::TANH:
          cs = xnn_create_tanh_nc_qs8(channels, channels, channels, zi, in.scale(), zo, out.scale(), -128, 127, 0, &step->op);
          if (cs == xnn_status_success) ss = xnn_setup_tanh_nc_qs8(step->op, rows, x, y, pool_);
          break;
        case fb::UnaryKind::ELU:
          cs = xnn_create_elu_nc_qs8(channels, channels, channels, o->alpha(), zi, in.scale(), zo, out.scale(), -128, 127, 0,
                                     &step->op);
          if (cs == xnn_status_success) ss = xnn_setup_elu_nc_qs8(step->op, rows, x, y, pool_);
          break;
        case fb::UnaryKind::RELU:
          // With equal quantization the table is exactly max(q, zero_point).
          if (in.scale() != out.scale() || zi != zo) {
            *why = "int8 Relu with a change of quantization (XNNPACK has only a clamp)";
            return false;
          }
          cs = xnn_create_clamp_nc_s8(channels, channels, channels, zo, 127, 0, &step->op);
          if (cs == xnn_status_success) ss = xnn_setup_clamp_nc_s8(step->op, rows, x, y, pool_);
          break;
        default:
          *why = std::string("XNNPACK 2022-02 has no int8 ") + fb::EnumNameUnaryKind(o->kind()) + " (octet's table)";
          return false;
      }
      break;
    }
    case fb::OperatorOptions::ReshapeOptions:
      step->kind = Step::kCopy;
      step->src = data_[ins[0]];
      step->dst = data_[outs[0]];
      step->bytes = in.bytes;
      return true;
    case fb::OperatorOptions::QuantizeOptions:
      if (in.type != DType::kFloat32 || out.type != DType::kInt8) {
        *why = "Quantize of this element type";
        return false;
      }
      cs = xnn_create_convert_nc_f32_qs8(channels, channels, channels, out.scale(), i8(out.zero_point()), -128, 127, 0, &step->op);
      if (cs == xnn_status_success) {
        ss = xnn_setup_convert_nc_f32_qs8(step->op, rows, static_cast<const float*>(data_[ins[0]]), y, pool_);
      }
      break;
    case fb::OperatorOptions::DequantizeOptions:
      if (in.type != DType::kInt8 || out.type != DType::kFloat32) {
        *why = "Dequantize of this element type";
        return false;
      }
      cs = xnn_create_convert_nc_qs8_f32(channels, channels, channels, in.scale(), i8(in.zero_point()), 0, &step->op);
      if (cs == xnn_status_success) {
        ss = xnn_setup_convert_nc_qs8_f32(step->op, rows, x, static_cast<float*>(data_[outs[0]]), pool_);
      }
      break;
    default:
      *why = std::string("XNNPACK 2022-02 has no ") + (int8_io ? "int8 " : "") + "operator for " +
             fb::EnumNameOperatorOptions(fop->options_type());
      return false;
  }
  if (cs != xnn_status_success) {
    *why = std::string("XNNPACK refused to create it: ") + xnn_status_name(cs);
    return false;
  }
  if (ss != xnn_status_success) {
    *why = std::string("XNNPACK refused to set it up: ") + xnn_status_name(ss);
    return false;
  }
  return true;
}

bool XnnpackEngine::set_input(size_t index, const float* data, size_t elements, std::string* error) {
  if (index >= model_->inputs().size()) {
    *error = "input index " + std::to_string(index) + " out of range";
    return false;
  }
  const rt::GraphIO& io = model_->inputs()[index];
  const Tensor& t = tensor(io.tensor);
  if (elements != t.elements) {
    *error = "input '" + io.name + "' needs " + std::to_string(t.elements) + " floats, got " + std::to_string(elements);
    return false;
  }
  void* dst = data_[io.tensor];
  if (t.type == DType::kInt8) {
    auto* q = static_cast<int8_t*>(dst);
    if (io.nchw) {
      for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { q[nhwc] = quantize_value_s8(data[nchw], t.scale(), t.zero_point()); });
    } else {
      qs8_quantize__reference(elements, data, t.scale(), t.zero_point(), q);
    }
  } else if (t.type == DType::kFloat32) {
    auto* f = static_cast<float*>(dst);
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { f[nhwc] = data[nchw]; });
    else if (elements != 0) std::memcpy(f, data, elements * sizeof(float));
  } else {
    *error = "input '" + io.name + "' is int32";
    return false;
  }
  return true;
}

bool XnnpackEngine::invoke(std::string* error) {
  rt::ExecContext ctx;
  ctx.data = data_.data();
  ctx.pool = pool_;
  // Reference operators use no scratch (scratch_bytes_per_slot() is 0 on that path).
  for (size_t k = 0; k < steps_.size(); ++k) {
    const Step& s = steps_[k];
    switch (s.kind) {
      case Step::kXnnpack: {
        const xnn_status st = xnn_run_operator(s.op, pool_);
        if (st != xnn_status_success) {
          *error = "operator " + std::to_string(k) + ": xnn_run_operator failed: " + xnn_status_name(st);
          return false;
        }
        break;
      }
      case Step::kCopy:
        if (s.bytes != 0) std::memcpy(s.dst, s.src, s.bytes);
        break;
      case Step::kOctet:
        s.octet->run(ctx);
        break;
      case Step::kSkip:
        break;
    }
  }
  return true;
}

bool XnnpackEngine::get_output(size_t index, float* data, size_t elements, std::string* error) {
  if (index >= model_->outputs().size()) {
    *error = "output index " + std::to_string(index) + " out of range";
    return false;
  }
  const rt::GraphIO& io = model_->outputs()[index];
  const Tensor& t = tensor(io.tensor);
  if (elements != t.elements) {
    *error = "output '" + io.name + "' has " + std::to_string(t.elements) + " elements, buffer holds " + std::to_string(elements);
    return false;
  }
  const void* src = data_[io.tensor];
  if (t.type == DType::kInt8) {
    const auto* q = static_cast<const int8_t*>(src);
    const float s = t.scale();
    const int32_t z = t.zero_point();
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { data[nchw] = s * static_cast<float>(int32_t{q[nhwc]} - z); });
    else qs8_dequantize__reference(elements, q, s, z, data);
  } else if (t.type == DType::kFloat32) {
    const auto* f = static_cast<const float*>(src);
    if (io.nchw) for_each_nchw(t.shape, [&](size_t nhwc, size_t nchw) { data[nchw] = f[nhwc]; });
    else if (elements != 0) std::memcpy(data, f, elements * sizeof(float));
  } else {
    const auto* v = static_cast<const int32_t*>(src);
    for (size_t i = 0; i < elements; ++i) data[i] = static_cast<float>(v[i]);
  }
  return true;
}

}  // namespace

std::unique_ptr<Engine> create_xnnpack_engine(const std::string& model_path, const EngineOptions& options, std::string* error) {
  std::unique_ptr<XnnpackEngine> engine(new XnnpackEngine());
  if (!engine->init(model_path, options, error)) return nullptr;
  return engine;
}

}  // namespace octet::bench

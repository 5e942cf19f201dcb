// Add, Sub, Mul, Div, Maximum, Minimum, Pow with broadcasting.
#include <cstring>
#include <new>
#include <string>

#include "kernels/reference/qs8-binary-reference.h"
#include "runtime/ops/lut_util.h"
#include "runtime/ops/op_util.h"
#include "runtime/ops/registry.h"

namespace octet::rt {

namespace {

// The broadcast as runs for the SIMD kernels: output dims of size 1 dropped and
// neighbours merged where both operands stay contiguous, the last dim being the run.
// Along a run each operand has stride 1 or 0 (it repeats one value there), never
// both 0.
struct BroadcastRuns {
  int outer_rank = 0;
  int64_t outer_dims[kMaxRank] = {};
  int64_t a_strides[kMaxRank] = {};
  int64_t b_strides[kMaxRank] = {};
  size_t run = 1;
  bool a_repeats = false, b_repeats = false;
  // Short runs where one operand is the same vector for every index of the last outer
  // dim (squeeze-excitation [N,H,W,C] x [N,1,1,C], a per-channel vector): `group` of
  // them are one call, against that vector copied `group` times into scratch.
  bool b_rows = false, a_rows = false;
  size_t block_rows = 1, group = 1;
};

constexpr size_t kShortRun = 128, kGroupElements = 1024;

BroadcastRuns make_runs(const BroadcastShape& bs) {
  BroadcastRuns r;
  int rank = 0;
  int64_t dims[kMaxRank] = {}, as[kMaxRank] = {}, bst[kMaxRank] = {};
  for (int d = 0; d < bs.rank; ++d) {
    const int64_t n = bs.out_dims[d], sa = bs.a_strides[d], sb = bs.b_strides[d];
    if (n == 1) continue;
    if (rank > 0 && as[rank - 1] == sa * n && bst[rank - 1] == sb * n) {
      dims[rank - 1] *= n;  // contiguous with the dim before: one dim
      as[rank - 1] = sa;
      bst[rank - 1] = sb;
      continue;
    }
    dims[rank] = n;
    as[rank] = sa;
    bst[rank] = sb;
    ++rank;
  }
  if (rank == 0) {  // one element
    dims[0] = 1;
    as[0] = bst[0] = 1;
    rank = 1;
  }
  r.run = static_cast<size_t>(dims[rank - 1]);
  r.a_repeats = as[rank - 1] == 0;
  r.b_repeats = bst[rank - 1] == 0;
  r.outer_rank = rank - 1;
  for (int d = 0; d < rank - 1; ++d) {
    r.outer_dims[d] = dims[d];
    r.a_strides[d] = as[d];
    r.b_strides[d] = bst[d];
  }
  if (r.outer_rank >= 1 && !r.a_repeats && !r.b_repeats && r.run < kShortRun) {
    const int l = r.outer_rank - 1;
    const int64_t run = static_cast<int64_t>(r.run);
    r.b_rows = r.b_strides[l] == 0 && r.a_strides[l] == run;
    r.a_rows = r.a_strides[l] == 0 && r.b_strides[l] == run;
    r.block_rows = static_cast<size_t>(r.outer_dims[l]);
    r.group = kGroupElements / r.run;
    if (r.group < 2 || r.block_rows < 2) r.b_rows = r.a_rows = false;
  }
  return r;
}

// Offsets of a and b at the start of run `o` (row-major over the outer dims).
inline void run_offsets(const BroadcastRuns& r, size_t o, size_t* ia, size_t* ib) {
  int64_t a = 0, b = 0;
  for (int d = r.outer_rank - 1; d >= 0; --d) {
    const int64_t i = static_cast<int64_t>(o % static_cast<size_t>(r.outer_dims[d]));
    o /= static_cast<size_t>(r.outer_dims[d]);
    a += i * r.a_strides[d];
    b += i * r.b_strides[d];
  }
  *ia = static_cast<size_t>(a);
  *ib = static_cast<size_t>(b);
}

class Binary final : public Operator {
 public:
  fb::BinaryKind kind = fb::BinaryKind::ADD;
  BroadcastShape bs;
  bool quantized = false;
  QAddParams add;
  QMulParams mul;
  QMinMaxParams minmax;
  BinaryOp float_op = BinaryOp::kAdd;
  float out_min = 0, out_max = 0;
  // The path's kernels (null on the reference path and for Maximum / Minimum).
  qs8_vadd_fn vadd = nullptr;
  qs8_vaddc_fn vaddc = nullptr;
  qs8_vmul_fn vmul = nullptr;
  qs8_vmulc_fn vmulc = nullptr;
  // Maximum / Minimum: each operand alone through its table of
  // clamp(zo + rescaled value) (clamp is monotone, so it commutes with max and min),
  // then the byte max / min of the two lookups.
  x8_lut_fn lut = nullptr;
  int8_t table_a[256] = {}, table_b[256] = {};
  static constexpr size_t kMinMaxChunk = 1024;
  std::string kernel_name;
  BroadcastRuns runs;
  QAddParams add_swapped;  // a and b exchanged, for runs where a repeats
  QMulParams mul_swapped;
  size_t total = 0;

  // Output elements [begin, end): whole or partial runs; rep is the task's scratch
  // (runs.group * runs.run bytes) for grouped short runs.
  void run_simd(const int8_t* a, const int8_t* b, int8_t* y, size_t begin, size_t end, int8_t* rep) const {
    const size_t n = runs.run;
    size_t o = begin / n, off = begin % n;
    const int8_t* copied = nullptr;  // the vector rep holds
    while (begin < end) {
      const size_t len = n - off < end - begin ? n - off : end - begin;
      size_t ia = 0, ib = 0;
      run_offsets(runs, o, &ia, &ib);
      if ((runs.b_rows || runs.a_rows) && off == 0) {
        size_t rows = runs.block_rows - o % runs.block_rows;
        if (rows > (end - begin) / n) rows = (end - begin) / n;
        if (rows > runs.group) rows = runs.group;
        if (rows >= 2) {
          const int8_t* vec = runs.b_rows ? b + ib : a + ia;
          if (vec != copied) {
            for (size_t g = 0; g < runs.group; ++g) std::memcpy(rep + g * n, vec, n);
            copied = vec;
          }
          const int8_t* pa = runs.b_rows ? a + ia : rep;
          const int8_t* pb = runs.b_rows ? rep : b + ib;
          if (vadd != nullptr) vadd(rows * n, pa, pb, add, y + begin);
          else vmul(rows * n, pa, pb, mul, y + begin);
          begin += rows * n;
          o += rows;
          continue;
        }
      }
      const int8_t* pa = a + ia + (runs.a_repeats ? 0 : off);
      const int8_t* pb = b + ib + (runs.b_repeats ? 0 : off);
      int8_t* py = y + begin;
      if (vadd != nullptr) {
        if (runs.b_repeats) vaddc(len, pa, *pb, add, py);
        else if (runs.a_repeats) vaddc(len, pb, *pa, add_swapped, py);
        else vadd(len, pa, pb, add, py);
      } else {
        if (runs.b_repeats) vmulc(len, pa, *pb, mul, py);
        else if (runs.a_repeats) vmulc(len, pb, *pa, mul_swapped, py);
        else vmul(len, pa, pb, mul, py);
      }
      begin += len;
      ++o;
      off = 0;
    }
  }

  // Output elements [begin, end) of Maximum / Minimum; tmp holds kMinMaxChunk bytes.
  void run_minmax(const int8_t* a, const int8_t* b, int8_t* y, size_t begin, size_t end, int8_t* tmp) const {
    const size_t n = runs.run;
    const bool is_max = kind == fb::BinaryKind::MAXIMUM;
    size_t o = begin / n, off = begin % n;
    while (begin < end) {
      size_t len = n - off < end - begin ? n - off : end - begin;
      if (len > kMinMaxChunk) len = kMinMaxChunk;
      size_t ia = 0, ib = 0;
      run_offsets(runs, o, &ia, &ib);
      const int8_t* pa = a + ia + (runs.a_repeats ? 0 : off);
      const int8_t* pb = b + ib + (runs.b_repeats ? 0 : off);
      int8_t* py = y + begin;
      if (runs.a_repeats) std::memset(py, table_a[*pa + 128], len);
      else lut(len, pa, table_a, py);
      if (runs.b_repeats) std::memset(tmp, table_b[*pb + 128], len);
      else lut(len, pb, table_b, tmp);
      if (is_max) {
        for (size_t i = 0; i < len; ++i) py[i] = py[i] < tmp[i] ? tmp[i] : py[i];
      } else {
        for (size_t i = 0; i < len; ++i) py[i] = tmp[i] < py[i] ? tmp[i] : py[i];
      }
      begin += len;
      off += len;
      if (off == n) {
        ++o;
        off = 0;
      }
    }
  }

  void run(const ExecContext& ctx) const override {
    if (quantized) {
      const auto* a = ctx.tensor<const int8_t>(inputs[0]);
      const auto* b = ctx.tensor<const int8_t>(inputs[1]);
      auto* y = ctx.tensor<int8_t>(outputs[0]);
      if (lut != nullptr) {
        parallel_for_slots(ctx, total, kElementwiseTile, [&](size_t slot, size_t begin, size_t end) {
          run_minmax(a, b, y, begin, end, reinterpret_cast<int8_t*>(ctx.scratch + slot * ctx.slot_bytes));
        });
        return;
      }
      if (vadd != nullptr || vmul != nullptr) {
        parallel_for_slots(ctx, total, kElementwiseTile, [&](size_t slot, size_t begin, size_t end) {
          run_simd(a, b, y, begin, end, reinterpret_cast<int8_t*>(ctx.scratch + slot * ctx.slot_bytes));
        });
        return;
      }
      switch (kind) {
        case fb::BinaryKind::MUL: qs8_mul__reference(bs, a, b, mul, y); break;
        case fb::BinaryKind::MAXIMUM: qs8_maximum__reference(bs, a, b, minmax, y); break;
        case fb::BinaryKind::MINIMUM: qs8_minimum__reference(bs, a, b, minmax, y); break;
        default: qs8_add__reference(bs, a, b, add, y); break;  // ADD, SUB
      }
    } else {
      f32_binary__reference(float_op, bs, ctx.tensor<const float>(inputs[0]), ctx.tensor<const float>(inputs[1]), out_min, out_max,
                            ctx.tensor<float>(outputs[0]));
    }
  }
};

}  // namespace

Status create_binary(const OpBuildContext& c, std::unique_ptr<Operator>* out) {
  const auto* o = c.op->options_as_BinaryOptions();
  OCTET_RETURN_IF_ERROR(expect_io_count(c, 2, 2, 1));
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& y = c.output(0);
  const int kind = static_cast<int>(o->kind());
  if (kind < static_cast<int>(fb::BinaryKind::MIN) || kind > static_cast<int>(fb::BinaryKind::MAX)) {
    return c.error(OCTET_UNSUPPORTED) << "unknown binary kind " << kind;
  }
  // In BinaryKind's order.
  static const char* kNames[] = {"Add", "Mul", "Sub", "Div", "Maximum", "Minimum", "Pow"};
  static const BinaryOp kFloatOps[] = {BinaryOp::kAdd, BinaryOp::kMul, BinaryOp::kSub, BinaryOp::kDiv,
                                       BinaryOp::kMaximum, BinaryOp::kMinimum, BinaryOp::kPow};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<int>(fb::BinaryKind::MAX) + 1, "one name per BinaryKind");
  static_assert(sizeof(kFloatOps) / sizeof(kFloatOps[0]) == static_cast<int>(fb::BinaryKind::MAX) + 1, "one op per BinaryKind");
  OCTET_RETURN_IF_ERROR(expect_type(c, b, a.type, "input 1"));
  OCTET_RETURN_IF_ERROR(expect_type(c, y, a.type, "output"));
  if (a.type == DType::kInt32) return c.error(OCTET_UNSUPPORTED) << "int32 arithmetic";
  if (a.type == DType::kInt8 && (o->kind() == fb::BinaryKind::DIV || o->kind() == fb::BinaryKind::POW)) {
    return c.error(OCTET_UNSUPPORTED) << "int8 " << kNames[kind] << " is not supported: keep it in a float region";
  }
  for (const Tensor* t : {&a, &b, &y}) {
    if (t->type == DType::kInt8 && !t->per_tensor_quantized()) return c.error() << "tensor '" << t->name << "' must be quantized per tensor";
  }
  std::unique_ptr<Binary> op(new (std::nothrow) Binary());
  if (!op) return Error(OCTET_OUT_OF_MEMORY) << "out of memory";
  op->kind = o->kind();
  if (!make_broadcast_shape(a.shape.data(), a.rank(), b.shape.data(), b.rank(), &op->bs)) {
    return c.error() << "shapes " << shape_string(a.shape) << " and " << shape_string(b.shape) << " do not broadcast";
  }
  std::vector<int64_t> expect(op->bs.out_dims, op->bs.out_dims + op->bs.rank);
  if (expect != y.shape) return c.error() << "output shape " << shape_string(y.shape) << ", expected " << shape_string(expect);
  op->type = kNames[kind];
  op->runs = make_runs(op->bs);
  if (op->runs.a_rows || op->runs.b_rows) op->scratch_bytes = op->runs.group * op->runs.run;
  op->total = static_cast<size_t>(y.elements);
  if (a.type == DType::kInt8) {
    op->quantized = true;
    int32_t qmin = -128, qmax = 127;
    OCTET_RETURN_IF_ERROR(read_clamp(c, o->clamp_min(), o->clamp_max(), &qmin, &qmax));
    switch (o->kind()) {
      case fb::BinaryKind::MUL:
        op->mul.a_zero_point = a.zero_point();
        op->mul.b_zero_point = b.zero_point();
        op->mul.output_zero_point = y.zero_point();
        op->mul.qmin = qmin;
        op->mul.qmax = qmax;
        if (!quantize_multiplier(static_cast<double>(a.scale()) * b.scale() / y.scale(), &op->mul.multiplier)) {
          return c.error(OCTET_UNSUPPORTED) << "scale ratio of Mul too large";
        }
        op->kernel = "qs8_mul__reference";
        if (c.kernels != nullptr && c.kernels->elementwise.vmul != nullptr) {
          op->vmul = c.kernels->elementwise.vmul;
          op->vmulc = c.kernels->elementwise.vmulc;
          op->kernel = c.kernels->elementwise.vmul_name;
          op->mul_swapped = op->mul;
          op->mul_swapped.a_zero_point = op->mul.b_zero_point;
          op->mul_swapped.b_zero_point = op->mul.a_zero_point;
        }
        break;
      case fb::BinaryKind::MAXIMUM:
      case fb::BinaryKind::MINIMUM:
        if (!compute_qs8_minmax_params(a.scale(), a.zero_point(), b.scale(), b.zero_point(), y.scale(), y.zero_point(), qmin, qmax,
                                       &op->minmax)) {
          return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio exceeds " << kMaxAddScaleRatio;
        }
        op->kernel = o->kind() == fb::BinaryKind::MAXIMUM ? "qs8_maximum__reference" : "qs8_minimum__reference";
        if (const LutKernel lut = choose_lut(c.kernels); lut.fn != nullptr) {
          const QMinMaxParams& p = op->minmax;
          for (int q = -128; q <= 127; ++q) {  // the reference's arithmetic, one operand at a time
            const int32_t ra = (p.a_bias + q * p.a_multiplier) >> p.shift;
            const int32_t rb = (p.b_bias + q * p.b_multiplier) >> p.shift;
            op->table_a[q + 128] = static_cast<int8_t>(clamp_i64(int64_t{ra} + p.output_zero_point, p.qmin, p.qmax));
            op->table_b[q + 128] = static_cast<int8_t>(clamp_i64(int64_t{rb} + p.output_zero_point, p.qmin, p.qmax));
          }
          op->lut = lut.fn;
          op->scratch_bytes = Binary::kMinMaxChunk;
          op->kernel_name = std::string(lut.name) + (o->kind() == fb::BinaryKind::MAXIMUM ? "+max" : "+min");
          op->kernel = op->kernel_name.c_str();
        }
        break;
      default:  // ADD, SUB
        if (!compute_qs8_add_params(a.scale(), a.zero_point(), b.scale(), b.zero_point(), y.scale(), y.zero_point(),
                                    o->kind() == fb::BinaryKind::SUB, qmin, qmax, &op->add)) {
          return c.error(OCTET_UNSUPPORTED) << "input/output scale ratio exceeds " << kMaxAddScaleRatio;
        }
        op->kernel = "qs8_add__reference";
        if (c.kernels != nullptr && c.kernels->elementwise.vadd != nullptr) {
          op->vadd = c.kernels->elementwise.vadd;
          op->vaddc = c.kernels->elementwise.vaddc;
          op->kernel = c.kernels->elementwise.vadd_name;
          // bias + a * A + b * B is symmetric in (a, A) and (b, B).
          op->add_swapped = op->add;
          op->add_swapped.a_multiplier = op->add.b_multiplier;
          op->add_swapped.b_multiplier = op->add.a_multiplier;
        }
        break;
    }
  } else {
    op->float_op = kFloatOps[kind];
    read_float_clamp(o->float_clamp(), &op->out_min, &op->out_max);
    OCTET_RETURN_IF_ERROR(check_float_clamp(c, op->out_min, op->out_max));
    op->kernel = "f32_binary__reference";
  }
  *out = std::move(op);
  return Status::Ok();
}

}  // namespace octet::rt

// Small models the C API fuzz target runs and the seed generator writes: built
// with ModelWriter, so they are valid by construction.
#pragma once

#include <cstdint>
#include <vector>

#include "converter/writer/model_writer.h"

namespace octet_fuzz {

namespace fb = octet::fb;

// float [10] x -> Quantize(0.5, 3) -> int8 q -> Dequantize -> float y; outputs q, y.
inline std::vector<uint8_t> qdq_model() {
  octet::ModelWriter w;
  const octet::QuantParams q = octet::QuantParams::per_tensor(0.5f, 3);
  const int x = w.add_tensor("x", fb::ElementType::FLOAT32, {10});
  const int qt = w.add_tensor("q", fb::ElementType::INT8, {10}, &q);
  const int y = w.add_tensor("y", fb::ElementType::FLOAT32, {10});
  w.add_operator(fb::OperatorOptions::QuantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateQuantizeOptions(f).Union(); }, {x}, {qt}, "quantize");
  w.add_operator(fb::OperatorOptions::DequantizeOptions, [](flatbuffers::FlatBufferBuilder& f) { return fb::CreateDequantizeOptions(f).Union(); }, {qt}, {y}, "dequantize");
  w.add_input("x", x);
  w.add_output("q", qt);
  w.add_output("y", y);
  return w.finish();
}

// int8 a [2,3] + int8 b [2,3] (different scales) -> Add -> int8 y; int32 c [6] ->
// Reshape -> int32 d [2,3]; an empty int8 e [0,4] -> Dequantize -> float f [0,4].
inline std::vector<uint8_t> multi_input_model() {
  octet::ModelWriter w;
  const octet::QuantParams qa = octet::QuantParams::per_tensor(0.25f, -3), qb = octet::QuantParams::per_tensor(0.5f, 7),
                           qy = octet::QuantParams::per_tensor(0.75f, 1), qe = octet::QuantParams::per_tensor(1.0f, 0);
  const int a = w.add_tensor("a", fb::ElementType::INT8, {2, 3}, &qa);
  const int b = w.add_tensor("b", fb::ElementType::INT8, {2, 3}, &qb);
  const int y = w.add_tensor("y", fb::ElementType::INT8, {2, 3}, &qy);
  const int c = w.add_tensor("c", fb::ElementType::INT32, {6});
  const int d = w.add_tensor("d", fb::ElementType::INT32, {2, 3});
  const int e = w.add_tensor("e", fb::ElementType::INT8, {0, 4}, &qe);
  const int f = w.add_tensor("f", fb::ElementType::FLOAT32, {0, 4});
  w.add_operator(fb::OperatorOptions::BinaryOptions, [](flatbuffers::FlatBufferBuilder& fbb) { return fb::CreateBinaryOptions(fbb, fb::BinaryKind::ADD).Union(); }, {a, b}, {y}, "add");
  w.add_operator(fb::OperatorOptions::ReshapeOptions, [](flatbuffers::FlatBufferBuilder& fbb) { return fb::CreateReshapeOptions(fbb).Union(); }, {c}, {d}, "reshape");
  w.add_operator(fb::OperatorOptions::DequantizeOptions, [](flatbuffers::FlatBufferBuilder& fbb) { return fb::CreateDequantizeOptions(fbb).Union(); }, {e}, {f}, "dequantize");
  w.add_input("a", a);
  w.add_input("b", b);
  w.add_input("c", c);
  w.add_input("e", e);
  w.add_output("y", y);
  w.add_output("d", d);
  w.add_output("f", f);
  return w.finish();
}

}  // namespace octet_fuzz

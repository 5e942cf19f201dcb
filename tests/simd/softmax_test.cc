// int8 Softmax on every path against the reference path: long rows take the
// one-division-per-distinct-value kernel there (qs8_softmax__lut); rows with a
// single value, full-range rows, several output scales.
#include <gtest/gtest.h>

#include <vector>

#include "converter/writer/model_writer.h"
#include "kernels/reference/qs8-softmax-reference.h"
#include "tests/support/internal_load.h"

namespace octet_test {
namespace {

namespace fb = octet::fb;

std::vector<uint8_t> softmax_model(int rows, int channels, float in_scale, float out_scale, int32_t out_zp) {
  octet::ModelWriter w;
  const auto qi = octet::QuantParams::per_tensor(in_scale, 3);
  const auto qo = octet::QuantParams::per_tensor(out_scale, out_zp);
  const int x = w.add_tensor("x", fb::ElementType::INT8, {rows, channels}, &qi);
  w.add_input("x", x);
  const int y = w.add_tensor("y", fb::ElementType::INT8, {rows, channels}, &qo);
  std::vector<int32_t> table(256);
  octet::build_qs8_softmax_table(1.0f, in_scale, table.data());
  w.add_operator(
      fb::OperatorOptions::SoftmaxOptions,
      [&](flatbuffers::FlatBufferBuilder& f) { return fb::CreateSoftmaxOptions(f, 1.0f, f.CreateVector(table)).Union(); },
      {x}, {y}, "softmax");
  w.add_output("y", y);
  return w.finish();
}

TEST(SimdSoftmax, LongAndShortRows) {
  uint32_t seed = 1;
  for (int channels : {1, 40, 127, 128, 129, 300, 6625}) {
    for (float in_scale : {0.01f, 0.1f, 0.5f}) {
      for (auto [out_scale, zp] : {std::pair{1.0f / 256, -128}, std::pair{1.0f / 128, 0}, std::pair{0.02f, -100}}) {
        const int rows = channels > 1000 ? 3 : 7;
        expect_same_bytes_on_every_path(softmax_model(rows, channels, in_scale, out_scale, zp), seed++,
                                        "softmax " + std::to_string(rows) + "x" + std::to_string(channels));
      }
    }
  }
}

}  // namespace
}  // namespace octet_test

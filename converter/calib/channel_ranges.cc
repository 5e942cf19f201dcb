#include "converter/calib/channel_ranges.h"

#include <algorithm>
#include <limits>

#include "converter/float/float_executor.h"

namespace octet::cvt {

bool measure_channel_ranges(const Graph& g, const std::set<std::string>& values, size_t count,
                            const SampleLoader& load, std::map<std::string, ChannelRanges>* ranges,
                            std::string* error) {
  auto visit = [&](const std::string& name, const Tensor& t) {
    if (t.rank() < 2 || t.shape[1] <= 0) return;
    const int64_t channels = t.shape[1], outer = t.shape[0];
    const int64_t inner = outer * channels == 0 ? 0 : t.numel() / (outer * channels);
    ChannelRanges& r = (*ranges)[name];
    if (r.lo.size() != static_cast<size_t>(channels)) {
      r.lo.assign(static_cast<size_t>(channels), std::numeric_limits<float>::infinity());
      r.hi.assign(static_cast<size_t>(channels), -std::numeric_limits<float>::infinity());
    }
    const float* p = t.data<float>();
    for (int64_t n = 0; n < outer; ++n)
      for (int64_t c = 0; c < channels; ++c) {
        const float* q = p + (n * channels + c) * inner;
        float lo = r.lo[c], hi = r.hi[c];
        for (int64_t i = 0; i < inner; ++i) {
          lo = std::min(lo, q[i]);
          hi = std::max(hi, q[i]);
        }
        r.lo[c] = lo;
        r.hi[c] = hi;
      }
  };
  FloatExecutor ex(g);
  ex.set_observer([&](int, const std::vector<std::string>& names, const std::vector<const Tensor*>& vals) {
    for (size_t i = 0; i < names.size(); ++i)
      if (vals[i] && values.count(names[i]) && vals[i]->dtype == DType::kFloat32) visit(names[i], *vals[i]);
  });
  for (size_t s = 0; s < count; ++s) {
    std::map<std::string, Tensor> inputs, outputs;
    if (!load(s, &inputs, error)) return false;
    if (!ex.run(inputs, &outputs, error)) {
      *error = "equalization sample " + std::to_string(s) + ": " + *error;
      return false;
    }
  }
  return true;
}

}  // namespace octet::cvt

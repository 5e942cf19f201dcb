#include "converter/calib/channel_ranges.h"

#include <algorithm>
#include <limits>


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
  return observe_values(g, values, count, load, nullptr, visit, error);
}

}  // namespace octet::cvt

// Lock-free latency buckets (latency_histogram.hpp).
#include "net/gateway/ops/latency_histogram.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace agora::net::gateway {

static_assert(std::is_sorted(latency_histogram::bounds_ns.begin(),
                             latency_histogram::bounds_ns.end()));

void latency_histogram::observe(std::chrono::nanoseconds d) {
  const int64_t ns = std::max<int64_t>(d.count(), 0);
  // The first bound ≥ ns: Prometheus buckets are "less than or equal".
  const auto bound = std::lower_bound(bounds_ns.begin(), bounds_ns.end(), ns);
  const auto index = static_cast<size_t>(bound - bounds_ns.begin());
  AGORA_ASSERT(index < buckets);
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

latency_histogram::snapshot latency_histogram::read() const {
  snapshot out;
  uint64_t running = 0;
  for (size_t i = 0; i < buckets; ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out.cumulative[i] = running;
  }
  out.count = running;
  out.sum_ns = sum_ns_.load(std::memory_order_relaxed);
  AGORA_ASSERT(out.count == out.cumulative.back());
  return out;
}

}  // namespace agora::net::gateway

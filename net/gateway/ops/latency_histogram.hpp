// A request-latency histogram for /metrics (Prometheus "histogram": cumulative `_bucket{le=…}`
// counts, `_sum` in seconds, `_count`). Fixed buckets from 1 ms to 30 s; observing is three
// relaxed atomic adds, so I/O threads never wait on each other to record an answer.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace agora::net::gateway {

class latency_histogram {
 public:
  /// Upper bounds of the finite buckets, in nanoseconds (exact; printed in seconds).
  static constexpr std::array<int64_t, 14> bounds_ns = {
      1'000'000,     2'500'000,     5'000'000,      10'000'000,    25'000'000,
      50'000'000,    100'000'000,   250'000'000,    500'000'000,   1'000'000'000,
      2'500'000'000, 5'000'000'000, 10'000'000'000, 30'000'000'000};
  static constexpr size_t buckets = bounds_ns.size() + 1;  // the last one: +Inf

  /// Counts one request that took `d` (a negative d, a clock stepped back, counts as 0).
  void observe(std::chrono::nanoseconds d);

  struct snapshot {
    std::array<uint64_t, buckets> cumulative{};  // [i]: observations ≤ bound i; last: all
    uint64_t count = 0;                          // == cumulative.back()
    uint64_t sum_ns = 0;
  };
  /// The counts now. Each bucket is read once, so `count` always equals the +Inf bucket; the
  /// sum may include an observation the buckets do not yet (or the reverse), as in Prometheus'
  /// own clients.
  snapshot read() const;

 private:
  std::array<std::atomic<uint64_t>, buckets> counts_{};  // per bucket, not cumulative
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace agora::net::gateway

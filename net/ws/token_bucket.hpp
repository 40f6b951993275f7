// A token bucket for one connection's inbound frame rate, as the generic cell rate algorithm:
// one "theoretical arrival time" instead of a token count, integer nanoseconds, no floating
// point. Time comes from the caller (an injected clock_source), so tests and the simulation
// replay it exactly.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace agora::net {

class token_bucket {
 public:
  /// `rate` tokens per second refill a bucket of `burst` tokens, full at first.
  /// REQUIRES: rate > 0, burst > 0.
  token_bucket(uint32_t rate, uint32_t burst);

  /// Takes one token at `now`; false (and nothing taken) when the bucket is empty. A `now`
  /// earlier than a previous one (the clock stepped back) counts as that previous instant.
  bool take(wall_time now);

 private:
  std::chrono::nanoseconds interval_;   // one token's refill time: 1 s / rate
  std::chrono::nanoseconds tolerance_;  // how far ahead of now tat_ may run: (burst - 1) × interval
  wall_time tat_{};                     // when the bucket would be full again
  wall_time latest_{};                  // the latest `now` seen
};

}  // namespace agora::net

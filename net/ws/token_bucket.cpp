// The generic cell rate algorithm behind token_bucket.

#include "net/ws/token_bucket.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace agora::net {

namespace {

std::chrono::nanoseconds interval_of(uint32_t rate) {
  AGORA_ASSERT(rate > 0);
  return std::chrono::nanoseconds(std::chrono::seconds(1)) / rate;
}

}  // namespace

token_bucket::token_bucket(uint32_t rate, uint32_t burst)
    : interval_(interval_of(rate)), tolerance_(interval_ * (burst - 1)) {
  AGORA_ASSERT(burst > 0);
  AGORA_ASSERT(interval_.count() > 0);
}

bool token_bucket::take(wall_time now) {
  latest_ = std::max(latest_, now);
  const wall_time tat = std::max(tat_, latest_);
  if (tat - latest_ > tolerance_)
    return false;
  tat_ = tat + interval_;
  AGORA_ASSERT(tat_ > latest_);
  return true;
}

}  // namespace agora::net

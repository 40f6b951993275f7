// Clock sources: the host clock (the only read of it in core) and a manual clock.
#include "core/clock.hpp"

#include "core/assert.hpp"

namespace agora {

wall_time system_clock_source::now() const {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

void manual_clock::advance(std::chrono::nanoseconds d) {
  AGORA_ASSERT(d.count() >= 0);
  now_ += d;
}

}  // namespace agora

// The actor clock → wall time mapping.

#include "actors/common/wall_clock_map.hpp"

namespace agora::actors {

wall_clock_map wall_clock_map::starting_now(const caf::actor_clock& clock, wall_time epoch) {
  return wall_clock_map{clock.now(), epoch};
}

wall_time wall_clock_map::at(caf::actor_clock::time_point t) const {
  AGORA_ASSERT(t >= t0);
  return epoch + std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0);
}

wall_time wall_clock_map::now(caf::local_actor* self) const {
  AGORA_ASSERT(self != nullptr);
  return at(self->clock().now());
}

int64_t unix_nanoseconds(wall_time t) {
  return t.time_since_epoch().count();
}

}  // namespace agora::actors

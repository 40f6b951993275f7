// Wall time for actors (DESIGN §4, ../shared/notes/caf-0.17.md §5): actors never read
// system_clock; they map their actor clock (virtual under the testing scheduler) onto a wall-time
// epoch fixed at start. The live node takes the epoch from core's system_clock_source once; the
// simulation and tests pick a constant, so every timestamp replays bit for bit.
#pragma once

#include <caf/actor_clock.hpp>
#include <caf/local_actor.hpp>

#include "core/assert.hpp"
#include "core/clock.hpp"

namespace agora::actors {

struct wall_clock_map {
  caf::actor_clock::time_point t0;  // actor clock reading at start
  wall_time epoch;                  // the wall time that t0 stands for

  /// The map whose t0 is `clock`'s reading now and whose epoch is `epoch`.
  static wall_clock_map starting_now(const caf::actor_clock& clock, wall_time epoch);

  /// The wall time of actor-clock reading `t`. REQUIRES: t >= t0.
  wall_time at(caf::actor_clock::time_point t) const;
  /// The wall time now, on self's clock. REQUIRES: self not null.
  wall_time now(caf::local_actor* self) const;
};

/// Nanoseconds since the Unix epoch (the _unix_ns fields of the wire).
int64_t unix_nanoseconds(wall_time t);

}  // namespace agora::actors

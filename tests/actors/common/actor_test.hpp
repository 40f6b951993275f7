// A GoogleTest fixture that runs an actor system on CAF's deterministic test scheduler
// (../shared/notes/caf-0.17.md §4): no threads, virtual time moved by the test, so actor tests
// are exact about order and timing. Shared by the tests of every role.
#pragma once

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <chrono>

#include "actors/common/message_types.hpp"
#include "actors/common/wall_clock_map.hpp"

namespace agora::actors::testing {

/// The wall time the fixture's virtual clock starts at (2025-10-09).
inline constexpr int64_t epoch_unix_s = 1'760'000'000;

class actor_test : public ::testing::Test {
 protected:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    add_agora_message_types(cfg);
    return cfg;
  }

  /// Runs every ready message (no clock movement). Returns how many ran.
  size_t run() { return sched.run(); }
  /// Moves virtual time by d, fires what is due, then runs every ready message.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }
  /// The clock map every actor of a test shares: virtual t0 ↦ epoch_unix_s.
  wall_clock_map clock_map() {
    return wall_clock_map::starting_now(sys.clock(), from_unix_seconds(epoch_unix_s));
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{prepare(cfg)};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
};

}  // namespace agora::actors::testing

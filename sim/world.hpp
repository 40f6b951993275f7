// One simulated world (DESIGN §9, docs/SIMULATION.md): an actor system on CAF's deterministic
// testing scheduler (../shared/notes/caf-0.17.md §4), a wall clock mapped from a fixed epoch and
// one u64 seed from which every random choice is derived. The discrete-event loop runs every
// ready message in FIFO order, then jumps the clock to the next timer, under hard caps on events
// and virtual time. Nothing here reads the host clock or OS randomness.
#pragma once

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "actors/common/wall_clock_map.hpp"
#include "core/random.hpp"

namespace agora::sim {

/// The wall time virtual time 0 stands for (2025-10-09), in every world.
inline constexpr int64_t epoch_unix_s = 1'760'000'000;

/// A sub-seed for (label, index), a pure function of the world seed: the first 8 bytes of
/// keccak256(be64(seed) ‖ label ‖ be64(index)).
uint64_t derive_seed(uint64_t seed, std::string_view label, uint64_t index);

/// Why the loop returned.
enum class stop_reason { quiet, horizon, events_max, stopped };

const char* to_string(stop_reason reason);

class world {
 public:
  explicit world(uint64_t seed);
  /// Stops every kept actor and runs until they are gone.
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  caf::actor_system& system() { return sys_; }
  uint64_t seed() const { return seed_; }
  uint64_t derive(std::string_view label, uint64_t index) const;
  /// A seeded random source for (label, index).
  std::shared_ptr<seeded_random> random(std::string_view label, uint64_t index) const;
  /// Virtual time 0 ↦ epoch_unix_s; every actor of the world shares it.
  const actors::wall_clock_map& clock() const { return clock_; }
  /// Virtual time since the world began.
  caf::timespan elapsed() const;
  uint64_t events() const { return events_; }

  /// Keeps `h` alive until the world ends (an unreferenced actor is destroyed silently).
  template <class Handle>
  void keep(const Handle& h) {
    kept_.push_back(caf::actor_cast<caf::actor>(h));
  }

  /// Runs ready messages, then jumps to the next timer, until nothing is left, the next timer
  /// lies beyond `horizon` (virtual time since the start), `events_max` events ran in total,
  /// or `after_event` (called after every event) returns false.
  stop_reason run_until(caf::timespan horizon, uint64_t events_max,
                        const std::function<bool()>& after_event);
  /// Runs every ready message without moving the clock (queries at the end of a run).
  void run_ready();
  /// Stops every kept actor and runs until they are gone (the destructor does it too; call it
  /// first when the actors point at things that die before the world).
  void stop();

 private:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg);

  uint64_t seed_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  caf::scheduler::test_coordinator& sched_;
  caf::actor_clock::time_point t0_;
  actors::wall_clock_map clock_;
  uint64_t events_ = 0;
  std::vector<caf::actor> kept_;
};

}  // namespace agora::sim

// Clock sources (DESIGN §4): logic asks an injected clock for wall time and never reads
// std::chrono clocks itself. system_clock_source is the only place core reads the host clock;
// manual_clock is moved by tests and the simulation.
#pragma once

#include <chrono>
#include <cstdint>

namespace agora {

/// Wall time: nanoseconds since the Unix epoch.
using wall_time = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

inline int64_t unix_seconds(wall_time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline wall_time from_unix_seconds(int64_t s) {
  return wall_time{std::chrono::seconds{s}};
}

class clock_source {
 public:
  virtual ~clock_source() = default;
  virtual wall_time now() const = 0;
};

/// The host's real-time clock.
class system_clock_source final : public clock_source {
 public:
  wall_time now() const override;
};

/// A clock that moves only when told to.
class manual_clock final : public clock_source {
 public:
  explicit manual_clock(wall_time start) : now_(start) {}
  wall_time now() const override { return now_; }
  void advance(std::chrono::nanoseconds d);
  void set(wall_time t) { now_ = t; }

 private:
  wall_time now_;
};

}  // namespace agora

// The simulated world: seeds, the testing scheduler and the discrete-event loop (world.hpp).
#include "sim/world.hpp"

#include <array>

#include "actors/common/message_types.hpp"
#include "core/assert.hpp"
#include "core/keccak.hpp"

namespace agora::sim {

namespace {

void append_be64(bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(v >> shift));
}

}  // namespace

uint64_t derive_seed(uint64_t seed, std::string_view label, uint64_t index) {
  bytes input;
  append_be64(input, seed);
  input.insert(input.end(), label.begin(), label.end());
  append_be64(input, index);
  const hash256 digest = keccak256(input);
  uint64_t out = 0;
  for (size_t i = 0; i < 8; ++i)
    out = (out << 8) | digest[i];
  return out;
}

const char* to_string(stop_reason reason) {
  switch (reason) {
  case stop_reason::quiet: return "quiet";
  case stop_reason::horizon: return "horizon";
  case stop_reason::events_max: return "events_max";
  case stop_reason::stopped: return "stopped";
  }
  return "?";
}

caf::actor_system_config& world::prepare(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.console", caf::atom("none"));
  actors::add_agora_message_types(cfg);
  return cfg;
}

world::world(uint64_t seed)
    : seed_(seed), sys_(prepare(cfg_)),
      sched_(dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler())),
      t0_(sys_.clock().now()),
      clock_(actors::wall_clock_map::starting_now(sys_.clock(), from_unix_seconds(epoch_unix_s))) {
  AGORA_ASSERT(clock_.t0 == t0_);
}

world::~world() {
  stop();
}

void world::stop() {
  for (const caf::actor& a : kept_)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  kept_.clear();
  sched_.run();
}

uint64_t world::derive(std::string_view label, uint64_t index) const {
  return derive_seed(seed_, label, index);
}

std::shared_ptr<seeded_random> world::random(std::string_view label, uint64_t index) const {
  return std::make_shared<seeded_random>(derive(label, index));
}

caf::timespan world::elapsed() const {
  return sched_.clock().now() - t0_;
}

stop_reason world::run_until(caf::timespan horizon, uint64_t events_max,
                             const std::function<bool()>& after_event) {
  AGORA_ASSERT(horizon.count() >= 0);
  auto& clk = sched_.clock();
  const caf::actor_clock::time_point end = t0_ + horizon;
  for (;;) {
    while (events_ < events_max && sched_.try_run_once()) {
      ++events_;
      if (after_event && !after_event())
        return stop_reason::stopped;
    }
    if (events_ >= events_max)
      return stop_reason::events_max;
    if (!sched_.has_pending_timeout())
      return stop_reason::quiet;
    const caf::actor_clock::time_point next = clk.schedule().begin()->first;
    if (next > end) {
      clk.advance_time(end - clk.now());  // nothing is due before `end`: only the clock moves
      return stop_reason::horizon;
    }
    AGORA_ASSERT(next >= clk.now());
    clk.advance_time(next - clk.now());
  }
}

void world::run_ready() {
  events_ += sched_.run();
}

}  // namespace agora::sim

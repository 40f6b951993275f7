// The sim suite of agora-bench (issue 7, docs/SIMULATION.md): the deterministic world's core
// loop in events per second (a ring of actors passing messages and timers, no market code), and
// a whole simulated market's time compression (simulated seconds per wall second) and events
// per second. The references are the targets and the figures FoundationDB and
// TigerBeetle (VOPR) publish for their simulators.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "sim/market.hpp"
#include "sim/world.hpp"

namespace agora::bench {

namespace {

using hop_atom = caf::atom_constant<caf::atom("hop")>;

/// One ring member: passes each hop on to the next member, every 16th after a 1 ms timer, so
/// the loop runs both ready messages and clock jumps.
caf::behavior ring_member(caf::event_based_actor* self, std::shared_ptr<caf::actor> next) {
  return {[self, next](hop_atom, uint64_t n) {
    if (n % 16 == 0)
      self->delayed_send(*next, std::chrono::milliseconds(1), hop_atom::value, n + 1);
    else
      self->send(*next, hop_atom::value, n + 1);
  }};
}

void add_core_loop(report& out, const options& opts) {
  constexpr size_t members = 1'000;
  constexpr size_t tokens = 64;  // messages circulating at once
  sim::world w(1);
  std::vector<std::shared_ptr<caf::actor>> next(members);
  std::vector<caf::actor> ring(members);
  for (size_t i = 0; i < members; ++i) {
    next[i] = std::make_shared<caf::actor>();
    ring[i] = w.system().spawn(ring_member, next[i]);
    w.keep(ring[i]);
  }
  for (size_t i = 0; i < members; ++i)
    *next[i] = ring[(i + 1) % members];
  for (size_t t = 0; t < tokens; ++t)
    caf::anon_send(ring[t * (members / tokens)], hop_atom::value, uint64_t{1});
  const uint64_t events_max = static_cast<uint64_t>(2'000'000 * std::max(0.25, opts.seconds));
  const stopwatch clock;
  w.run_until(std::chrono::hours(1'000), events_max, {});
  const double s = clock.seconds();
  out.note("core loop", std::to_string(members) + " actors, " + std::to_string(tokens) +
                            " messages in flight, 1 in 16 through a timer");
  out.add({"core loop", double(w.events()) / s, "events/s", "issue 7 target: >= 1,000,000/s"});
}

/// A market of `providers` honest providers and `renters` renters at 30 tasks per hour each.
sim::scenario market(size_t providers, size_t renters, int64_t duration_s) {
  sim::scenario s;
  s.name = "bench";
  s.duration_s = duration_s;
  for (size_t i = 0; i < providers; ++i)
    s.providers.push_back({"p" + std::to_string(i),
                           10'000'000,
                           int64_t(150'000'000 + 10'000 * (i % 100)),
                           {"mock-model"},
                           0,
                           0,
                           {}});
  for (size_t i = 0; i < renters; ++i) {
    sim::renter_spec r;
    r.name = "r" + std::to_string(i);
    r.deposit_micros = 100'000'000;
    r.tasks_per_hour = 30;
    s.renters.push_back(r);
  }
  s.expect.money_conserved = true;
  return s;
}

void add_market(report& out, size_t providers, size_t renters, int64_t duration_s) {
  const sim::scenario s = market(providers, renters, duration_s);
  const stopwatch clock;
  const sim::run_report r = sim::run_scenario(s);
  const double wall_s = clock.seconds();
  const std::string label = std::to_string(providers) + " providers, " + std::to_string(renters) +
                            " renters, " + std::to_string(duration_s / 3'600) + " h + drain";
  out.note("market " + label, std::to_string(r.events) + " events, " +
                                  std::to_string(r.holds_settled) + " settled, " +
                                  (r.ok() ? "invariants held" : "INVARIANT BROKEN"));
  out.add({"market compression (" + label + ")", r.sim_seconds / wall_s, "x",
           "issue 7 target: >= 8,000x for 1,000 providers/day; VOPR ~700x, FDB ~10x"});
  out.add({"market events (" + label + ")", double(r.events) / wall_s, "events/s", ""});
}

}  // namespace

report run_sim_suite(const options& opts) {
  report out("sim");
  const spdlog::level::level_enum level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // the roles' info lines are not the benchmark's
  add_core_loop(out, opts);
  add_market(out, 100, 10, 3'600);
  if (opts.seconds >= 10)  // the whole day: minutes of wall time in a Debug build
    add_market(out, 1'000, 100, 24 * 3'600);
  spdlog::set_level(level);
  return out;
}

}  // namespace agora::bench

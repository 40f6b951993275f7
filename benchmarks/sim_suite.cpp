// The sim suite of agora-bench (issue 7, docs/SIMULATION.md): the deterministic world's core
// loop in events per second (a ring of actors passing messages and timers, no market code), and
// whole simulated markets' time compression (simulated seconds per wall second) and events per
// second: 100 providers with real and with fast signatures, and the shipped thousand-provider
// day. The references are the targets and the figures FoundationDB and
// TigerBeetle (VOPR) publish for their simulators.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <optional>

#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "core/assert.hpp"
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
sim::scenario market(size_t providers, size_t renters, int64_t duration_s,
                     sim::crypto_kind crypto) {
  sim::scenario s;
  s.name = "bench";
  s.duration_s = duration_s;
  s.crypto = crypto;
  for (size_t i = 0; i < providers; ++i) {
    sim::provider_spec p;
    p.name = "p" + std::to_string(i);
    p.stake_micros = 10'000'000;
    p.price_per_million_micros = int64_t(150'000'000 + 10'000 * (i % 100));
    p.models = {"mock-model"};
    s.providers.push_back(p);
  }
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

/// What a run's outcome says: a run cut short (until_s) is judged by its invariants alone, as
/// the scenario's expectations are about its end.
std::string verdict(const sim::run_report& r, bool cut_short) {
  if (cut_short)
    return r.violations.empty() ? "invariants held (expectations are the whole run's)"
                                : "INVARIANT BROKEN: " + r.violations.front();
  return r.ok() ? "expectations and invariants held" : "EXPECTATION OR INVARIANT FAILED";
}

/// Runs `s` (to `until_s`, default its duration + drain) and adds its compression and events/s.
void add_run(report& out, const sim::scenario& s, const std::string& label,
             std::optional<int64_t> until_s = std::nullopt) {
  const stopwatch clock;
  const sim::run_report r = sim::run_scenario(s, {.until_s = until_s});
  const double wall_s = clock.seconds();
  out.note(label, std::to_string(r.events) + " events, " + std::to_string(r.holds_settled) +
                      " settled, " + std::to_string(wall_s) + " s wall, " +
                      verdict(r, until_s.has_value()));
  out.add({"compression (" + label + ")", r.sim_seconds / wall_s, "x",
           "issue 7 target: >= 8,000x for 1,000 providers/day; VOPR ~700x, FDB ~10x"});
  out.add({"events (" + label + ")", double(r.events) / wall_s, "events/s", ""});
}

void add_market(report& out, size_t providers, size_t renters, int64_t duration_s,
                sim::crypto_kind crypto) {
  const std::string label = std::to_string(providers) + " providers, " + std::to_string(renters) +
                            " renters, " + std::to_string(duration_s / 3'600) + " h + drain, " +
                            sim::to_string(crypto) + " signatures";
  add_run(out, market(providers, renters, duration_s, crypto), label);
}

/// The shipped thousand-provider day (sim/scenarios/thousand_providers_day.json): its first
/// 10 virtual minutes, or with --seconds 10 or more the whole day and its drain.
void add_thousand_providers_day(report& out, const options& opts) {
  auto s = sim::load_scenario(std::string(AGORA_SCENARIO_DIR) + "/thousand_providers_day.json");
  AGORA_ASSERT(s.ok());  // shipped, and tests/sim runs it
  const bool whole = opts.seconds >= 10;
  add_run(out, *s,
          whole ? "thousand_providers_day, 24 h + drain"
                : "thousand_providers_day, first 10 minutes",
          whole ? std::nullopt : std::optional<int64_t>{600});
}

}  // namespace

report run_sim_suite(const options& opts) {
  report out("sim");
  const spdlog::level::level_enum level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // the roles' info lines are not the benchmark's
  add_core_loop(out, opts);
  add_market(out, 100, 10, 3'600, sim::crypto_kind::secp256k1);
  add_market(out, 100, 10, 3'600, sim::crypto_kind::fast);
  add_thousand_providers_day(out, opts);
  spdlog::set_level(level);
  return out;
}

}  // namespace agora::bench

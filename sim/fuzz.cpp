// Random worlds for `agora-sim fuzz` (fuzz.hpp).
#include "sim/fuzz.hpp"

#include "core/assert.hpp"
#include "core/random.hpp"
#include "sim/world.hpp"

namespace agora::sim {

namespace {

/// The draws of one fuzz seed. Every bound is small so a world runs in a fraction of a second.
class drawer {
 public:
  explicit drawer(uint64_t seed) : rng_(derive_seed(seed, "fuzz", 0)) {}

  /// Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t pick(int64_t lo, int64_t hi) {
    AGORA_ASSERT(lo <= hi);
    return lo + static_cast<int64_t>(rng_.uniform(uint64_t(hi - lo + 1)));
  }
  bool chance(uint32_t permille) { return rng_.uniform(1000) < permille; }

 private:
  seeded_random rng_;
};

provider_spec draw_provider(drawer& d, size_t i, int64_t duration_s) {
  provider_spec p;
  p.name = "p" + std::to_string(i);
  p.stake_micros = d.pick(1, 20) * 1'000'000;
  p.price_per_million_micros = d.pick(100, 190) * 1'000'000;
  p.models = {"mock-model"};
  switch (d.pick(0, 9)) {
  case 6: p.lazy_p = double(d.pick(1, 10)) / 10.0; break;
  case 7: p.wrong_result_p = double(d.pick(1, 10)) / 10.0; break;
  case 8: p.fail_after_accept_permille = static_cast<uint32_t>(d.pick(1, 10) * 100); break;
  case 9: {
    const int64_t from = d.pick(0, duration_s - 60);
    p.offline.push_back({from, from + d.pick(60, 3'600)});
    break;
  }
  default: break;  // honest
  }
  return p;
}

renter_spec draw_renter(drawer& d, size_t i) {
  renter_spec r;
  r.name = "r" + std::to_string(i);
  r.deposit_micros = d.pick(1, 10) * 1'000'000;
  r.tasks_per_hour = static_cast<uint32_t>(d.pick(0, 60));
  r.spot_check_permille = d.chance(200) ? static_cast<uint32_t>(d.pick(0, 1000)) : 0;
  r.max_tokens = static_cast<uint32_t>(d.pick(1, 16));
  if (d.chance(300))
    r.price_cap_per_million_micros = d.pick(100, 200) * 1'000'000;
  return r;
}

network_spec draw_network(drawer& d, const fuzz_options& o) {
  network_spec n;
  n.direction = o.both_directions ? fault_direction::both : fault_direction::to_provider;
  if (d.chance(300))
    return n;  // a perfect network
  n.latency = static_cast<latency_distribution>(d.pick(0, 2));
  n.min_ms = d.pick(0, 20);
  n.max_ms = n.min_ms + d.pick(0, 500);
  n.mean_ms = d.pick(1, 100);
  n.loss_permille = static_cast<uint32_t>(d.chance(500) ? d.pick(0, 50) : 0);
  n.duplicate_permille = static_cast<uint32_t>(d.chance(500) ? d.pick(0, 100) : 0);
  n.reorder_permille = static_cast<uint32_t>(d.chance(500) ? d.pick(0, 100) : 0);
  return n;
}

/// A fault inside the workload's duration (so the drain sees the world recover).
fault_spec draw_fault(drawer& d, const scenario& s) {
  fault_spec f;
  f.kind = static_cast<fault_kind>(d.pick(0, 2));
  f.at_s = d.pick(60, s.duration_s - 120);
  f.end_s = std::min(s.duration_s - 60, f.at_s + d.pick(5, 900));
  if (f.end_s <= f.at_s)
    f.end_s = f.at_s + 5;
  if (f.kind == fault_kind::partition && d.chance(500))
    for (const provider_spec& p : s.providers)
      if (d.chance(500))
        f.providers.push_back(p.name);
  if (f.kind == fault_kind::escrow_crash && d.chance(500)) {
    f.mid_settlement = true;  // it may strike late: restart soon enough for the drain
    f.end_s = f.at_s + d.pick(5, 120);
  }
  return f;
}

}  // namespace

scenario random_scenario(uint64_t seed, const fuzz_options& options) {
  drawer d(seed);
  scenario s;
  s.name = "fuzz-" + std::to_string(seed);
  s.description = "a world drawn from seed " + std::to_string(seed);
  s.seed = seed;
  s.duration_s = d.pick(10, 30) * 60;
  const int64_t providers = d.pick(1, 4);
  for (int64_t i = 0; i < providers; ++i)
    s.providers.push_back(draw_provider(d, size_t(i), s.duration_s));
  const int64_t renters = d.pick(1, 2);
  for (int64_t i = 0; i < renters; ++i)
    s.renters.push_back(draw_renter(d, size_t(i)));
  s.network = draw_network(d, options);
  const int64_t faults = d.pick(0, 3);
  for (int64_t i = 0; i < faults; ++i)
    s.faults.push_back(draw_fault(d, s));
  if (d.chance(300))  // clocks off by up to 20 s each: never 60 s apart, so all register
    s.clock_skew.bound_ms = d.pick(1, 20) * 1'000;
  s.expect.money_conserved = true;
  s.expect.holds_closed = true;
  AGORA_ASSERT(!s.providers.empty());
  AGORA_ASSERT(!s.renters.empty());
  return s;
}

fuzz_result fuzz_one(uint64_t seed, const scenario* base, const fuzz_options& options) {
  fuzz_result out;
  out.seed = seed;
  const scenario s = base != nullptr ? *base : random_scenario(seed, options);
  run_options run{.seed = seed};
  if (base == nullptr)
    run.until_s = s.duration_s + fuzz_drain_s;
  out.report = run_scenario(s, run);
  out.ok = out.report.ok();
  return out;
}

std::string last_lines(const std::string& text, size_t n) {
  size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n')
    --at;
  for (size_t i = 0; i < n && at != std::string::npos && at > 0; ++i)
    at = text.rfind('\n', at - 1);
  return at == std::string::npos || at == 0 ? text : text.substr(at + 1);
}

}  // namespace agora::sim

// A simulated market: building it from a scenario, the observers (escrow and arbiter taps,
// workload drivers, the auditor), the run and the expectations (market.hpp).
#include "sim/market.hpp"

#include <cstdio>
#include <map>

#include "actors/arbiter/arbiter.hpp"
#include "actors/common/caf_error.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/renter/renter.hpp"
#include "actors/worker/engine_set.hpp"
#include "actors/worker/mock_model.hpp"
#include "core/assert.hpp"
#include "schemas/envelope.hpp"
#include "sim/fast_signatures.hpp"
#include "sim/inline_engine.hpp"
#include "sim/ledger_watch.hpp"
#include "sim/link.hpp"
#include "sim/lying_engine.hpp"
#include "sim/taps.hpp"
#include "sim/trace.hpp"

namespace agora::sim {

using namespace std::chrono_literals;
using actors::escrow_receipt;
using actors::from_caf_error;
using wire::frame;

namespace {

// -------------------------------------------------------------------------------------------------
// Workload drivers and the auditor

struct driver {
  std::string name;
  renter_spec spec;
  caf::actor renter;
  std::shared_ptr<random_source> rng;
  caf::timespan until;  // no task starts after this (virtual time since the start)
};

/// A task of three random mock-model words for the renter's model, holding its worst case at
/// the renter's cap. A model folder's tokenizer takes any text; its prompt tokens are at most
/// one per byte (byte-level BPE) plus two special tokens.
actors::renter_task make_task(const renter_spec& s, random_source& rng) {
  std::string prompt;
  for (int i = 0; i < 3; ++i)
    prompt += (i ? " " : "") + actors::mock_model::word_of(static_cast<uint32_t>(
                                   rng.uniform(actors::mock_model::vocab_size)));
  const bool mock = s.model == actors::mock_model_id;
  const int64_t prompt_tokens = mock ? 3 : static_cast<int64_t>(prompt.size()) + 2;
  const int64_t tokens = prompt_tokens + int64_t{s.max_tokens};
  const int64_t hold = (tokens * s.price_cap_per_million_micros + 999'999) / 1'000'000;
  AGORA_ASSERT(hold > 0);
  AGORA_ASSERT(!s.model.empty());
  return actors::renter_task{
      s.model, prompt, s.max_tokens, 0.7f, rng.next_u64(), hold, s.price_cap_per_million_micros};
}

/// Schedules the driver's next task: uniform in [0.5, 1.5] of the mean interval, unless it
/// would start after `until`.
void schedule_next(caf::event_based_actor* self, const driver& d, market_state* m) {
  AGORA_ASSERT(d.spec.tasks_per_hour > 0);
  const int64_t mean_ms = 3'600'000 / d.spec.tasks_per_hour;
  const auto next = std::chrono::milliseconds(mean_ms / 2 + int64_t(d.rng->uniform(mean_ms + 1)));
  if (self->clock().now() - m->clock.t0 + next <= d.until)
    self->delayed_send(self, next, actors::tick_atom_v);
}

/// (rent, i): the driver's rental i is due: the renter asks for it; the grant schedules its
/// early end when the scenario says so.
void start_rental(caf::event_based_actor* self, const driver& d, size_t i, market_state* m) {
  const rental_spec& r = d.spec.rentals[i];
  actors::renter_rental ask;
  ask.gpu_count = r.gpus;
  ask.duration_s = static_cast<uint32_t>(r.duration_s);
  ask.price_cap_per_gpu_hour_micros = r.price_cap_per_gpu_hour_micros;
  const std::string who = d.name;
  self->request(d.renter, caf::infinite, actors::rent_atom_v, ask)
      .then(
          [self, m, who, r](const frame& grant) {
            auto g = wire::open(grant.data);
            AGORA_ASSERT(g && g->kind() == wire::message_kind::SessionGrant);
            const wire::SessionGrant* p = g->as<wire::SessionGrant>();
            const wire::id128 session = wire::from_wire(*p->session_id());
            m->log(self, who + " rents " + std::to_string(r.gpus) + " GPU(s) of " +
                             m->name_of(wire::from_wire(*p->provider())) + " for " +
                             std::to_string(r.duration_s) + " s, session " +
                             to_hex(byte_view(session.data(), 4)));
            if (r.end_after_s > 0)
              self->delayed_send(self, std::chrono::seconds(r.end_after_s),
                                 actors::end_session_atom_v, session);
          },
          [self, m, who](const caf::error& e) {
            m->log(self, who + " could not rent: " + from_caf_error(e).message);
          });
}

caf::behavior workload(caf::event_based_actor* self, std::shared_ptr<const driver> d,
                       market_state* m) {
  self->request(d->renter, caf::infinite, actors::deposit_atom_v, d->spec.deposit_micros)
      .then(
          [self, d, m](const escrow_receipt&) {
            if (d->spec.tasks_per_hour > 0)
              schedule_next(self, *d, m);
          },
          [self, d, m](const caf::error& e) {
            m->log(self, d->name + " could not deposit: " + from_caf_error(e).message);
          });
  for (size_t i = 0; i < d->spec.rentals.size(); ++i)
    self->delayed_send(self, std::chrono::seconds(d->spec.rentals[i].at_s), actors::rent_atom_v,
                       uint64_t{i});
  return {
      [self, d, m](actors::tick_atom) {
        const actors::renter_task task = make_task(d->spec, *d->rng);
        ++m->submitted;
        self->request(d->renter, caf::infinite, actors::submit_atom_v, task)
            .then([self, d, m, task](uint64_t n) {
              m->log(self,
                     d->name + " submits task " + std::to_string(n) + " \"" + task.prompt + "\"");
            });
        schedule_next(self, *d, m);
      },
      [self, d, m](actors::rent_atom, uint64_t i) { start_rental(self, *d, i, m); },
      [self, d, m](actors::end_session_atom, const wire::id128& session) {
        m->log(self, d->name + " ends session " + to_hex(byte_view(session.data(), 4)) + " early");
        self->request(d->renter, caf::infinite, actors::end_session_atom_v, session)
            .then([](const escrow_receipt&) {},
                  [self, d, m](const caf::error& e) {
                    m->log(self,
                           d->name + " could not end its session: " + from_caf_error(e).message);
                  });
      },
  };
}

/// (audit, true) to the escrow tap every audit_interval_s: a full audit of every followed
/// account, besides the incremental one behind each request.
caf::behavior audit_loop(caf::event_based_actor* self, caf::actor tap) {
  self->delayed_send(self, std::chrono::seconds(audit_interval_s), audit_atom::value, true);
  return {[self, tap](audit_atom, bool again) {
    self->send(tap, audit_atom::value, true);
    if (again)
      self->delayed_send(self, std::chrono::seconds(audit_interval_s), audit_atom::value, true);
  }};
}

// -------------------------------------------------------------------------------------------------
// Building the market

/// The keys of the market's fixed roles.
struct role_keys {
  private_key escrow;
  private_key relay;
  private_key arbiter;
};

/// (fault, index, starts): fault `index` of the scenario starts (true) or ends.
using fault_atom = caf::atom_constant<caf::atom("fault")>;
/// (restart): the escrow crashed mid-settlement restarts now.
using restart_atom = caf::atom_constant<caf::atom("restart")>;

/// One world and everything in it. The shared state is declared first so that it outlives the
/// world (whose destructor stops the actors that point at it); the signature scheme before it,
/// so that it stays installed until every actor is gone.
struct market_world {
  fast_signatures fast;
  scoped_signature_scheme crypto;
  market_state m;
  world w;
  role_keys keys;
  std::shared_ptr<storage::memory_env> memory = std::make_shared<storage::memory_env>();
  actors::escrow_options escrow_options;  // a restart opens the same store with them
  std::optional<actors::relay_options> relay_options;
  uint64_t relay_restarts = 0;
  caf::actor tap;
  caf::actor relay_front;
  caf::actor auditor;
  caf::actor fault_driver;
  caf::timespan restart_after{0};         // of the armed mid-settlement crash
  std::vector<caf::actor> links;          // per provider, in scenario order
  std::map<std::string, size_t> link_of;  // provider name → index
  std::vector<party_balances> parties;    // providers first, in scenario order, then renters
  std::vector<std::string> options;
  /// Model folders loaded once, shared by the providers and the arbiter that serve them: the
  /// world calls them one request at a time.
  std::map<std::string, std::shared_ptr<inline_engine>> folders;

  market_world(const scenario& s, uint64_t seed);
  /// Stops the actors while everything they point at (links, options, this) still exists.
  ~market_world() { w.stop(); }
  market_world(const market_world&) = delete;
  market_world& operator=(const market_world&) = delete;

  void fault(const fault_spec& f, bool starts);
  void crash_escrow();
  void restart_escrow();

 private:
  private_key key(std::string_view label, uint64_t index) {
    return private_key::generate(*w.random(label, index));
  }
  void add_party(const std::string& name, bool provider, const address& a, int64_t stake);
  void spawn_core(const scenario& s);
  void start_escrow();
  void start_relay();
  frame funding(const private_key& k, int64_t micros, bool stake, uint64_t n);
  std::shared_ptr<actors::engine> folder(const std::string& path);
  std::shared_ptr<actors::engine> arbiter_engine(const scenario& s);
  std::shared_ptr<actors::engine> provider_engine(const provider_spec& p, uint64_t n);
  actors::wall_clock_map skewed(const std::string& who, std::optional<int64_t> explicit_ms,
                                int64_t bound_ms, uint64_t n);
  caf::actor add_link(const provider_spec& p, const network_spec& net, uint64_t n,
                      const address& who);
  void add_provider(const provider_spec& p, const scenario& s, uint64_t n);
  void add_renter(const renter_spec& r, const scenario& s, uint64_t n, caf::timespan until);
  void schedule_faults(const scenario& s);
};

void market_world::add_party(const std::string& name, bool provider, const address& a,
                             int64_t stake) {
  m.names.emplace(a, name);
  m.watch.add_party(a);
  parties.push_back(party_balances{name, provider, a, 0, 0, 0, stake});
}

/// Spawns the escrow over its store (a restart rebuilds from what the store holds).
void market_world::start_escrow() {
  AGORA_ASSERT(m.escrow == nullptr);
  auto e = actors::spawn_escrow(w.system(), escrow_options);
  AGORA_ASSERT(e.ok());  // an in-memory store always opens
  m.escrow = caf::actor_cast<caf::actor>(*e);
  w.keep(m.escrow);
}

/// Spawns the relay; a restart is a new relay with the same key and an empty registry.
void market_world::start_relay() {
  AGORA_ASSERT(m.relay == nullptr);
  relay_options->rng = w.random("relay", relay_restarts);
  m.relay = actors::spawn_relay(w.system(), *relay_options);
  w.keep(m.relay);
}

/// The model folder at `path` on the CPU engine, run inline; loaded on first use.
std::shared_ptr<actors::engine> market_world::folder(const std::string& path) {
  auto it = folders.find(path);
  if (it != folders.end())
    return it->second;
  auto loaded = inline_engine::load_folder(path);
  if (!loaded)
    fprintf(stderr, "agora-sim: model folder %s: %s\n", path.c_str(),
            loaded.error().message.c_str());
  AGORA_ASSERT(loaded.ok());  // parse_scenario found its config.json
  options.push_back("model folder " + path + " serves " + (*loaded)->models().at(0).id);
  return folders.emplace(path, *loaded).first->second;
}

/// What the arbiter re-executes disputed tasks with: mock-model and/or model folders.
std::shared_ptr<actors::engine> market_world::arbiter_engine(const scenario& s) {
  std::vector<std::shared_ptr<actors::engine>> engines;
  if (s.arbiter.mock_model)
    engines.push_back(std::make_shared<actors::mock_model>());
  for (const std::string& f : s.arbiter.folders)
    engines.push_back(folder(f));
  AGORA_ASSERT(!engines.empty());  // parse_scenario: at least one model
  auto set = actors::engine_set::make(std::move(engines));
  AGORA_ASSERT(set.ok());  // parse_scenario: no folder twice
  AGORA_ASSERT(!(*set)->blocks());
  return *set;
}

/// A node's clock: the world's, offset by the explicit skew or one drawn within the bound
/// (`skew` n: 0 relay, 1 escrow, 2 + i provider i, 2 + P + j renter j, 2 + P + R the arbiter,
/// for P providers and R renters).
actors::wall_clock_map market_world::skewed(const std::string& who,
                                            std::optional<int64_t> explicit_ms, int64_t bound_ms,
                                            uint64_t n) {
  AGORA_ASSERT(bound_ms >= 0 && bound_ms <= clock_skew_ms_max);
  int64_t ms = 0;
  if (explicit_ms)
    ms = *explicit_ms;
  else if (bound_ms > 0)
    ms = static_cast<int64_t>(w.random("skew", n)->uniform(uint64_t(2 * bound_ms + 1))) - bound_ms;
  AGORA_ASSERT(ms >= -clock_skew_ms_max && ms <= clock_skew_ms_max);
  actors::wall_clock_map c = w.clock();
  c.epoch += std::chrono::milliseconds(ms);
  if (ms != 0)
    options.push_back("clock of " + who + " skewed by " + std::to_string(ms) + " ms");
  return c;
}

void market_world::spawn_core(const scenario& s) {
  m.names = {{keys.escrow.address(), "escrow"},
             {keys.relay.address(), "relay"},
             {keys.arbiter.address(), "arbiter"}};
  const uint64_t arbiter_skew = 2 + s.providers.size() + s.renters.size();
  auto arbiter = actors::spawn_arbiter(
      w.system(), {keys.arbiter, arbiter_engine(s),
                   skewed("arbiter", std::nullopt, s.clock_skew.bound_ms, arbiter_skew)});
  auto arbiter_front = w.system().spawn(arbiter_tap, arbiter, &m);
  actors::escrow_options& o = escrow_options;
  o.store = {.path = "/escrow", .sync = false, .in_memory = true, .memory = memory};
  o.ledger.escrow = keys.escrow.address();
  o.ledger.protocol_fee_bps = 250;
  o.trusted_relays = {keys.relay.address()};
  o.trusted_arbiters = {keys.arbiter.address()};
  o.clock = skewed("escrow", s.clock_skew.escrow_ms, s.clock_skew.bound_ms, 1);
  o.arbiter = arbiter_front;
  start_escrow();
  tap = w.system().spawn(escrow_tap, &m);
  m.tap = tap;
  relay_options.emplace(actors::relay_options{
      keys.relay, caf::actor_cast<actors::escrow_inbox>(tap),
      skewed("relay", s.clock_skew.relay_ms, s.clock_skew.bound_ms, 0), nullptr});
  start_relay();
  relay_front = w.system().spawn(sim::relay_front, &m);
  auditor = w.system().spawn(audit_loop, tap);
  for (const caf::actor& a :
       {caf::actor_cast<caf::actor>(arbiter), caf::actor_cast<caf::actor>(arbiter_front), tap,
        relay_front, auditor})
    w.keep(a);
  options.push_back("relay " + keys.relay.address().to_string() + " matcher seed " +
                    std::to_string(w.derive("relay", 0)));
}

/// A Deposit (stake = false) or Stake of `micros` signed by `k`, idempotency key from n.
frame market_world::funding(const private_key& k, int64_t micros, bool stake, uint64_t n) {
  wire::id128 id{};
  for (size_t i = 0; i < 8; ++i)
    id[i] = static_cast<uint8_t>(w.derive(stake ? "stake" : "deposit", n) >> (8 * i));
  if (stake) {
    wire::StakeT m;
    m.provider = wire::to_wire(k.address());
    m.amount_micros = micros;
    m.idempotency_key = wire::to_wire(id);
    m.created_unix_s = epoch_unix_s;
    return {wire::message_kind::Stake, wire::seal(m, k)};
  }
  wire::DepositT m;
  m.depositor = wire::to_wire(k.address());
  m.account = wire::to_wire(k.address());
  m.amount_micros = micros;
  m.idempotency_key = wire::to_wire(id);
  m.created_unix_s = epoch_unix_s;
  return {wire::message_kind::Deposit, wire::seal(m, k)};
}

caf::actor market_world::add_link(const provider_spec& p, const network_spec& net, uint64_t n,
                                  const address& who) {
  market_state* ms = &m;
  link_observer observer;
  observer.log = [ms, this](const std::string& what) { ms->events.add(w.elapsed(), what); };
  observer.on_fault = [ms, this, who] { ms->providers[who].last_link_fault = w.elapsed(); };
  observer.on_down = [ms, this, who](bool down) {
    provider_record& rec = ms->providers[who];
    if (down) {
      rec.down_since = w.elapsed();
    } else {
      rec.down_longest = std::max(rec.down_longest, w.elapsed() - rec.down_since);
      rec.down_since = caf::timespan{-1};
    }
  };
  observer.on_registered = [ms, who] { ++ms->providers[who].registrations; };
  link_config config{p.name, net, p.offline, p.fail_after_accept_permille};
  const caf::actor link =
      spawn_link(w.system(), std::move(config), caf::actor_cast<caf::actor>(m.relay),
                 w.random("link", n), w.clock().t0, std::move(observer));
  w.keep(link);
  links.push_back(link);
  link_of.emplace(p.name, n);
  return link;
}

/// The provider's engine: mock-model or its model folder, behind a lying_engine when its
/// behaviour is wrong_result or lazy.
std::shared_ptr<actors::engine> market_world::provider_engine(const provider_spec& p, uint64_t n) {
  AGORA_ASSERT(!(p.wrong_result_p > 0 && p.lazy_p > 0));  // one behaviour each
  std::shared_ptr<actors::engine> honest =
      p.model_folder.empty() ? std::make_shared<actors::mock_model>() : folder(p.model_folder);
  const auto permille = [](double q) { return static_cast<uint32_t>(q * 1000 + 0.5); };
  if (p.wrong_result_p > 0)
    return std::make_shared<lying_engine>(honest, lie_kind::wrong_first_token,
                                          permille(p.wrong_result_p), w.random("lies", n));
  if (p.lazy_p > 0)
    return std::make_shared<lying_engine>(honest, lie_kind::lazy_junk, permille(p.lazy_p),
                                          w.random("lies", n));
  return honest;
}

void market_world::add_provider(const provider_spec& p, const scenario& s, uint64_t n) {
  const private_key k = key("key/provider", n);
  add_party(p.name, true, k.address(), p.stake_micros);
  m.providers[k.address()].misbehaves =
      p.wrong_result_p > 0 || p.lazy_p > 0 || p.fail_after_accept_permille > 0;
  auto bank = w.system().spawn([this, k, p, n](caf::event_based_actor* self) {
    self->send(tap, funding(k, p.stake_micros, false, n));
    self->send(tap, funding(k, p.stake_micros, true, n));
  });
  w.keep(bank);
  w.run_ready();
  const caf::actor link = add_link(p, s.network, n, k.address());
  wire::GpuInfoT gpu;
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.vram_bytes = uint64_t{80} << 30;
  gpu.count = 1;
  // Each provider has its own store, as on its own host: a reassigned task reaches a second
  // provider under the same task id, which a shared log would take for a replay. Its own
  // memory env too: RocksDB's in-memory file system scans every file it holds on each open,
  // so a thousand stores in one env made building the world quadratic (providers never
  // restart, so nothing else needs to see their files).
  auto log = storage::store::open({.path = "/provider-" + std::to_string(n),
                                   .sync = false,
                                   .in_memory = true,
                                   .memory = std::make_shared<storage::memory_env>()});
  AGORA_ASSERT(log.ok());
  const caf::timespan token_time = p.lazy_p > 0 ? lazy_token_time : honest_token_time;
  actors::provider_options o{k,
                             keys.relay.address(),
                             caf::actor_cast<actors::frame_sink>(link),
                             skewed(p.name, p.clock_skew_ms, s.clock_skew.bound_ms, 2 + n),
                             w.random("provider", n),
                             std::move(*log),
                             provider_engine(p, n),
                             {.queue_max = 4, .token_time = token_time},
                             {gpu},
                             "eu-west",
                             p.price_per_million_micros,
                             2'000'000,
                             4};
  w.keep(actors::spawn_provider(w.system(), std::move(o)));
  options.push_back("provider " + p.name + " " + k.address().to_string() + " model " +
                    p.models.at(0) + " stake " + std::to_string(p.stake_micros) + " price " +
                    std::to_string(p.price_per_million_micros) + " wrong_result " +
                    std::to_string(p.wrong_result_p) + " lazy " + std::to_string(p.lazy_p) +
                    " fail_after_accept_permille " + std::to_string(p.fail_after_accept_permille) +
                    " seeds " + std::to_string(w.derive("provider", n)) + "/" +
                    std::to_string(w.derive("lies", n)) + "/" +
                    std::to_string(w.derive("link", n)));
}

void market_world::add_renter(const renter_spec& r, const scenario& s, uint64_t n,
                              caf::timespan until) {
  const private_key k = key("key/renter", n);
  add_party(r.name, false, k.address(), 0);
  actors::renter_options o{
      k,
      caf::actor_cast<actors::escrow_inbox>(tap),
      relay_front,
      skewed(r.name, std::nullopt, s.clock_skew.bound_ms, 2 + s.providers.size() + n),
      w.random("renter", n),
      r.spot_check_permille};
  const caf::actor renter = actors::spawn_renter(w.system(), std::move(o));
  w.keep(renter);
  auto d =
      std::make_shared<const driver>(driver{r.name, r, renter, w.random("workload", n), until});
  w.keep(w.system().spawn(workload, d, &m));
  options.push_back(
      "renter " + r.name + " " + k.address().to_string() + " deposit " +
      std::to_string(r.deposit_micros) + " tasks/h " + std::to_string(r.tasks_per_hour) +
      " spot-check permille " + std::to_string(r.spot_check_permille) + " seeds " +
      std::to_string(w.derive("renter", n)) + "/" + std::to_string(w.derive("workload", n)));
}

// -------------------------------------------------------------------------------------------------
// Faults with times

void market_world::fault(const fault_spec& f, bool starts) {
  const auto log = [this](const std::string& what) { m.events.add(w.elapsed(), what); };
  switch (f.kind) {
  case fault_kind::partition:
    for (size_t i = 0; i < links.size(); ++i) {
      const bool named = f.providers.empty() || std::find(f.providers.begin(), f.providers.end(),
                                                          parties[i].name) != f.providers.end();
      if (named)
        caf::anon_send(links[i], partition_atom::value, starts);
    }
    return;
  case fault_kind::relay_crash:
    if (starts == (m.relay == nullptr))
      return;  // overlapping crashes: the relay is already down, or already up again
    if (starts) {
      log("relay crashes (its registry and tasks are lost)");
      caf::anon_send_exit(m.relay, caf::exit_reason::kill);
      m.relay = nullptr;
      for (const caf::actor& l : links)
        caf::anon_send(l, relay_down_atom::value);
      return;
    }
    ++relay_restarts;
    start_relay();
    log("relay restarts");
    for (const caf::actor& l : links)
      caf::anon_send(l, relay_up_atom::value, caf::actor_cast<caf::actor>(m.relay));
    return;
  case fault_kind::escrow_crash:
    if (f.mid_settlement) {
      if (!starts || m.escrow == nullptr)
        return;  // armed until the next Settle, however late; the restart follows the crash
      m.crash_armed = true;
      restart_after = std::chrono::seconds(f.end_s - f.at_s);
      log("escrow crash armed: it strikes after the next settlement executes");
      return;
    }
    if (starts) {  // right after one last audit, whose balances the restart must show again
      if (m.escrow != nullptr) {  // else overlapping crashes: it is down already
        m.crash_after_audit = true;
        caf::anon_send(tap, precrash_atom::value);
      }
      return;
    }
    m.crash_after_audit = false;  // a crash whose audit did not complete in time never comes
    if (m.escrow == nullptr)
      restart_escrow();
    return;
  }
}

void market_world::crash_escrow() {
  AGORA_ASSERT(m.escrow != nullptr);
  m.events.add(w.elapsed(), "escrow crashes (its memory is lost, its store stays)");
  caf::anon_send_exit(m.escrow, caf::exit_reason::kill);
  m.escrow = nullptr;
  m.incremental_in_flight = false;  // the batch in flight fails
}

void market_world::restart_escrow() {
  m.crash_after_audit = false;  // a crash that never came (its audit did not complete)
  start_escrow();
  m.restart_check = m.watch.tracking_touches();
  m.events.add(w.elapsed(), "escrow restarts from its store");
  caf::anon_send(tap, audit_atom::value, true);
  for (const frame& f : m.resend)
    caf::anon_send(tap, f);  // a retrying client: must be a duplicate now
  m.resend.clear();
}

/// (fault, i, starts) at each fault's start and end, to a driver that calls fault().
void market_world::schedule_faults(const scenario& s) {
  if (s.faults.empty())
    return;
  std::vector<fault_spec> faults = s.faults;
  auto driver = w.system().spawn([this, faults](caf::event_based_actor* self) -> caf::behavior {
    for (size_t i = 0; i < faults.size(); ++i) {
      self->delayed_send(self, std::chrono::seconds(faults[i].at_s), fault_atom::value, uint64_t{i},
                         true);
      self->delayed_send(self, std::chrono::seconds(faults[i].end_s), fault_atom::value,
                         uint64_t{i}, false);
    }
    return {
        [this, faults](fault_atom, uint64_t i, bool starts) { fault(faults[i], starts); },
        [this](restart_atom) {
          if (m.escrow == nullptr)
            restart_escrow();
        },
    };
  });
  w.keep(driver);
  fault_driver = driver;
  m.crash_escrow = [this](bool restart_later) {
    crash_escrow();
    if (restart_later)  // a mid-settlement crash; a timed one restarts at its fault's end
      caf::delayed_anon_send(fault_driver, restart_after, restart_atom::value);
  };
  for (const fault_spec& f : s.faults)
    options.push_back(
        std::string("fault ") + to_string(f.kind) + " " + std::to_string(f.at_s) + " s .. " +
        std::to_string(f.end_s) + " s" +
        (f.providers.empty() ? "" : " (" + std::to_string(f.providers.size()) + " providers)"));
}

market_world::market_world(const scenario& s, uint64_t seed)
    : crypto(s.crypto == crypto_kind::fast ? &fast : nullptr),
      w(seed), keys{key("key/escrow", 0), key("key/relay", 0), key("key/arbiter", 0)} {
  m.clock = w.clock();
  options.push_back("seed " + std::to_string(seed));
  options.push_back(std::string("signatures ") + to_string(s.crypto));
  const network_spec& n = s.network;
  options.push_back(std::string("network latency ") + to_string(n.latency) + " " +
                    std::to_string(n.min_ms) + ".." + std::to_string(n.max_ms) + " ms mean " +
                    std::to_string(n.mean_ms) + " ms, loss " + std::to_string(n.loss_permille) +
                    "‰, duplicate " + std::to_string(n.duplicate_permille) + "‰, reorder " +
                    std::to_string(n.reorder_permille) + "‰ (" + to_string(n.direction) +
                    "), register timeout " + std::to_string(n.register_timeout_s) + " s");
  spawn_core(s);
  w.run_ready();
  for (size_t i = 0; i < s.providers.size(); ++i)
    add_provider(s.providers[i], s, i);
  const caf::timespan until = std::chrono::seconds(s.duration_s);
  for (size_t i = 0; i < s.renters.size(); ++i)
    add_renter(s.renters[i], s, i, until);
  schedule_faults(s);
  AGORA_ASSERT(parties.size() == s.providers.size() + s.renters.size());
  AGORA_ASSERT(links.size() == s.providers.size());
}

// -------------------------------------------------------------------------------------------------
// The report and the expectations

/// Fills the balances of the report from the last complete audit.
void fill_balances(const market_world& mw, run_report& r) {
  std::map<escrow::account_key, int64_t> read;
  for (size_t i = 0; i < mw.m.audited_keys.size(); ++i)
    read[mw.m.audited_keys[i]] = mw.m.audited[i];
  const auto at = [&read](const escrow::account_key& k) {
    auto it = read.find(k);
    return it == read.end() ? int64_t{0} : it->second;
  };
  r.external = at(escrow::external_account());
  r.slashed = at(escrow::slashed_account());
  r.protocol_fee = at(escrow::protocol_fee_account());
  r.parties = mw.parties;
  for (party_balances& p : r.parties) {
    p.balance = at(escrow::renter_balance(p.owner));
    p.earnings = at(escrow::provider_earnings(p.owner));
    p.stake = at(escrow::provider_stake(p.owner));
    const auto rec = mw.m.providers.find(p.owner);
    p.registrations = rec == mw.m.providers.end() ? 0 : rec->second.registrations;
  }
}

const party_balances& party(const run_report& r, const std::string& name) {
  for (const party_balances& p : r.parties)
    if (p.name == name)
      return p;
  AGORA_ASSERT(false);  // parse_scenario checked every name
  return r.parties.front();
}

std::string bound_name(const balance_bound& b) {
  std::string out = b.party + " " + to_string(b.account);
  if (b.min)
    out += " >= " + std::to_string(*b.min);
  if (b.min && b.max)
    out += " and";
  if (b.max)
    out += " <= " + std::to_string(*b.max);
  return out;
}

void check_expectations(const scenario& s, run_report& r) {
  const expectations& e = s.expect;
  if (e.money_conserved) {
    const bool broken = std::any_of(r.violations.begin(), r.violations.end(),
                                    [](const std::string& v) { return v.starts_with("money"); });
    r.expectations.push_back(
        {"money conserved", !broken && r.audits > 0, std::to_string(r.audits) + " audits"});
  }
  if (e.holds_closed)
    r.expectations.push_back({"every hold settled or refunded", r.open_holds == 0,
                              std::to_string(r.open_holds) + " holds or bonds still open"});
  if (e.tasks_settled_min)
    r.expectations.push_back({"tasks settled >= " + std::to_string(*e.tasks_settled_min),
                              r.holds_settled >= *e.tasks_settled_min,
                              std::to_string(r.holds_settled) + " settled"});
  for (const slash_expectation& x : e.slashed) {
    const party_balances& p = party(r, x.provider);
    const bool slashed = p.stake < p.stake_initial;
    r.expectations.push_back(
        {x.provider + (x.slashed ? " slashed" : " not slashed"), slashed == x.slashed,
         "stake " + std::to_string(p.stake_initial) + " -> " + std::to_string(p.stake)});
  }
  for (const registered_expectation& x : e.registered) {
    const party_balances& p = party(r, x.provider);
    r.expectations.push_back({x.provider + (x.registered ? " registered" : " never registered"),
                              (p.registrations > 0) == x.registered,
                              std::to_string(p.registrations) + " registrations accepted"});
  }
  for (const balance_bound& b : e.balances) {
    const party_balances& p = party(r, b.party);
    const int64_t v = b.account == account_name::balance    ? p.balance
                      : b.account == account_name::earnings ? p.earnings
                                                            : p.stake;
    r.expectations.push_back(
        {bound_name(b), (!b.min || v >= *b.min) && (!b.max || v <= *b.max), std::to_string(v)});
  }
}

}  // namespace

bool run_report::ok() const {
  return violations.empty() && std::all_of(expectations.begin(), expectations.end(),
                                           [](const expectation_result& e) { return e.pass; });
}

run_report run_scenario(const scenario& s, const run_options& options) {
  AGORA_ASSERT(s.duration_s > 0);
  run_report r;
  r.seed = options.seed.value_or(s.seed);
  market_world mw(s, r.seed);
  mw.m.TEST_settle_twice = options.TEST_settle_twice;
  mw.m.TEST_replay_executes = options.TEST_replay_executes;
  mw.m.TEST_phantom_micros = options.TEST_phantom_micros;
  const int64_t horizon_s = options.until_s.value_or(s.duration_s + drain_s);
  // The invariants, after every event: the watch records a violation at the event that
  // revealed it (an escrow answer, an audit's last balance), and the world stops there.
  r.stop = mw.w.run_until(std::chrono::seconds(horizon_s), options.events_max,
                          [&mw] { return mw.m.watch.violations().empty(); });
  r.stopped_at = mw.w.elapsed();
  if (r.stop != stop_reason::stopped) {
    caf::anon_send(mw.auditor, audit_atom::value, false);  // the final balances
    mw.w.run_ready();
  }
  r.slashes = mw.m.slashes;
  r.restart_compared = mw.m.restart_compared;
  r.open_holds = mw.m.watch.open_accounts();
  fill_balances(mw, r);
  r.options = mw.options;
  r.events = mw.w.events();
  r.sim_seconds = std::chrono::duration<double>(mw.w.elapsed()).count();
  r.tasks_submitted = mw.m.submitted;
  r.holds_settled = mw.m.watch.settled();
  r.holds_refunded = mw.m.watch.refunded();
  r.disputes = mw.m.disputes;
  r.audits = mw.m.watch.audits();
  r.violations = mw.m.watch.violations();
  r.trace_text = mw.m.events.text();
  r.trace_hash = mw.m.events.hash_hex();
  check_expectations(s, r);
  return r;
}

}  // namespace agora::sim

// A simulated market: building it from a scenario, the observers (escrow and arbiter taps,
// workload drivers, the auditor), the run and the expectations (market.hpp).
#include "sim/market.hpp"

#include <map>

#include "actors/arbiter/arbiter.hpp"
#include "actors/common/caf_error.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/renter/renter.hpp"
#include "core/assert.hpp"
#include "schemas/envelope.hpp"
#include "sim/ledger_watch.hpp"
#include "sim/lying_engine.hpp"
#include "sim/trace.hpp"

namespace agora::sim {

using namespace std::chrono_literals;
using actors::escrow_receipt;
using actors::from_caf_error;
using wire::frame;

namespace {

using audit_atom = caf::atom_constant<caf::atom("audit")>;

/// What the observers share. Single-threaded: the world runs one message at a time.
struct market_state {
  actors::wall_clock_map clock;
  trace events;
  ledger_watch watch;
  std::map<address, std::string> names;
  bool TEST_settle_twice = false;  // run_options::TEST_settle_twice
  uint64_t submitted = 0;
  uint64_t disputes = 0;
  std::vector<escrow::account_key> audited_keys;  // of the last complete audit
  std::vector<int64_t> audited;

  void log(caf::local_actor* self, const std::string& what) {
    events.add(self->clock().now() - clock.t0, what);
  }
  std::string name_of(const address& a) const {
    auto it = names.find(a);
    return it == names.end() ? a.to_string().substr(0, 10) : it->second;
  }
};

std::string short_id(const wire::id128& id) {
  return to_hex(byte_view(id.data(), 4));
}

// -------------------------------------------------------------------------------------------------
// The escrow tap: every request of the relay and the renters passes it.

/// Describes an escrow request for the trace and tells the watch about holds and bonds before
/// the escrow executes them. Sets *finishes to the hold a Settle or Refund finishes.
std::string on_escrow_request(market_state& m, const wire::opened_envelope& e,
                              std::optional<std::pair<wire::id128, bool>>* finishes) {
  std::string text = wire::kind_name(e.kind()) + " by " + m.name_of(e.signer());
  switch (e.kind()) {
  case wire::message_kind::Hold: {
    const auto* h = e.as<wire::Hold>();
    const wire::id128 id = wire::from_wire(*h->hold_id());
    m.watch.on_hold_requested(wire::from_wire(*h->renter()), id);
    return text + " hold " + short_id(id) + " " + std::to_string(h->amount_micros());
  }
  case wire::message_kind::Settle: {
    const wire::id128 id = wire::from_wire(*e.as<wire::Settle>()->hold_id());
    *finishes = std::pair{id, true};
    return text + " hold " + short_id(id);
  }
  case wire::message_kind::Refund: {
    const wire::id128 id = wire::from_wire(*e.as<wire::Refund>()->hold_id());
    *finishes = std::pair{id, false};
    return text + " hold " + short_id(id);
  }
  case wire::message_kind::Dispute: {
    const auto* d = e.as<wire::Dispute>();
    m.watch.on_dispute_requested(wire::from_wire(*d->renter()), wire::from_wire(*d->dispute_id()));
    ++m.disputes;
    return text + " against " + m.name_of(wire::from_wire(*d->provider()));
  }
  case wire::message_kind::Slash: {
    const auto* s = e.as<wire::Slash>();
    return text + " " + m.name_of(wire::from_wire(*s->provider())) + " " +
           wire::EnumNameSlashReason(s->reason());
  }
  default: return text;
  }
}

/// TEST_settle_twice: sends the escrow a Settle it was just sent again; the watch sees the
/// answer like any other (an executed second settlement is a violation).
void replay_settle(actors::escrow_inbox::pointer self, const actors::escrow_inbox& target,
                   market_state* m, const frame& f, const std::string& what,
                   const wire::id128& hold_id) {
  self->request(target, caf::infinite, f)
      .then(
          [self, m, what, hold_id](const escrow_receipt& r) {
            m->watch.on_hold_finished(hold_id, true, r);
            m->log(self, "escrow -> replayed " + what + ": seq " + std::to_string(r.sequence) +
                             (r.duplicate ? " (duplicate)" : ""));
          },
          [self, m, what](const caf::error& e) {
            m->log(self, "escrow -> replayed " + what + ": refused: " + from_caf_error(e).message);
          });
}

actors::escrow_inbox::behavior_type escrow_tap(actors::escrow_inbox::pointer self,
                                               actors::escrow_inbox target, market_state* m) {
  return {[self, target, m](const frame& f) -> caf::result<escrow_receipt> {
    auto opened = wire::open(f.data);
    std::optional<std::pair<wire::id128, bool>> finishes;
    const std::string what = opened ? on_escrow_request(*m, *opened, &finishes)
                                    : wire::kind_name(f.kind) + " that does not open";
    m->log(self, "escrow <- " + what);
    auto rp = self->make_response_promise<escrow_receipt>();
    self->request(target, caf::infinite, f)
        .then(
            [self, m, what, finishes, rp](const escrow_receipt& r) mutable {
              if (finishes)
                m->watch.on_hold_finished(finishes->first, finishes->second, r);
              m->log(self, "escrow -> " + what + ": seq " + std::to_string(r.sequence) +
                               (r.duplicate ? " (duplicate)" : ""));
              rp.deliver(r);
            },
            [self, m, what, rp](caf::error& e) mutable {
              m->log(self, "escrow -> " + what + ": refused: " + from_caf_error(e).message);
              rp.deliver(std::move(e));
            });
    if (m->TEST_settle_twice && finishes && finishes->second)
      replay_settle(self, target, m, f, what, finishes->first);
    return rp;
  }};
}

// -------------------------------------------------------------------------------------------------
// The arbiter tap: every Dispute the escrow sends and the Verdict that comes back.

actors::arbiter_inbox::behavior_type arbiter_tap(actors::arbiter_inbox::pointer self,
                                                 actors::arbiter_inbox target, market_state* m) {
  return {[self, target, m](actors::arbitrate_atom, const frame& f) -> caf::result<frame> {
    auto rp = self->make_response_promise<frame>();
    self->request(target, caf::infinite, actors::arbitrate_atom_v, f)
        .then(
            [self, m, rp](const frame& verdict) mutable {
              auto v = wire::open(verdict.data);
              AGORA_ASSERT(v && v->kind() == wire::message_kind::Verdict);
              const auto* p = v->as<wire::Verdict>();
              m->log(self, std::string("arbiter: ") + wire::EnumNameVerdictOutcome(p->outcome()) +
                               " for " + m->name_of(wire::from_wire(*p->provider())));
              rp.deliver(verdict);
            },
            [self, m, rp](caf::error& e) mutable {
              m->log(self, "arbiter: no verdict: " + from_caf_error(e).message);
              rp.deliver(std::move(e));
            });
    return rp;
  }};
}

// -------------------------------------------------------------------------------------------------
// Provider links: everything between a provider and the relay passes its link, which drops every
// frame, both ways, inside the provider's offline windows.

using offline_atom = caf::atom_constant<caf::atom("offline")>;

struct link_state {
  std::string name;
  caf::actor relay;
  actors::frame_sink provider;  // the sender of the first frame that is not the relay's
  bool offline = false;
  uint64_t dropped = 0;
};

caf::behavior provider_link(caf::event_based_actor* self, std::shared_ptr<link_state> l,
                            const std::vector<offline_window>& windows, market_state* m) {
  for (const offline_window& w : windows) {
    self->delayed_send(self, std::chrono::seconds(w.from_s), offline_atom::value, true);
    self->delayed_send(self, std::chrono::seconds(w.to_s), offline_atom::value, false);
  }
  return {
      [self, l](const frame& f) {
        const bool from_relay =
            self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(l->relay);
        if (!from_relay)
          l->provider = caf::actor_cast<actors::frame_sink>(self->current_sender());
        if (l->offline) {
          ++l->dropped;
          return;
        }
        AGORA_ASSERT(l->provider != nullptr);  // the provider speaks first (Register)
        if (from_relay)
          self->send(l->provider, f);
        else
          self->send(l->relay, f);
      },
      [self, l, m](offline_atom, bool offline) {
        AGORA_ASSERT(l->offline != offline);  // windows do not overlap
        l->offline = offline;
        m->log(self, l->name + (offline ? " goes offline"
                                        : " is back online (" + std::to_string(l->dropped) +
                                              " frames dropped so far)"));
      },
  };
}

// -------------------------------------------------------------------------------------------------
// Workload drivers and the auditor

struct driver {
  std::string name;
  renter_spec spec;
  caf::actor renter;
  std::shared_ptr<random_source> rng;
  caf::timespan until;  // no task starts after this (virtual time since the start)
};

/// A mock-model task of three random words, holding its worst case at the renter's cap.
actors::renter_task make_task(const renter_spec& s, random_source& rng) {
  std::string prompt;
  for (int i = 0; i < 3; ++i)
    prompt += (i ? " " : "") + actors::mock_model::word_of(static_cast<uint32_t>(
                                   rng.uniform(actors::mock_model::vocab_size)));
  const int64_t tokens = 3 + int64_t{s.max_tokens};
  const int64_t hold = (tokens * s.price_cap_per_million_micros + 999'999) / 1'000'000;
  AGORA_ASSERT(hold > 0);
  return actors::renter_task{
      std::string(actors::mock_model_id), prompt, s.max_tokens, 0.7f, rng.next_u64(), hold,
      s.price_cap_per_million_micros};
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
  return {[self, d, m](actors::tick_atom) {
    const actors::renter_task task = make_task(d->spec, *d->rng);
    ++m->submitted;
    self->request(d->renter, caf::infinite, actors::submit_atom_v, task)
        .then([self, d, m, task](uint64_t n) {
          m->log(self, d->name + " submits task " + std::to_string(n) + " \"" + task.prompt + "\"");
        });
    schedule_next(self, *d, m);
  }};
}

struct audit_batch {
  std::vector<escrow::account_key> keys;
  std::vector<int64_t> balances;
  size_t waiting = 0;
};

/// Reads every audited account in one batch: the requests reach the escrow's mailbox together
/// and it drains its mailbox before anything else runs, so the balances are one snapshot.
void start_audit(caf::event_based_actor* self, const actors::escrow_actor& escrow,
                 market_state* m) {
  auto batch = std::make_shared<audit_batch>();
  batch->keys = m->watch.audit_keys();
  batch->balances.assign(batch->keys.size(), 0);
  batch->waiting = batch->keys.size();
  for (size_t i = 0; i < batch->keys.size(); ++i) {
    self->request(escrow, caf::infinite, actors::balance_atom_v,
                  actors::balance_query::of(batch->keys[i]))
        .then([self, m, batch, i](int64_t micros) {
          batch->balances[i] = micros;
          AGORA_ASSERT(batch->waiting > 0);
          if (--batch->waiting > 0)
            return;
          const int64_t sum = m->watch.on_audit(batch->balances);
          if (sum != 0 || batch->keys.size() != m->audited_keys.size())  // news only
            m->log(self, "audit: " + std::to_string(batch->keys.size()) + " accounts sum to " +
                             std::to_string(sum));
          m->audited_keys = std::move(batch->keys);
          m->audited = std::move(batch->balances);
        });
  }
}

/// (audit, again): audits now, and again audit_interval_s later if `again`.
caf::behavior audit_loop(caf::event_based_actor* self, actors::escrow_actor escrow,
                         market_state* m) {
  self->delayed_send(self, std::chrono::seconds(audit_interval_s), audit_atom::value, true);
  return {[self, escrow, m](audit_atom, bool again) {
    start_audit(self, escrow, m);
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

/// One world and everything in it. The shared state is declared first so that it outlives the
/// world (whose destructor stops the actors that point at it).
struct market_world {
  market_state m;
  world w;
  role_keys keys;
  std::shared_ptr<storage::memory_env> memory = std::make_shared<storage::memory_env>();
  actors::escrow_actor escrow;
  actors::escrow_inbox tap;
  caf::actor relay;
  caf::actor auditor;
  std::vector<party_balances> parties;  // providers first, in scenario order, then renters
  std::vector<std::string> options;

  market_world(const scenario& s, uint64_t seed);

 private:
  private_key key(std::string_view label, uint64_t index) {
    return private_key::generate(*w.random(label, index));
  }
  void add_party(const std::string& name, bool provider, const address& a, int64_t stake);
  void spawn_core();
  frame funding(const private_key& k, int64_t micros, bool stake, uint64_t n);
  void add_provider(const provider_spec& p, uint64_t n);
  void add_renter(const renter_spec& r, uint64_t n, caf::timespan until);
};

void market_world::add_party(const std::string& name, bool provider, const address& a,
                             int64_t stake) {
  m.names.emplace(a, name);
  m.watch.add_party(a);
  parties.push_back(party_balances{name, provider, a, 0, 0, 0, stake});
}

void market_world::spawn_core() {
  m.names = {{keys.escrow.address(), "escrow"},
             {keys.relay.address(), "relay"},
             {keys.arbiter.address(), "arbiter"}};
  auto arbiter = actors::spawn_arbiter(
      w.system(), {keys.arbiter, std::make_shared<actors::mock_model>(), w.clock()});
  auto arbiter_front = w.system().spawn(arbiter_tap, arbiter, &m);
  actors::escrow_options o;
  o.store = {.path = "/escrow", .sync = false, .in_memory = true, .memory = memory};
  o.ledger.escrow = keys.escrow.address();
  o.ledger.protocol_fee_bps = 250;
  o.trusted_relays = {keys.relay.address()};
  o.trusted_arbiters = {keys.arbiter.address()};
  o.clock = w.clock();
  o.arbiter = arbiter_front;
  auto e = actors::spawn_escrow(w.system(), std::move(o));
  AGORA_ASSERT(e.ok());  // an in-memory store always opens
  escrow = *e;
  tap = w.system().spawn(escrow_tap, actors::escrow_inbox{escrow}, &m);
  relay = caf::actor_cast<caf::actor>(actors::spawn_relay(
      w.system(), actors::relay_options{keys.relay, tap, w.clock(), w.random("relay", 0)}));
  auditor = w.system().spawn(audit_loop, escrow, &m);
  w.keep(arbiter);
  w.keep(arbiter_front);
  w.keep(escrow);
  w.keep(tap);
  w.keep(relay);
  w.keep(auditor);
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

void market_world::add_provider(const provider_spec& p, uint64_t n) {
  const private_key k = key("key/provider", n);
  add_party(p.name, true, k.address(), p.stake_micros);
  auto bank = w.system().spawn([this, k, p, n](caf::event_based_actor* self) {
    self->send(tap, funding(k, p.stake_micros, false, n));
    self->send(tap, funding(k, p.stake_micros, true, n));
  });
  w.keep(bank);
  w.run_ready();
  auto l = std::make_shared<link_state>(link_state{p.name, relay, {}, false, 0});
  const caf::actor link = w.system().spawn(provider_link, l, p.offline, &m);
  w.keep(link);
  std::shared_ptr<actors::engine> backend = std::make_shared<actors::mock_model>();
  if (p.wrong_result_p > 0)
    backend = std::make_shared<lying_engine>(static_cast<uint32_t>(p.wrong_result_p * 1000 + 0.5),
                                             w.random("lies", n));
  wire::GpuInfoT gpu;
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.vram_bytes = uint64_t{80} << 30;
  gpu.count = 1;
  const storage::store_options store{
      .path = "/provider-" + std::to_string(n), .sync = false, .in_memory = true, .memory = memory};
  auto log = storage::store::open(store);
  AGORA_ASSERT(log.ok());
  actors::provider_options o{k,
                             keys.relay.address(),
                             caf::actor_cast<actors::frame_sink>(link),
                             w.clock(),
                             w.random("provider", n),
                             std::move(*log),
                             std::move(backend),
                             {.queue_max = 4, .token_time = 100ms},
                             {gpu},
                             "eu-west",
                             p.price_per_million_micros,
                             2'000'000,
                             4};
  w.keep(actors::spawn_provider(w.system(), std::move(o)));
  options.push_back(
      "provider " + p.name + " " + k.address().to_string() + " stake " +
      std::to_string(p.stake_micros) + " price " + std::to_string(p.price_per_million_micros) +
      " wrong_result " + std::to_string(p.wrong_result_p) + " seeds " +
      std::to_string(w.derive("provider", n)) + "/" + std::to_string(w.derive("lies", n)));
}

void market_world::add_renter(const renter_spec& r, uint64_t n, caf::timespan until) {
  const private_key k = key("key/renter", n);
  add_party(r.name, false, k.address(), 0);
  actors::renter_options o{k, tap, relay, w.clock(), w.random("renter", n), r.spot_check_permille};
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

market_world::market_world(const scenario& s, uint64_t seed)
    : w(seed), keys{key("key/escrow", 0), key("key/relay", 0), key("key/arbiter", 0)} {
  m.clock = w.clock();
  options.push_back("seed " + std::to_string(seed));
  spawn_core();
  w.run_ready();
  for (size_t i = 0; i < s.providers.size(); ++i)
    add_provider(s.providers[i], i);
  const caf::timespan until = std::chrono::seconds(s.duration_s);
  for (size_t i = 0; i < s.renters.size(); ++i)
    add_renter(s.renters[i], i, until);
  AGORA_ASSERT(parties.size() == s.providers.size() + s.renters.size());
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
  const int64_t horizon_s = options.until_s.value_or(s.duration_s + drain_s);
  r.stop = mw.w.run_until(std::chrono::seconds(horizon_s), options.events_max,
                          [&mw] { return mw.m.watch.violations().empty(); });
  caf::anon_send(mw.auditor, audit_atom::value, false);  // the final balances
  mw.w.run_ready();
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

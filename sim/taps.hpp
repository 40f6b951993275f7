// The observers of a simulated market (private to sim/, docs/SIMULATION.md "Trace" and
// "Invariants"): the escrow tap in front of the escrow (every request of the relay and the
// renters passes it; it marks what each can touch and audits right behind it), the arbiter tap,
// the relay front through which renters reach whichever relay is up, and the state they share.
// Crashed roles are null handles here: the taps answer for them as a dead socket would.
#pragma once

#include <caf/all.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/relay/relay_actor.hpp"
#include "sim/ledger_watch.hpp"
#include "sim/trace.hpp"

namespace agora::sim {

/// What a provider did that may earn it a slash (the invariant "slashed only for something it
/// did"): its behaviour, and when its link last lost or withheld one of its frames.
struct provider_record {
  bool misbehaves = false;  // wrong_result, lazy or fail_after_accept
  caf::timespan last_link_fault{-1};
  caf::timespan down_since{-1};  // offline or partitioned since (virtual time); -1: up
  caf::timespan down_longest{0};
  uint64_t registrations = 0;  // Registered frames its link delivered
};

/// What the observers share. Single-threaded: the world runs one message at a time.
struct market_state {
  actors::wall_clock_map clock;
  trace events;
  ledger_watch watch;
  std::map<address, std::string> names;
  std::map<address, provider_record> providers;
  caf::actor escrow;                   // the escrow_actor now up; null while crashed
  actors::relay_actor relay;           // the relay now up; null while crashed
  caf::actor tap;                      // the escrow tap
  bool TEST_settle_twice = false;      // run_options::TEST_settle_twice
  bool TEST_replay_executes = false;   // run_options::TEST_replay_executes
  int64_t TEST_phantom_micros = 0;     // run_options::TEST_phantom_micros
  bool incremental_in_flight = false;  // one incremental audit at a time
  /// An escrow_crash with mid_settlement is armed: the next executed Settle crashes the escrow
  /// before its answer leaves (crash_escrow), and resend holds it for after the restart.
  bool crash_armed = false;
  std::function<void(bool restart_later)> crash_escrow;
  /// A timed escrow_crash waits for its last audit (precrash_atom); a restarted escrow's first
  /// full audit is compared with the state before the crash.
  bool crash_after_audit = false;
  bool restart_check = false;
  uint64_t restart_compared = 0;                   // accounts compared across restarts
  std::vector<escrow::account_key> inflight_keys;  // of the incremental batch in flight
  std::vector<wire::frame> resend;
  uint64_t submitted = 0;
  uint64_t disputes = 0;
  uint64_t slashes = 0;
  std::vector<escrow::account_key> audited_keys;  // of the last full audit
  std::vector<int64_t> audited;

  caf::timespan now(caf::local_actor* self) const { return self->clock().now() - clock.t0; }
  void log(caf::local_actor* self, const std::string& what) { events.add(now(self), what); }
  std::string name_of(const address& a) const {
    auto it = names.find(a);
    return it == names.end() ? a.to_string().substr(0, 10) : it->second;
  }
};

/// (audit, full): the escrow tap audits every followed account (full) or the dirty ones.
using audit_atom = caf::atom_constant<caf::atom("audit")>;
/// (precrash): the escrow tap audits every followed account, then crashes the escrow.
using precrash_atom = caf::atom_constant<caf::atom("precrash")>;

/// The escrow tap: takes what escrow_inbox takes (cast its handle to escrow_inbox) and
/// (audit, full). REQUIRES: m outlives it.
caf::behavior escrow_tap(caf::event_based_actor* self, market_state* m);
/// The arbiter tap: an arbiter_inbox in front of `target`.
actors::arbiter_inbox::behavior_type arbiter_tap(actors::arbiter_inbox::pointer self,
                                                 actors::arbiter_inbox target, market_state* m);
/// The relay front: route, rent and end_sess go to m->relay, or fail while it is down.
caf::behavior relay_front(caf::event_based_actor* self, market_state* m);

}  // namespace agora::sim

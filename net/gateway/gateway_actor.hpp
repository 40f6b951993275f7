// The gateway's CAF side (DESIGN §6 "gateway"; the flow: gateway → escrow hold → relay route →
// provider → chunks → ComputeProof): one actor holds the key of the gateway's own escrow account
// (the "house" account the node funds) and its seeded ids; for each inference it seals a Hold
// for the worst case and a TaskRequest, then spawns a task actor (task_actor.hpp) that takes the
// Hold to the escrow, routes the task with itself as the sink and answers the listener.
//
// Interface (dynamically typed; handlers send with anon_send from I/O threads):
//  - (infer_atom, inference_call): runs one inference; the listener hears the outcome, always,
//    by the request's deadline. A call with an x402 payment is paid from the payer's escrow
//    account (x402/payment.hpp), funded first by the payment's Deposit. More than tasks_max in
//    flight: on_failure (internal, limit_exceeded) at once.
//  - (status_atom, relay_status_call): the relay's status (providers, their models and prices).
//  - rentals::open_atom, read_atom, close_atom: GPU rental sessions, handled by its linked rental
//    actor (rentals/rental_actor.hpp), paid from the house account.
//  - (accounts::account_atom, …): new API keys, deposits and balances of API-key accounts
//    (accounts/account_calls.hpp); a call naming an account is paid from that account.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/relay/relay_actor.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "net/gateway/accounts/key_store.hpp"
#include "net/gateway/inference.hpp"
#include "net/gateway/ops/counters.hpp"
#include "net/gateway/proofs/proof_store.hpp"
#include "net/gateway/rentals/rental_book.hpp"

namespace agora::net::gateway {

struct gateway_actor_options {
  private_key key;                     // the house account: signs its Holds and TaskRequests
  actors::escrow_inbox escrow;         // takes the Holds
  actors::relay_actor relay;           // routes the tasks
  actors::wall_clock_map clock;        // timestamps, deadlines, hold expiries, `created`
  std::shared_ptr<random_source> rng;  // task and hold ids (os_random live, seeded in tests)
  /// The most the gateway pays per million tokens; every Hold covers the worst case at it.
  int64_t price_cap_per_million_micros = 0;
  std::chrono::seconds task_deadline{120};  // the TaskRequest's, and the listener's wait
  std::chrono::seconds hold_ttl{300};       // a Hold nobody settles returns after this
  caf::timespan call_timeout{std::chrono::seconds(30)};  // each escrow and relay request
  size_t tasks_max = 10'000;                             // inferences in flight at once
  std::shared_ptr<proof_store> proofs;                   // where verified proofs go
  std::shared_ptr<gateway_counters> counters;
  /// x402 (x402/payment.hpp): when enabled, paid calls hold and request from the payer's own
  /// escrow account, which a Deposit of the payment funds first.
  x402::x402_options x402;
  /// API-key accounts (accounts/key_store.hpp); null: off. A call naming an account holds and
  /// requests from that account's escrow account, whose key derives from the house key.
  std::shared_ptr<accounts::key_store> accounts;
  std::shared_ptr<rentals::rental_book> rentals;  // the rental sessions' records
};

/// Spawns the gateway actor. REQUIRES: rng, proofs, counters and rentals not null, escrow and
/// relay valid, price cap > 0, hold_ttl ≥ task_deadline > 0.
caf::actor spawn_gateway_actor(caf::actor_system& sys, gateway_actor_options options);

}  // namespace agora::net::gateway

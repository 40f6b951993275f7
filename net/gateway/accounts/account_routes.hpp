// The accounts' HTTP routes (`--accounts`; README "Accounts"; docs/ARCHITECTURE.md "Accounts"):
//
//   POST   /v1/accounts               {"name"?} → a new account and its first key (shown once)
//   POST   /v1/accounts/keys          Bearer; {"name"?} → another key for the caller's account
//   DELETE /v1/accounts/keys/{key id} Bearer; revokes one of the caller's keys
//   POST   /v1/accounts/deposit       Bearer; {"amount_micros"} → credits the account: paid with
//                                     x402 when x402 is on, else the escrow's unproven Deposit
//                                     (a dev node's free credit)
//   GET    /v1/account                Bearer; the account's address and available balance
//
// Account creation is open to anyone unless the gateway has an admin token, which it then
// requires as the Bearer credential. Errors are in OpenAI's shape.
#pragma once

#include <caf/actor.hpp>
#include <cstdint>

#include "net/gateway/accounts/auth.hpp"
#include "net/gateway/router.hpp"
#include "net/gateway/x402/paywall.hpp"

namespace agora::net::gateway::accounts {

/// The most one unproven (dev) deposit credits: 1,000,000 units.
inline constexpr int64_t dev_deposit_micros_max = 1'000'000'000'000;

/// Adds the routes above. REQUIRES: gate.enabled(), gateway_actor valid.
void add_account_routes(router& r, const caf::actor& gateway_actor, const account_gate& gate,
                        const x402::paywall& payments);

}  // namespace agora::net::gateway::accounts

// Money a node puts into its own escrow when it starts: the gateway's house account (which pays
// the holds of requests the node serves for free, e.g. mock-model) and the local provider's
// deposit and stake. Each request's idempotency key is derived from a label and the account, so
// a node that starts a hundred times deposits once (the escrow answers the replays as duplicates).
#pragma once

#include <caf/actor_system.hpp>
#include <cstdint>
#include <string_view>

#include "actors/common/interfaces.hpp"
#include "core/key.hpp"
#include "schemas/envelope.hpp"

namespace agora::net {

/// A Deposit of `micros` from `payer` into `account`, keyed by (label, account).
wire::frame stable_deposit(const private_key& payer, const address& account, int64_t micros,
                           std::string_view label, int64_t now_unix_s);
/// A Stake of `micros` by `provider`, keyed by (label, provider).
wire::frame stable_stake(const private_key& provider, int64_t micros, std::string_view label,
                         int64_t now_unix_s);

/// Sends `request` to the escrow and waits for its answer. Only for code outside actors (the
/// node's start-up on its main thread): it blocks.
result<actors::escrow_receipt> call_escrow(caf::actor_system& sys,
                                           const actors::escrow_inbox& escrow, wire::frame request,
                                           caf::timespan timeout);

}  // namespace agora::net

// The gateway actor's side of the accounts (account_calls.hpp): new keys and accounts, deposits
// and balances. It runs inside the gateway actor, which owns what they need: the house key the
// account keys derive from (account_key.hpp), the random source of new keys and ids, the clock
// and the escrow.
#pragma once

#include <caf/event_based_actor.hpp>

#include "net/gateway/accounts/account_calls.hpp"
#include "net/gateway/gateway_actor.hpp"

namespace agora::net::gateway::accounts {

/// Each answers its call's `done` once, on a CAF thread. REQUIRES: o.accounts not null.
void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     create_key_call& call);
void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     deposit_call& call);
void on_account_call(caf::event_based_actor* self, const gateway_actor_options& o,
                     account_balance_call& call);

}  // namespace agora::net::gateway::accounts

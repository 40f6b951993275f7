// What the accounts' HTTP handlers ask of the gateway actor (account_actions.hpp), which owns
// the house key the account keys derive from, the random source new keys come from, the clock
// and the escrow: (account_atom, <call>) for each call below. Each call's `done` runs once, on a
// CAF thread; it must not block.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/address.hpp"
#include "core/error.hpp"
#include "net/gateway/x402/payment.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::accounts {

/// A new key (and, for a new account, the account); `api_key` is the only copy the gateway ever
/// hands out.
struct account_created {
  wire::id128 account_id{};
  address owner;  // the account's escrow address
  std::string api_key;
  std::string key_id;
  std::string name;
  int64_t created_unix_s = 0;
};

/// A new key named `name`: for the account `account_id` names, or for a new account.
struct create_key_call {
  std::optional<wire::id128> account_id;  // nullopt: a new account
  std::string name;
  std::function<void(const result<account_created>&)> done;
};

struct deposit_outcome {
  int64_t credited_micros = 0;
  int64_t available_micros = 0;  // the account's balance afterwards
};

/// Credits `amount_micros` to the account: with `payment` (x402 on) the payment's value, after
/// its validity window is checked (stale) and the escrow recorded its nonce once (a replay:
/// replayed); without (a dev node) the escrow's unproven self-deposit.
struct deposit_call {
  wire::id128 account_id{};
  int64_t amount_micros = 0;
  std::shared_ptr<const x402::payment> payment;  // null: unproven (x402 off)
  std::function<void(const result<deposit_outcome>&)> done;
};

struct account_balance {
  address owner;  // the account's escrow address
  int64_t available_micros = 0;
};

/// The account's available balance in the escrow.
struct account_balance_call {
  wire::id128 account_id{};
  std::function<void(const result<account_balance>&)> done;
};

using account_atom = caf::atom_constant<caf::atom("gw_acct")>;
inline constexpr account_atom account_atom_v{};

}  // namespace agora::net::gateway::accounts

// Local-only messages: they carry callbacks, so they never cross caf::io.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::accounts::create_key_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::accounts::deposit_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::accounts::account_balance_call)

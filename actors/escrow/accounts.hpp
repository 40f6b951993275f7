// The escrow's accounts (DESIGN §6, escrow.fbs AccountKind): an account is named by (kind, owner,
// sub_id); this file gives that name a value type, its ordered storage key in the `accounts`
// family, and the conversion between an account's in-memory state and its AccountRecord.
#pragma once

#include <compare>
#include <cstdint>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/escrow_generated.h"
#include "schemas/wire_types.hpp"

namespace agora::escrow {

using wire::id128;

/// Names one account. owner is zero for External, Slashed and ProtocolFee; sub_id is zero unless
/// the kind says otherwise (Hold: the hold id, DisputeBond: the dispute id, StakeUnlocking: the
/// Unstake's idempotency key).
struct account_key {
  wire::AccountKind kind = wire::AccountKind::External;
  address owner;
  id128 sub_id{};

  auto operator<=>(const account_key&) const = default;
  bool operator==(const account_key&) const = default;
};

/// The world outside the escrow: deposits come from it, withdrawals go to it.
account_key external_account();
account_key renter_balance(const address& owner);
account_key hold_account(const address& renter, const id128& hold_id);
account_key provider_earnings(const address& provider);
account_key provider_stake(const address& provider);
account_key stake_unlocking(const address& provider, const id128& unstake_key);
account_key dispute_bond(const address& renter, const id128& dispute_id);
account_key slashed_account();
account_key protocol_fee_account();

/// Whether money of this kind may leave the escrow or be staked by its owner.
bool is_spendable(wire::AccountKind kind);
/// Whether an account of this kind may hold a negative balance (External only).
bool may_go_negative(wire::AccountKind kind);

/// What the ledger keeps per account. An account whose balance reaches zero is deleted.
struct account_state {
  int64_t balance_micros = 0;
  int64_t unlock_unix_s = 0;   // StakeUnlocking: when it may be released; 0 otherwise
  uint64_t last_sequence = 0;  // the journal entry that last changed it

  bool operator==(const account_state&) const = default;
};

// ------------------------------------------------------------------------------------------------
// Storage: family `accounts`, key (tag 1, kind, owner, sub_id), value AccountRecord.

/// The first byte of every account key (hold records use another tag in the same family).
inline constexpr uint8_t account_key_tag = 1;

bytes account_storage_key(const account_key& key);
bytes pack_account(const account_key& key, const account_state& state);
/// Reads an AccountRecord back; corrupt if it does not verify.
result<std::pair<account_key, account_state>> unpack_account(byte_view value);

}  // namespace agora::escrow

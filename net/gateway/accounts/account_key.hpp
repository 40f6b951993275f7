// The keys of the escrow accounts the gateway keeps for others (x402 payers, API-key accounts):
// derived from the house key, keccak-256(tag ‖ house secret ‖ subject), so the gateway can sign
// each account's Deposits, Holds and TaskRequests while storing no secret of its own making.
// The escrow lets a signer deposit only into, and hold only from, its own account: a key per
// account fits those rules with no escrow change. The tag keeps the families apart.
#pragma once

#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/key.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::accounts {

/// DO NOT CHANGE: the account keys (and so the escrow balances) follow from these tags.
inline constexpr std::string_view api_account_tag = "agora/gateway/api-account";

/// keccak-256(tag ‖ house secret ‖ subject) as a key; errors only for the (negligible) hash
/// that is not a valid secp256k1 secret.
result<private_key> derived_account_key(const private_key& house, std::string_view tag,
                                        byte_view subject);

/// The key of API account `account_id`.
result<private_key> api_account_key(const private_key& house, const wire::id128& account_id);

}  // namespace agora::net::gateway::accounts

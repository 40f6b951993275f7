// API keys of gateway accounts (docs/ARCHITECTURE.md "Accounts"): the text a client sends as
// `Authorization: Bearer sk-agora-<64 hex digits>` (32 random bytes), what the gateway stores in
// its place (SHA-256 of the text: a stolen key store spends nothing), and the public key id
// (the hash's first 8 bytes in hex) by which a key is listed and revoked.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/random.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::accounts {

inline constexpr std::string_view api_key_prefix = "sk-agora-";
inline constexpr size_t api_key_secret_bytes = 32;
inline constexpr size_t api_key_chars = api_key_prefix.size() + 2 * api_key_secret_bytes;
inline constexpr size_t key_id_bytes = 8;
inline constexpr std::string_view account_id_prefix = "acct_";

/// A fresh key: the prefix and 32 bytes from `rng` in hex.
std::string generate_api_key(random_source& rng);
/// Whether `text` has a key's shape (prefix, 64 lower-case hex digits).
bool looks_like_api_key(std::string_view text);
/// What the store keeps for a key: SHA-256 of its text.
hash256 api_key_hash(std::string_view key);
/// The key's public id: the first 8 bytes of its hash, in hex (16 digits).
std::string key_id_of(const hash256& key_hash);
/// The credential of an `Authorization` header value: the token after "Bearer " (the scheme
/// case-insensitive), nullopt when the value is not a Bearer credential.
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// "acct_<32 hex digits>", the account id as the API shows it, and back (nullopt if malformed).
std::string account_id_text(const wire::id128& id);
std::optional<wire::id128> parse_account_id(std::string_view text);

/// Compares two secrets in time that depends only on their lengths (the admin token).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace agora::net::gateway::accounts

// The gateway's API keys, durable (docs/ARCHITECTURE.md "Accounts"): one TokenRecord per key in
// the RocksDB family `tokens`, keyed by the key's SHA-256 (api_key.hpp), naming the account it
// spends from (its id, from which the gateway derives the account's escrow key, and that key's
// address). The key itself is never stored. Reads come from the HTTP threads (every request's
// Bearer check), writes from the gateway actor; RocksDB is thread-safe, so nothing here locks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/error.hpp"
#include "schemas/wire_types.hpp"
#include "storage/store.hpp"

namespace agora::net::gateway::accounts {

inline constexpr size_t key_name_bytes_max = 64;
/// Keys sharing one 8-byte id (a collision needs ~2^32 keys): the most a revoke looks at.
inline constexpr size_t keys_per_id_max = 16;

/// One key's record.
struct key_entry {
  hash256 key_hash{};
  wire::id128 account_id{};
  address owner;  // the account's escrow address
  std::string name;
  int64_t created_unix_s = 0;
  bool revoked = false;
};

class key_store {
 public:
  /// REQUIRES: store open. Writes are only as durable as the store's `sync` option makes them:
  /// the node opens it with sync on, because a lost record strands the account's balance.
  explicit key_store(std::shared_ptr<storage::store> store);

  /// Stores a new key. already_exists if its hash is stored (a repeated random key: never in
  /// practice), io_error if RocksDB fails. REQUIRES: name at most key_name_bytes_max bytes.
  status put(const key_entry& entry);
  /// The key with this hash, revoked or not; nullopt if unknown; corrupt for a bad record.
  result<std::optional<key_entry>> find(const hash256& key_hash) const;
  /// Marks the account's key with public id `key_id` revoked (idempotent). not_found when the
  /// account has no such key.
  status revoke(std::string_view key_id, const wire::id128& account_id);

 private:
  std::shared_ptr<storage::store> store_;
};

}  // namespace agora::net::gateway::accounts

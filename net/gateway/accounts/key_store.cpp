// The durable API key records (key_store.hpp).
#include "net/gateway/accounts/key_store.hpp"

#include <vector>

#include "net/gateway/accounts/api_key.hpp"
#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/write_batch.hpp"

namespace agora::net::gateway::accounts {

namespace {

bytes record_of(const key_entry& e) {
  wire::TokenRecordT r;
  r.key_hash = wire::to_wire(e.key_hash);
  r.owner = wire::to_wire(e.owner);
  r.name = e.name;
  r.created_unix_s = e.created_unix_s;
  r.revoked = e.revoked;
  r.account_id = wire::to_wire(e.account_id);
  return wire::pack(r);
}

result<key_entry> entry_of(byte_view stored) {
  auto record = wire::read_record<wire::TokenRecord>(stored);
  if (!record)
    return record.error();
  const wire::TokenRecord& r = *record->root();
  if (r.account_id() == nullptr)
    return make_error(errc::corrupt, "a key record without its account");
  key_entry e;
  e.key_hash = wire::from_wire(*r.key_hash());
  e.account_id = wire::from_wire(*r.account_id());
  e.owner = wire::from_wire(*r.owner());
  e.name = std::string(wire::view(r.name()));
  e.created_unix_s = r.created_unix_s();
  e.revoked = r.revoked();
  return e;
}

}  // namespace

key_store::key_store(std::shared_ptr<storage::store> store) : store_(std::move(store)) {
  AGORA_ASSERT(store_ != nullptr);
  AGORA_ASSERT(store_->is_open());
}

status key_store::put(const key_entry& entry) {
  AGORA_ASSERT(entry.name.size() <= key_name_bytes_max);
  AGORA_ASSERT(!entry.owner.is_zero());
  auto existing = store_->get(storage::column::tokens, entry.key_hash);
  if (!existing)
    return existing.error();
  if (existing->has_value())
    return make_error(errc::already_exists, "an API key with this hash is stored");
  storage::write_batch batch;
  batch.put(storage::column::tokens, entry.key_hash, record_of(entry));
  return store_->write(batch);
}

result<std::optional<key_entry>> key_store::find(const hash256& key_hash) const {
  auto raw = store_->get(storage::column::tokens, key_hash);
  if (!raw)
    return raw.error();
  if (!raw->has_value())
    return std::optional<key_entry>{};
  auto entry = entry_of(**raw);
  if (!entry)
    return entry.error();
  AGORA_ASSERT(entry->key_hash == key_hash);
  return std::optional<key_entry>{std::move(*entry)};
}

status key_store::revoke(std::string_view key_id, const wire::id128& account_id) {
  auto prefix = from_hex(key_id);
  if (!prefix || prefix->size() != key_id_bytes)
    return make_error(errc::not_found, "no such key");
  std::vector<key_entry> matches;
  agora::error failure;
  auto scanned = store_->scan_prefix(storage::column::tokens, *prefix, keys_per_id_max,
                                     [&](byte_view, byte_view value) {
                                       auto entry = entry_of(value);
                                       if (!entry) {
                                         failure = entry.error();
                                         return storage::scan_step::stop;
                                       }
                                       if (entry->account_id == account_id)
                                         matches.push_back(std::move(*entry));
                                       return storage::scan_step::next;
                                     });
  if (!scanned)
    return scanned.error();
  if (failure.code != errc::ok)
    return failure;
  if (matches.empty())
    return make_error(errc::not_found, "no such key");
  storage::write_batch batch;
  for (key_entry& e : matches) {
    e.revoked = true;
    batch.put(storage::column::tokens, e.key_hash, record_of(e));
  }
  return store_->write(batch);
}

}  // namespace agora::net::gateway::accounts

// Account names, their storage keys and their AccountRecord form (accounts.hpp).
#include "actors/escrow/accounts.hpp"

#include <utility>

#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/keys.hpp"

namespace agora::escrow {

account_key external_account() {
  return {wire::AccountKind::External, address{}, id128{}};
}
account_key renter_balance(const address& owner) {
  return {wire::AccountKind::RenterBalance, owner, id128{}};
}
account_key hold_account(const address& renter, const id128& hold_id) {
  return {wire::AccountKind::Hold, renter, hold_id};
}
account_key provider_earnings(const address& provider) {
  return {wire::AccountKind::ProviderEarnings, provider, id128{}};
}
account_key provider_stake(const address& provider) {
  return {wire::AccountKind::ProviderStake, provider, id128{}};
}
account_key stake_unlocking(const address& provider, const id128& unstake_key) {
  return {wire::AccountKind::StakeUnlocking, provider, unstake_key};
}
account_key dispute_bond(const address& renter, const id128& dispute_id) {
  return {wire::AccountKind::DisputeBond, renter, dispute_id};
}
account_key slashed_account() {
  return {wire::AccountKind::Slashed, address{}, id128{}};
}
account_key protocol_fee_account() {
  return {wire::AccountKind::ProtocolFee, address{}, id128{}};
}

bool is_spendable(wire::AccountKind kind) {
  return kind == wire::AccountKind::RenterBalance || kind == wire::AccountKind::ProviderEarnings;
}

bool may_go_negative(wire::AccountKind kind) {
  return kind == wire::AccountKind::External;
}

bytes account_storage_key(const account_key& key) {
  storage::key_builder builder;
  builder.u8(account_key_tag).u8(static_cast<uint8_t>(key.kind));
  builder.fixed(key.owner.raw()).fixed(key.sub_id);
  return builder.take();
}

bytes pack_account(const account_key& key, const account_state& state) {
  AGORA_ASSERT(state.balance_micros != 0);  // zero-balance accounts are deleted, not stored
  AGORA_ASSERT(state.balance_micros > 0 || may_go_negative(key.kind));
  wire::AccountRecordT record;
  record.kind = key.kind;
  record.owner = wire::to_wire(key.owner);
  record.sub_id = wire::to_wire(key.sub_id);
  record.balance_micros = state.balance_micros;
  record.unlock_unix_s = state.unlock_unix_s;
  record.last_sequence = state.last_sequence;
  return wire::pack(record);
}

result<std::pair<account_key, account_state>> unpack_account(byte_view value) {
  auto stored = wire::read_record<wire::AccountRecord>(value);
  if (!stored)
    return stored.error();
  const wire::AccountRecord& record = *stored->root();
  if (record.kind() > wire::AccountKind::MAX || record.balance_micros() == 0)
    return make_error(errc::corrupt, "AccountRecord with a bad kind or a zero balance");
  if (record.balance_micros() < 0 && !may_go_negative(record.kind()))
    return make_error(errc::corrupt, "AccountRecord with a negative balance");
  account_key key{record.kind(), wire::from_wire(*record.owner()),
                  wire::from_wire(*record.sub_id())};
  account_state state{record.balance_micros(), record.unlock_unix_s(), record.last_sequence()};
  return std::pair{key, state};
}

}  // namespace agora::escrow

// Derived account keys (account_key.hpp).
#include "net/gateway/accounts/account_key.hpp"

#include "core/keccak.hpp"

namespace agora::net::gateway::accounts {

result<private_key> derived_account_key(const private_key& house, std::string_view tag,
                                        byte_view subject) {
  AGORA_ASSERT(!tag.empty());
  bytes preimage;
  const byte_view parts[] = {as_bytes(tag), house.secret(), subject};
  for (const byte_view part : parts)
    preimage.insert(preimage.end(), part.begin(), part.end());
  const hash256 seed = keccak256(preimage);
  secure_wipe(preimage.data(), preimage.size());
  return private_key::from_bytes(seed);
}

result<private_key> api_account_key(const private_key& house, const wire::id128& account_id) {
  return derived_account_key(house, api_account_tag, account_id);
}

}  // namespace agora::net::gateway::accounts

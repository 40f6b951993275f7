// API key text, hashes and ids (api_key.hpp).
#include "net/gateway/accounts/api_key.hpp"

#include <array>
#include <cctype>

#include "core/assert.hpp"
#include "core/keccak.hpp"

namespace agora::net::gateway::accounts {

namespace {

bool is_lower_hex(std::string_view text) {
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

}  // namespace

std::string generate_api_key(random_source& rng) {
  std::array<uint8_t, api_key_secret_bytes> secret{};
  rng.fill(secret);
  std::string key = std::string(api_key_prefix) + to_hex(secret);
  secret.fill(0);
  AGORA_ASSERT(key.size() == api_key_chars);
  AGORA_ASSERT(looks_like_api_key(key));
  return key;
}

bool looks_like_api_key(std::string_view text) {
  return text.size() == api_key_chars && text.starts_with(api_key_prefix) &&
         is_lower_hex(text.substr(api_key_prefix.size()));
}

hash256 api_key_hash(std::string_view key) {
  return sha256(as_bytes(key));
}

std::string key_id_of(const hash256& key_hash) {
  return to_hex(byte_view(key_hash).first(key_id_bytes));
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size())
    return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i])
      return std::nullopt;
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty())
    return std::nullopt;
  return token;
}

std::string account_id_text(const wire::id128& id) {
  return std::string(account_id_prefix) + to_hex(id);
}

std::optional<wire::id128> parse_account_id(std::string_view text) {
  if (!text.starts_with(account_id_prefix))
    return std::nullopt;
  const std::string_view digits = text.substr(account_id_prefix.size());
  if (!is_lower_hex(digits))
    return std::nullopt;
  auto id = from_hex_fixed<sizeof(wire::id128)>(digits);
  if (!id)
    return std::nullopt;
  return *id;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace agora::net::gateway::accounts

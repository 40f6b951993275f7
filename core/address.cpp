// Ethereum addresses: derivation from a public key, EIP-55 checksummed text, and parsing that
// enforces the checksum whenever the text is mixed case.
#include "core/address.hpp"

#include <algorithm>
#include <cctype>

#include "core/keccak.hpp"

namespace agora {
namespace {

constexpr size_t hex_digits_count = 2 * address::size;

// EIP-55: a hex letter is upper case when the matching nibble of keccak256(lower-case hex) ≥ 8.
std::string checksummed(std::string lower_hex) {
  AGORA_ASSERT(lower_hex.size() == hex_digits_count);
  hash256 digest = keccak256(as_bytes(lower_hex));
  for (size_t i = 0; i < lower_hex.size(); ++i) {
    uint8_t nibble = (i % 2 == 0) ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f;
    if (nibble >= 8)
      lower_hex[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(lower_hex[i])));
  }
  return lower_hex;
}

bool has_lower(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'f'; });
}

bool has_upper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'F'; });
}

}  // namespace

address address::from_public_key(byte_view public_key_xy) {
  AGORA_ASSERT(public_key_xy.size() == 64);
  hash256 digest = keccak256(public_key_xy);
  raw_type raw{};
  std::copy(digest.end() - size, digest.end(), raw.begin());
  return address{raw};
}

result<address> address::parse(std::string_view text) {
  if (text.size() != 2 + hex_digits_count || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return make_error(errc::malformed, "an address is 0x followed by 40 hex digits");
  auto raw = from_hex_fixed<size>(text);
  if (!raw)
    return make_error(errc::malformed, "address: " + raw.error().message);
  std::string_view digits = text.substr(2);
  if (has_lower(digits) && has_upper(digits) && checksummed(to_hex(*raw)) != digits)
    return make_error(errc::malformed, "bad EIP-55 checksum in address " + std::string{text});
  return address{*raw};
}

std::string address::to_string() const {
  return "0x" + checksummed(to_hex(raw_));
}

bool address::is_zero() const {
  return std::all_of(raw_.begin(), raw_.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace agora

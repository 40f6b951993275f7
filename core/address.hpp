// Ethereum-style addresses: the last 20 bytes of keccak-256 over the 64-byte uncompressed public
// key, printed with the EIP-55 mixed-case checksum. Every provider, renter, relay and escrow is
// known by one (DESIGN §4).
#pragma once

#include <array>
#include <compare>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace agora {

class address {
 public:
  static constexpr size_t size = 20;
  using raw_type = std::array<uint8_t, size>;

  address() = default;
  explicit address(const raw_type& raw) : raw_(raw) {}

  /// The address of a 64-byte uncompressed public key (x‖y, without the 0x04 prefix).
  static address from_public_key(byte_view public_key_xy);

  /// Parses "0x" + 40 hex digits. All-lower or all-upper case is accepted unchecked; mixed case
  /// must carry a valid EIP-55 checksum, else the error says so.
  static result<address> parse(std::string_view text);

  /// EIP-55 checksummed text: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".
  std::string to_string() const;

  const raw_type& raw() const { return raw_; }
  bool is_zero() const;

  auto operator<=>(const address&) const = default;

 private:
  raw_type raw_{};
};

}  // namespace agora

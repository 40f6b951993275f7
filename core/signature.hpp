// Ethereum-compatible ECDSA signatures (DESIGN §4): 65 bytes r‖s‖v with v = 27/28 and low s.
// personal_sign is EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" + len + msg),
// so ethers/viem/cast recover the same signer from the same bytes.
#pragma once

#include <array>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/key.hpp"

namespace agora {

using signature = std::array<uint8_t, 65>;

/// Parses 0x + 130 hex digits; v may be 27/28 or 0/1 (normalised to 27/28).
result<signature> parse_signature(std::string_view text);

/// The EIP-191 personal_sign digest of `message`.
hash256 personal_message_digest(byte_view message);

/// Signs a 32-byte digest (RFC 6979 deterministic nonce, low s, v = 27 + recovery id).
signature sign_digest(const private_key& key, const hash256& digest);
/// Recovers the signer of a digest. bad_signature if r/s/v are out of range or recovery fails.
result<address> recover_digest(const signature& sig, const hash256& digest);

/// sign_digest(personal_message_digest(message)).
signature personal_sign(const private_key& key, byte_view message);
/// recover_digest(sig, personal_message_digest(message)).
result<address> recover_personal(const signature& sig, byte_view message);
/// OK if `sig` over `message` recovers `expected`, else bad_signature naming the recovered one.
status verify_personal(const signature& sig, byte_view message, const address& expected);

}  // namespace agora

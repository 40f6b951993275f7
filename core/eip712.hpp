// EIP-712 typed structured data hashing (eth_signTypedData_v4 semantics). Types and values are
// Boost.JSON values shaped exactly as wallets take them, so a payload from a client can be hashed
// as-is: types {"Mail":[{"name":"from","type":"Person"},…]}, values {"from":{…},…}. Supported
// field types: address, bool, string, bytes, bytes1..32, uint8..256, int8..256, nested structs
// and arrays (T[] and T[n]) of any of them. EIP-3009 TransferWithAuthorization is ready for x402.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"

namespace agora::eip712 {

/// encodeType: "Mail(Person from,Person to,string contents)Person(string name,address wallet)".
result<std::string> encode_type(const boost::json::object& types, std::string_view primary);
/// typeHash = keccak256(encodeType).
result<hash256> type_hash(const boost::json::object& types, std::string_view primary);
/// hashStruct(primary, value) = keccak256(typeHash ‖ encodeData(value)). Every field must be
/// present, except that a struct-typed field may be missing or null: as in v4, it encodes as 32
/// zero bytes (how recursive types such as Person{Person mother} end).
result<hash256> hash_struct(const boost::json::object& types, std::string_view primary,
                            const boost::json::value& value);
/// The digest to sign: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)). `types` must
/// hold EIP712Domain; `domain` is its value.
result<hash256> typed_data_digest(const boost::json::object& types,
                                  const boost::json::value& domain, std::string_view primary,
                                  const boost::json::value& message);

/// Parses decimal digits (no sign, no prefix) into a big-endian uint256; overflow past 2^256 - 1.
result<hash256> uint256_from_decimal(std::string_view digits);

/// The EIP-3009 authorization an x402 "exact" EVM payment carries.
struct transfer_with_authorization {
  address from;
  address to;
  std::string value;         // uint256, decimal text
  std::string valid_after;   // uint256 unix seconds, decimal text
  std::string valid_before;  // uint256 unix seconds, decimal text
  hash256 nonce{};           // bytes32
};

/// The token contract's EIP-712 domain (name, version, chainId, verifyingContract).
struct token_domain {
  std::string name;     // e.g. "USD Coin"
  std::string version;  // e.g. "2"
  uint64_t chain_id = 0;
  address verifying_contract;
};

/// The digest a payer signs for `auth` under `domain`.
result<hash256> transfer_with_authorization_digest(const token_domain& domain,
                                                   const transfer_with_authorization& auth);

}  // namespace agora::eip712

// Ethereum-compatible recoverable ECDSA over secp256k1: EIP-191 personal_sign digests, signing with
// RFC 6979 nonces, and recovery that enforces v ∈ {27, 28} and the homestead low-s rule.
#include "core/signature.hpp"

#include "core/secp256k1_detail.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <atomic>

#include "core/keccak.hpp"
#include "core/signature_scheme.hpp"

namespace agora {
namespace {

constexpr size_t v_index = 64;
constexpr uint8_t v_base = 27;

// secp256k1's group order n halved (rounded down), big-endian: the largest s Ethereum accepts.
constexpr std::array<uint8_t, 32> half_order = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

// Null: secp256k1. Only agora-sim installs another (signature_scheme.hpp).
std::atomic<signature_scheme*> installed_scheme{nullptr};

bool is_low_s(const signature& sig) {
  auto s = std::span{sig}.subspan(32, 32);
  return !std::lexicographical_compare(half_order.begin(), half_order.end(), s.begin(), s.end());
}

}  // namespace

result<signature> parse_signature(std::string_view text) {
  auto sig = from_hex_fixed<65>(text);
  if (!sig)
    return make_error(errc::malformed, "signature: " + sig.error().message);
  uint8_t& v = (*sig)[v_index];
  if (v == 0 || v == 1)
    v = static_cast<uint8_t>(v + v_base);
  if (v != v_base && v != v_base + 1)
    return make_error(errc::bad_signature,
                      "signature v is " + std::to_string(v) + "; expected 27 or 28 (or 0 or 1)");
  return sig;
}

hash256 personal_message_digest(byte_view message) {
  std::string prefix = "\x19"
                       "Ethereum Signed Message:\n" +
                       std::to_string(message.size());
  bytes payload(prefix.begin(), prefix.end());
  payload.insert(payload.end(), message.begin(), message.end());
  return keccak256(payload);
}

signature_scheme* exchange_signature_scheme(signature_scheme* scheme) {
  return installed_scheme.exchange(scheme);
}

signature sign_digest(const private_key& key, const hash256& digest) {
  if (signature_scheme* scheme = installed_scheme.load(std::memory_order_acquire))
    return scheme->sign(key, digest);
  const secp256k1_context* ctx = detail::secp256k1_shared_context();
  secp256k1_ecdsa_recoverable_signature raw;
  // A null nonce function selects RFC 6979, so the same key and digest give the same signature.
  int signed_ok = secp256k1_ecdsa_sign_recoverable(ctx, &raw, digest.data(), key.secret().data(),
                                                   nullptr, nullptr);
  AGORA_ASSERT(signed_ok == 1);  // the key passed secp256k1_ec_seckey_verify
  signature sig{};
  int recid = -1;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, sig.data(), &recid, &raw);
  // recid 2 or 3 needs r ≥ n, which happens with probability ~2^-127; Ethereum cannot express it.
  AGORA_ASSERT(recid == 0 || recid == 1);
  sig[v_index] = static_cast<uint8_t>(v_base + recid);
  AGORA_ASSERT(is_low_s(sig));  // libsecp256k1 always emits the lower of s and n - s
  return sig;
}

result<address> recover_digest(const signature& sig, const hash256& digest) {
  if (signature_scheme* scheme = installed_scheme.load(std::memory_order_acquire))
    return scheme->recover(sig, digest);
  const uint8_t v = sig[v_index];
  if (v != v_base && v != v_base + 1)
    return make_error(errc::bad_signature,
                      "signature v is " + std::to_string(v) + "; expected 27 or 28");
  if (!is_low_s(sig))
    return make_error(errc::bad_signature, "signature s is in the upper half of the curve order");
  const secp256k1_context* ctx = detail::secp256k1_shared_context();
  secp256k1_ecdsa_recoverable_signature raw;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &raw, sig.data(), v - v_base) != 1)
    return make_error(errc::bad_signature, "signature r or s is not below the curve order");
  secp256k1_pubkey pubkey;
  if (secp256k1_ecdsa_recover(ctx, &pubkey, &raw, digest.data()) != 1)
    return make_error(errc::bad_signature, "no public key recovers from this signature");
  return address::from_public_key(detail::public_key_xy(pubkey));
}

signature personal_sign(const private_key& key, byte_view message) {
  return sign_digest(key, personal_message_digest(message));
}

result<address> recover_personal(const signature& sig, byte_view message) {
  return recover_digest(sig, personal_message_digest(message));
}

status verify_personal(const signature& sig, byte_view message, const address& expected) {
  auto signer = recover_personal(sig, message);
  if (!signer)
    return signer.error();
  if (*signer != expected)
    return make_error(errc::bad_signature,
                      "signature is by " + signer->to_string() + ", not " + expected.to_string());
  return {};
}

}  // namespace agora

// The simulation's keyed-MAC signatures and their scoped installation (fast_signatures.hpp).
#include "sim/fast_signatures.hpp"

#include <algorithm>
#include <cstring>

#include "core/keccak.hpp"

namespace agora::sim {

namespace {

constexpr size_t mac_at = address::size;
constexpr size_t mac_end = mac_at + std::tuple_size_v<hash256>;
constexpr size_t v_index = 64;
constexpr uint8_t v_fast = 27;
constexpr std::string_view mac_key_tag = "agora-sim fast signature key";

hash256 mac_key_of_secret(const private_key& key) {
  bytes input(mac_key_tag.begin(), mac_key_tag.end());
  input.insert(input.end(), key.secret().begin(), key.secret().end());
  const hash256 out = keccak256(input);
  std::fill(input.begin(), input.end(), uint8_t{0});
  return out;
}

hash256 mac(const hash256& mac_key, const hash256& digest) {
  std::array<uint8_t, 64> input;
  std::memcpy(input.data(), mac_key.data(), mac_key.size());
  std::memcpy(input.data() + mac_key.size(), digest.data(), digest.size());
  return keccak256(input);
}

}  // namespace

signature fast_signatures::sign(const private_key& key, const hash256& digest) {
  const hash256 mac_key = mac_key_of_secret(key);
  address signer;
  {
    const std::lock_guard lock(mutex_);
    auto it = signer_of_mac_key_.find(mac_key);
    if (it == signer_of_mac_key_.end()) {
      it = signer_of_mac_key_.emplace(mac_key, key.address()).first;
      mac_key_of_.emplace(it->second, mac_key);
    }
    signer = it->second;
  }
  signature sig{};
  std::copy(signer.raw().begin(), signer.raw().end(), sig.begin());
  const hash256 m = mac(mac_key, digest);
  std::copy(m.begin(), m.end(), sig.begin() + mac_at);
  sig[v_index] = v_fast;
  return sig;
}

result<address> fast_signatures::recover(const signature& sig, const hash256& digest) {
  if (sig[v_index] != v_fast ||
      std::any_of(sig.begin() + mac_end, sig.begin() + v_index, [](uint8_t b) { return b; }))
    return make_error(errc::bad_signature, "not a simulation signature");
  address::raw_type raw;
  std::copy(sig.begin(), sig.begin() + mac_at, raw.begin());
  const address claimed(raw);
  hash256 mac_key;
  {
    const std::lock_guard lock(mutex_);
    auto it = mac_key_of_.find(claimed);
    if (it == mac_key_of_.end())
      return make_error(errc::bad_signature, "no key of the simulation made this signature");
    mac_key = it->second;
  }
  const hash256 expected = mac(mac_key, digest);
  if (!std::equal(expected.begin(), expected.end(), sig.begin() + mac_at))
    return make_error(errc::bad_signature, "signature does not match the signed bytes");
  return claimed;
}

scoped_signature_scheme::scoped_signature_scheme(signature_scheme* scheme) {
  if (scheme == nullptr)
    return;
  previous_ = exchange_signature_scheme(scheme);
  installed_ = true;
}

scoped_signature_scheme::~scoped_signature_scheme() {
  if (installed_)
    exchange_signature_scheme(previous_);
}

}  // namespace agora::sim

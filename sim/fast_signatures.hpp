// The simulation's fast signatures (docs/SIMULATION.md "Fast signatures"), for scenarios with
// "crypto": "fast": a keyed keccak MAC in place of secp256k1 under sign_digest and
// recover_digest (core/signature_scheme.hpp), so that a day of a thousand providers is not
// mostly elliptic-curve arithmetic. Every actor still signs and opens every frame through the
// same code; a signature still binds the exact digest to the one key that made it, and a
// tampered payload or another signer is still refused. What it does not do is ECDSA: its
// signatures mean nothing outside the process that made them.
#pragma once

#include <map>
#include <mutex>

#include "core/signature_scheme.hpp"

namespace agora::sim {

/// A signature is signer address (20 bytes) ‖ keccak256(mac key ‖ digest) (32) ‖ 12 zero
/// bytes ‖ v = 27, where the MAC key is keccak256(tag ‖ the private key) and only the scheme
/// holds it: recovery looks the claimed signer's MAC key up and recomputes the MAC, so only a
/// signature made with that private key over that digest recovers. A signer the scheme has
/// not seen sign recovers nothing.
class fast_signatures final : public signature_scheme {
 public:
  signature sign(const private_key& key, const hash256& digest) override;
  result<address> recover(const signature& sig, const hash256& digest) override;

 private:
  std::mutex mutex_;  // the world is one thread, but the hook is process-global
  std::map<hash256, address> signer_of_mac_key_;  // one real address derivation per key
  std::map<address, hash256> mac_key_of_;
};

/// Installs a scheme for its own lifetime and restores the one installed before it.
class scoped_signature_scheme {
 public:
  /// nullptr installs nothing (secp256k1 stays).
  explicit scoped_signature_scheme(signature_scheme* scheme);
  ~scoped_signature_scheme();
  scoped_signature_scheme(const scoped_signature_scheme&) = delete;
  scoped_signature_scheme& operator=(const scoped_signature_scheme&) = delete;

 private:
  bool installed_ = false;
  signature_scheme* previous_ = nullptr;
};

}  // namespace agora::sim

// The one seam under sign_digest and recover_digest (core/signature.hpp): a process-global
// replacement for the secp256k1 primitive, for the deterministic simulation only. agora-sim
// installs a cheap keyed stand-in for scenarios that ask for it (sim/fast_signatures.hpp,
// docs/SIMULATION.md "Fast signatures") and restores secp256k1 when the world ends; nothing
// else installs one, so the live node always signs and recovers with secp256k1. Everything
// above the seam (EIP-191 digests, envelopes, signer checks) runs unchanged.
#pragma once

#include "core/signature.hpp"

namespace agora {

class signature_scheme {
 public:
  virtual ~signature_scheme() = default;
  /// What sign_digest returns while this scheme is installed.
  virtual signature sign(const private_key& key, const hash256& digest) = 0;
  /// What recover_digest returns: the signer, or bad_signature for a signature this scheme
  /// did not make over exactly this digest.
  virtual result<address> recover(const signature& sig, const hash256& digest) = 0;
};

/// Installs `scheme` under sign_digest and recover_digest (nullptr: secp256k1 again) and
/// returns the one installed before. REQUIRES: no other thread signs or recovers meanwhile, and
/// `scheme` outlives its installation.
signature_scheme* exchange_signature_scheme(signature_scheme* scheme);

}  // namespace agora

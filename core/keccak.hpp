// Keccak-256 (the pre-standard SHA-3 variant Ethereum uses), through Crypto++, and SHA-256 through
// OpenSSL (used where non-Ethereum peers expect it, e.g. response hashes signed by the gateway).
#pragma once

#include <memory>

#include "core/bytes.hpp"

namespace agora {

hash256 keccak256(byte_view data);
hash256 sha256(byte_view data);

/// Keccak-256 over data given in pieces (files too large to hold at once).
class keccak256_hasher {
 public:
  keccak256_hasher();
  ~keccak256_hasher();
  keccak256_hasher(const keccak256_hasher&) = delete;
  keccak256_hasher& operator=(const keccak256_hasher&) = delete;

  void update(byte_view data);
  /// The digest of everything updated so far. REQUIRES: called once.
  hash256 finish();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace agora

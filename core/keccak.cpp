// Keccak-256 through Crypto++ (Keccak_256 is Ethereum's pre-standard padding, not SHA3-256) and
// SHA-256 through OpenSSL's EVP interface.
#include "core/keccak.hpp"

#include <cryptopp/keccak.h>
#include <openssl/evp.h>

namespace agora {

hash256 keccak256(byte_view data) {
  CryptoPP::Keccak_256 hasher;
  static_assert(CryptoPP::Keccak_256::DIGESTSIZE == std::tuple_size_v<hash256>);
  hasher.Update(data.data(), data.size());
  hash256 out{};
  hasher.Final(out.data());
  return out;
}

struct keccak256_hasher::state {
  CryptoPP::Keccak_256 hasher;
  bool finished = false;
};

keccak256_hasher::keccak256_hasher() : state_(std::make_unique<state>()) {}
keccak256_hasher::~keccak256_hasher() = default;

void keccak256_hasher::update(byte_view data) {
  AGORA_ASSERT(!state_->finished);
  state_->hasher.Update(data.data(), data.size());
}

hash256 keccak256_hasher::finish() {
  AGORA_ASSERT(!state_->finished);
  state_->finished = true;
  hash256 out{};
  state_->hasher.Final(out.data());
  return out;
}

hash256 sha256(byte_view data) {
  hash256 out{};
  unsigned int size = 0;
  int ok = EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr);
  AGORA_ASSERT(ok == 1);  // SHA-256 over memory cannot fail short of a broken OpenSSL
  AGORA_ASSERT(size == out.size());
  return out;
}

}  // namespace agora

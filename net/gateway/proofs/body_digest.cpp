// Incremental SHA-256 through OpenSSL's EVP interface (body_digest.hpp).
#include "net/gateway/proofs/body_digest.hpp"

#include <openssl/evp.h>

#include "core/assert.hpp"

namespace agora::net::gateway {

struct body_digest::context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~context() { EVP_MD_CTX_free(md); }
};

body_digest::body_digest() : context_(std::make_unique<context>()) {
  AGORA_ASSERT(context_->md != nullptr);  // allocation failure: nothing sensible to do
  const int ok = EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr);
  AGORA_ASSERT(ok == 1);
}

body_digest::~body_digest() = default;

void body_digest::add(std::string_view part) {
  AGORA_ASSERT(!finished_);
  const int ok = EVP_DigestUpdate(context_->md, part.data(), part.size());
  AGORA_ASSERT(ok == 1);  // SHA-256 over memory cannot fail short of a broken OpenSSL
}

hash256 body_digest::finish() {
  AGORA_ASSERT(!finished_);
  finished_ = true;
  hash256 out{};
  unsigned int size = 0;
  const int ok = EVP_DigestFinal_ex(context_->md, out.data(), &size);
  AGORA_ASSERT(ok == 1);
  AGORA_ASSERT(size == out.size());
  return out;
}

}  // namespace agora::net::gateway

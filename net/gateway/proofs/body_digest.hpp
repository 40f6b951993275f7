// SHA-256 of an HTTP response body sent in parts (GET /signature/{id}: the provider signs
// hex(sha256(request body)) ":" hex(sha256(response body))): the gateway hashes each part as it
// goes out instead of keeping a whole stream in memory.
#pragma once

#include <memory>
#include <string_view>

#include "core/bytes.hpp"

namespace agora::net::gateway {

class body_digest {
 public:
  body_digest();
  ~body_digest();
  body_digest(const body_digest&) = delete;
  body_digest& operator=(const body_digest&) = delete;

  /// Appends the next bytes of the body. REQUIRES: finish() not called.
  void add(std::string_view part);
  /// The SHA-256 of everything added. REQUIRES: called once.
  hash256 finish();

 private:
  struct context;
  std::unique_ptr<context> context_;
  bool finished_ = false;
};

}  // namespace agora::net::gateway

// The text a provider signs for GET /signature/{id} (docs/PROTOCOL.md "Body attestations"):
// hex(SHA-256 of the request body) ":" hex(SHA-256 of the response body), lowercase, as 0G's
// providers sign it, so ethers.verifyMessage(text, signature) recovers the provider.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace agora::wire {

/// hex(request_sha256) + ":" + hex(response_sha256), 129 bytes.
std::string attestation_text(const hash256& request_sha256, const hash256& response_sha256);

/// Whether `text` has attestation_text's form: 64 lowercase hex digits, ':', 64 more.
bool is_attestation_text(std::string_view text);

}  // namespace agora::wire

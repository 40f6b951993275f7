// Standard base64 (RFC 4648 §4, with padding): how x402 carries its JSON in HTTP headers
// (PAYMENT-REQUIRED, X-PAYMENT, PAYMENT-SIGNATURE, PAYMENT-RESPONSE; docs/X402.md).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora::net::gateway::x402 {

std::string base64_encode(std::string_view data);
/// Decodes padded or unpadded standard base64; invalid_argument for any other character.
result<std::string> base64_decode(std::string_view text);

}  // namespace agora::net::gateway::x402

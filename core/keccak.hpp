// Keccak-256 (the pre-standard SHA-3 variant Ethereum uses), through Crypto++, and SHA-256 through
// OpenSSL (used where non-Ethereum peers expect it, e.g. response hashes signed by the gateway).
#pragma once

#include "core/bytes.hpp"

namespace agora {

hash256 keccak256(byte_view data);
hash256 sha256(byte_view data);

}  // namespace agora

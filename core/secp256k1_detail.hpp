// Private to core's signing code (key.cpp, signature.cpp): the process-wide libsecp256k1
// context and the one place a public key is serialised to the 64-byte x‖y form addresses use.
#pragma once

#include <secp256k1.h>

#include <array>
#include <cstdint>

namespace agora::detail {

/// Created and randomised (side-channel blinding) on first use, read-only afterwards and so
/// safe to share between threads.
const secp256k1_context* secp256k1_shared_context();

/// The uncompressed x‖y of `pubkey` (without the 0x04 prefix).
std::array<uint8_t, 64> public_key_xy(const secp256k1_pubkey& pubkey);

}  // namespace agora::detail

// The shared libsecp256k1 context and public-key serialisation for core's signing code.
#include "core/secp256k1_detail.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "core/bytes.hpp"
#include "core/random.hpp"

namespace agora::detail {

const secp256k1_context* secp256k1_shared_context() {
  static secp256k1_context* const ctx = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    AGORA_ASSERT(created != nullptr);
    std::array<uint8_t, 32> seed{};
    os_random{}.fill(seed);
    int ok = secp256k1_context_randomize(created, seed.data());
    secure_wipe(seed.data(), seed.size());
    AGORA_ASSERT(ok == 1);
    return created;
  }();
  return ctx;
}

std::array<uint8_t, 64> public_key_xy(const secp256k1_pubkey& pubkey) {
  std::array<uint8_t, 65> serialized{};
  size_t length = serialized.size();
  secp256k1_ec_pubkey_serialize(secp256k1_shared_context(), serialized.data(), &length, &pubkey,
                                SECP256K1_EC_UNCOMPRESSED);
  AGORA_ASSERT(length == serialized.size());
  AGORA_ASSERT(serialized[0] == 0x04);
  std::array<uint8_t, 64> xy{};
  std::copy(serialized.begin() + 1, serialized.end(), xy.begin());
  return xy;
}

}  // namespace agora::detail

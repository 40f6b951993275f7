// secp256k1 private keys (DESIGN §4): generated from an injected random_source, loaded from the
// PRIVATE_KEY environment variable or a key file, saved with mode 0600. Key material is wiped on
// destruction and never appears in logs, error messages or to_string output.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/random.hpp"

namespace agora {

class private_key {
 public:
  static constexpr size_t size = 32;

  private_key(const private_key&) = default;
  private_key& operator=(const private_key&) = default;
  ~private_key();

  /// A fresh key from `rng` (the OS CSPRNG in the live node, a seeded source in tests).
  static private_key generate(random_source& rng);
  /// From 32 raw bytes; refuses zero and values ≥ the group order.
  static result<private_key> from_bytes(byte_view raw);
  /// From 64 hex digits with or without 0x. Errors never echo the input.
  static result<private_key> from_hex(std::string_view text);
  /// From the PRIVATE_KEY environment variable (not_found when unset).
  static result<private_key> from_env(const char* variable = "PRIVATE_KEY");
  /// From a key file holding hex text; refuses a file that group or others may read, as ssh does.
  static result<private_key> load(const std::filesystem::path& file);
  /// Writes the key as hex text to a new file created with mode 0600; refuses to overwrite.
  status save(const std::filesystem::path& file) const;

  /// 64-byte uncompressed public key x‖y (no 0x04 prefix).
  std::array<uint8_t, 64> public_key() const;
  agora::address address() const;

  /// Raw secret: only for signing code and save().
  const std::array<uint8_t, size>& secret() const { return secret_; }

 private:
  private_key() = default;
  std::array<uint8_t, size> secret_{};
};

}  // namespace agora

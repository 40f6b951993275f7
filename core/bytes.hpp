// Byte buffers, fixed-size byte arrays (hashes, addresses, signatures) and hex text, shared by
// every module. Hex is lower-case on output; input accepts either case and an optional 0x.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace agora {

using bytes = std::vector<uint8_t>;
using byte_view = std::span<const uint8_t>;
using hash256 = std::array<uint8_t, 32>;

inline byte_view as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

/// Lower-case hex without a prefix.
std::string to_hex(byte_view data);
/// Lower-case hex with a 0x prefix.
std::string to_hex0x(byte_view data);

/// Parses hex text (optional 0x/0X prefix, even length). Errors name the offending position.
result<bytes> from_hex(std::string_view text);

/// Parses hex text into exactly N bytes.
template <size_t N>
result<std::array<uint8_t, N>> from_hex_fixed(std::string_view text) {
  auto raw = from_hex(text);
  if (!raw)
    return raw.error();
  if (raw->size() != N)
    return make_error(errc::malformed, "expected " + std::to_string(N) + " bytes of hex, got " +
                                           std::to_string(raw->size()));
  std::array<uint8_t, N> out{};
  std::copy(raw->begin(), raw->end(), out.begin());
  return out;
}

/// Overwrites memory in a way the optimiser may not remove (for key material).
void secure_wipe(void* data, size_t size);

}  // namespace agora

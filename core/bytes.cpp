// Hex encoding and decoding, and wiping of secret memory.
#include "core/bytes.hpp"

#include <cstring>

namespace agora {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(byte_view data) {
  std::string out(data.size() * 2, '0');
  for (size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = hex_digits[data[i] >> 4];
    out[2 * i + 1] = hex_digits[data[i] & 0x0f];
  }
  return out;
}

std::string to_hex0x(byte_view data) {
  return "0x" + to_hex(data);
}

result<bytes> from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.size() % 2 != 0)
    return make_error(errc::malformed, "hex text has an odd number of digits");
  bytes out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      size_t position = 2 * i + (hi < 0 ? 0 : 1);
      return make_error(errc::malformed,
                        "invalid hex digit at position " + std::to_string(position));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

void secure_wipe(void* data, size_t size) {
  std::memset(data, 0, size);
  asm volatile("" : : "r"(data) : "memory");  // keeps the memset from being elided
}

}  // namespace agora

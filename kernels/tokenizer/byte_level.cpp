// GPT-2's byte-level alphabet (byte_level.hpp), built once as two constant tables.

#include "kernels/tokenizer/byte_level.hpp"

#include <array>

#include "core/assert.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

struct byte_tables {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 324> to_byte{};  // indexed by code point; every code point used is < 324
};

// GPT-2 `bytes_to_unicode`: '!'..'~', '¡'..'¬' and '®'..'ÿ' keep their value; the other bytes get
// 256, 257, ... in increasing byte order.
byte_tables make_tables() {
  byte_tables t;
  t.to_byte.fill(-1);
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    t.to_char[b] = keep ? static_cast<char32_t>(b) : next++;
  }
  AGORA_ASSERT(next == 256 + 68);
  for (int b = 0; b < 256; ++b)
    t.to_byte[t.to_char[b]] = static_cast<int16_t>(b);
  return t;
}

const byte_tables& tables() {
  static const byte_tables t = make_tables();
  return t;
}

}  // namespace

char32_t byte_level_char(uint8_t byte) {
  return tables().to_char[byte];
}

std::optional<uint8_t> byte_level_byte(char32_t cp) {
  if (cp >= tables().to_byte.size() || tables().to_byte[cp] < 0)
    return std::nullopt;
  return static_cast<uint8_t>(tables().to_byte[cp]);
}

void byte_level_encode(std::string_view bytes, std::string& out) {
  for (char c : bytes)
    utf8_append(out, byte_level_char(static_cast<uint8_t>(c)));
}

bool byte_level_decode(std::string_view token, std::string& out) {
  std::string bytes;
  size_t pos = 0;
  while (pos < token.size()) {
    const utf8_step step = utf8_next(token, pos);
    const std::optional<uint8_t> byte =
        step.valid ? byte_level_byte(step.code_point) : std::nullopt;
    if (!byte)
      return false;
    bytes += static_cast<char>(*byte);
    pos += step.length;
  }
  out += bytes;
  return true;
}

}  // namespace agora::kernels

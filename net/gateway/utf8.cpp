// UTF-8 validation and the whole-character prefix of streamed text (utf8.hpp).
#include "net/gateway/utf8.hpp"

#include <cstdint>

#include "core/assert.hpp"

namespace agora::net {

namespace {

/// The length of the sequence a lead byte starts (1–4), or 0 for a byte no sequence starts with.
size_t sequence_length(uint8_t lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0;  // continuation bytes, C0/C1 (overlong), F5–FF (over U+10FFFF)
}

/// The range the second byte of a sequence must lie in (RFC 3629 §4): tighter after E0, ED, F0
/// and F4, which excludes overlong forms, surrogates and code points over U+10FFFF.
bool second_byte_ok(uint8_t lead, uint8_t second) {
  switch (lead) {
  case 0xE0: return second >= 0xA0 && second <= 0xBF;
  case 0xED: return second >= 0x80 && second <= 0x9F;
  case 0xF0: return second >= 0x90 && second <= 0xBF;
  case 0xF4: return second >= 0x80 && second <= 0x8F;
  default: return second >= 0x80 && second <= 0xBF;
  }
}

/// How many bytes of the sequence at `text[i]` are present and valid so far (≤ its length).
size_t valid_bytes_at(std::string_view text, size_t i, size_t length) {
  const auto lead = static_cast<uint8_t>(text[i]);
  size_t n = 1;
  for (; n < length && i + n < text.size(); ++n) {
    const auto b = static_cast<uint8_t>(text[i + n]);
    const bool ok = n == 1 ? second_byte_ok(lead, b) : (b >= 0x80 && b <= 0xBF);
    if (!ok)
      break;
  }
  return n;
}

}  // namespace

bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = sequence_length(static_cast<uint8_t>(text[i]));
    if (length == 0 || valid_bytes_at(text, i, length) != length)
      return false;
    i += length;
  }
  AGORA_ASSERT(i == text.size());
  return true;
}

size_t utf8_complete_prefix(std::string_view text) {
  // A sequence is at most 4 bytes, so only the last 3 bytes can start an unfinished one.
  const size_t from = text.size() > 3 ? text.size() - 3 : 0;
  for (size_t i = from; i < text.size(); ++i) {
    const size_t length = sequence_length(static_cast<uint8_t>(text[i]));
    if (length <= 1 || i + length <= text.size())
      continue;
    if (valid_bytes_at(text, i, length) == text.size() - i)
      return i;  // a valid start that the next chunk may finish
  }
  return text.size();
}

}  // namespace agora::net

// UTF-8 helpers (utf8.hpp). The decoder follows the Unicode "maximal subpart" rule (Unicode §3.9,
// U+FFFD substitution), which is what Rust's from_utf8_lossy implements.

#include "kernels/tokenizer/utf8.hpp"

#include "core/assert.hpp"

namespace agora::kernels {
namespace {

// The valid range of the second byte of a sequence led by `lead`.
void second_byte_range(unsigned char lead, unsigned char* lo, unsigned char* hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (lead == 0xE0)
    *lo = 0xA0;
  if (lead == 0xED)
    *hi = 0x9F;
  if (lead == 0xF0)
    *lo = 0x90;
  if (lead == 0xF4)
    *hi = 0x8F;
}

size_t sequence_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0;  // a continuation byte or a lead that never occurs
}

}  // namespace

utf8_step utf8_next(std::string_view text, size_t pos) {
  AGORA_ASSERT(pos < text.size());
  const auto lead = static_cast<unsigned char>(text[pos]);
  const size_t need = sequence_length(lead);
  if (need == 1)
    return {lead, 1, true};
  if (need == 0)
    return {utf8_replacement, 1, false};
  char32_t cp = lead & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
  unsigned char lo = 0;
  unsigned char hi = 0;
  second_byte_range(lead, &lo, &hi);
  for (size_t i = 1; i < need; ++i) {
    if (pos + i >= text.size())
      return {utf8_replacement, i, false};
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (byte < lo || byte > hi)
      return {utf8_replacement, i, false};
    cp = (cp << 6) | (byte & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  AGORA_ASSERT(cp <= 0x10FFFF);
  return {cp, need, true};
}

void utf8_append(std::string& out, char32_t cp) {
  AGORA_ASSERT(cp <= 0x10FFFF);
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    const utf8_step step = utf8_next(bytes, pos);
    if (step.valid)
      out.append(bytes.substr(pos, step.length));
    else
      utf8_append(out, utf8_replacement);
    pos += step.length;
  }
  AGORA_ASSERT(pos == bytes.size());
  return out;
}

bool utf8_valid(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const utf8_step step = utf8_next(text, pos);
    if (!step.valid)
      return false;
    pos += step.length;
  }
  return true;
}

}  // namespace agora::kernels

// UTF-8 helpers of the tokenizer: stepping over code points of untrusted text (invalid bytes are
// reported, never trusted), appending code points, and the lossy conversion that Hugging Face
// `tokenizers` applies when it decodes bytes (Rust's String::from_utf8_lossy).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agora::kernels {

inline constexpr char32_t utf8_replacement = 0xFFFD;

/// One step over `text` at byte `pos`. REQUIRES: pos < text.size().
struct utf8_step {
  char32_t code_point = 0;  // utf8_replacement where the bytes are invalid
  size_t length = 1;        // bytes consumed, >= 1
  bool valid = true;        // false: an invalid or truncated sequence (length = its maximal part)
};
utf8_step utf8_next(std::string_view text, size_t pos);

/// Appends the UTF-8 encoding of `cp`. REQUIRES: cp <= 0x10FFFF.
void utf8_append(std::string& out, char32_t cp);

/// As Rust's String::from_utf8_lossy: each maximal invalid subpart becomes one U+FFFD.
std::string utf8_lossy(std::string_view bytes);

/// Whether `text` is entirely valid UTF-8.
bool utf8_valid(std::string_view text);

}  // namespace agora::kernels

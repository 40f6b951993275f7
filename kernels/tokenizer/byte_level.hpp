// GPT-2's byte-level alphabet: every byte maps to one printable code point (printable Latin-1
// bytes map to themselves, the rest to U+0100 onwards), so any byte string becomes a string of
// vocabulary characters. Used by the ByteLevel pre-tokenizer and decoder (HF `byte_level.rs`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::kernels {

/// The code point GPT-2 assigns to `byte`.
char32_t byte_level_char(uint8_t byte);

/// The byte whose GPT-2 code point is `cp`, if any.
std::optional<uint8_t> byte_level_byte(char32_t cp);

/// Appends the byte-level spelling of `bytes` (each byte as its UTF-8 encoded code point).
void byte_level_encode(std::string_view bytes, std::string& out);

/// The bytes a byte-level token spells; false (out unchanged) when a character of `token` is not
/// in the alphabet, as for an added token such as "<|endoftext|> " containing a raw space.
bool byte_level_decode(std::string_view token, std::string& out);

}  // namespace agora::kernels

// The regular expressions that byte-level tokenizers split words with, hand-written over code
// points with ICU character classes (the standard library has no regex engine with \p{L}). Each
// recognised pattern string maps to one splitter; any other pattern is refused by the loader.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace agora::kernels {

/// DO NOT CHANGE the pattern strings in word_splitter.cpp: they are compared byte for byte with
/// the `pattern.Regex` field of tokenizer.json files.
enum class split_pattern {
  gpt2,    // ByteLevel use_regex: 's|'t|...| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
  llama3,  // Llama-3 Split: (?i:'s|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+...
  qwen2,   // Qwen2 Split: as llama3 with \p{N} (one digit per word)
};

/// The splitter for a regex taken from tokenizer.json, if it is one we implement.
std::optional<split_pattern> recognise_split_pattern(std::string_view regex);

/// The regex text of `pattern` (for messages and tests).
std::string_view split_pattern_regex(split_pattern pattern);

/// Appends to `out` the consecutive matches of `pattern` in `text`; they cover `text` exactly, so
/// the Isolated split behaviour keeps every piece. Invalid UTF-8 bytes count as symbols.
void split_words(split_pattern pattern, std::string_view text, std::vector<std::string_view>& out);

}  // namespace agora::kernels

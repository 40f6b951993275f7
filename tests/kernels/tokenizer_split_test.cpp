// Tests for the hand-written word splitters (kernels/tokenizer/word_splitter.hpp): each expected
// split is worked out by hand from the regex's alternatives, in order, with backtracking.
#include "kernels/tokenizer/word_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::kernels {
namespace {

std::vector<std::string> split(split_pattern p, std::string_view text) {
  std::vector<std::string_view> views;
  split_words(p, text, views);
  std::string joined;
  for (std::string_view v : views)
    joined += v;
  EXPECT_EQ(joined, text);  // the matches cover the text exactly
  return {views.begin(), views.end()};
}

using words = std::vector<std::string>;

TEST(tokenizer_split, gpt2_pattern) {
  const auto p = split_pattern::gpt2;
  EXPECT_EQ(split(p, "Hello world"), (words{"Hello", " world"}));
  EXPECT_EQ(split(p, "I'm here"), (words{"I", "'m", " here"}));
  EXPECT_EQ(split(p, "IT'S"), (words{"IT", "'", "S"}));  // contractions are case-sensitive
  EXPECT_EQ(split(p, "a  b"), (words{"a", " ", " b"}));  // \s+(?!\S) leaves the last space
  EXPECT_EQ(split(p, "hi   "), (words{"hi", "   "}));    // a final run stays whole
  EXPECT_EQ(split(p, "x\n\ny"), (words{"x", "\n", "\n", "y"}));
  EXPECT_EQ(split(p, "3.14 2024"), (words{"3", ".", "14", " 2024"}));
  EXPECT_EQ(split(p, "h\xC3\xA9llo w\xC3\xB6rld"), (words{"h\xC3\xA9llo", " w\xC3\xB6rld"}));
  EXPECT_EQ(split(p, "hello \xF0\x9F\x98\x80!"), (words{"hello", " \xF0\x9F\x98\x80!"}));
  EXPECT_EQ(split(p, "\xE4\xBD\xA0\xE5\xA5\xBD"),
            (words{"\xE4\xBD\xA0\xE5\xA5\xBD"}));  // 你好: \p{L}
  EXPECT_EQ(split(p, ""), (words{}));
}

TEST(tokenizer_split, llama3_pattern) {
  const auto p = split_pattern::llama3;
  EXPECT_EQ(split(p, "IT'S"), (words{"IT", "'S"}));  // (?i:...) contractions
  EXPECT_EQ(split(p, "12345"), (words{"123", "45"}));
  EXPECT_EQ(split(p, " 42"), (words{" ", "42"}));
  EXPECT_EQ(split(p, "x\n\ny"), (words{"x", "\n\n", "y"}));
  EXPECT_EQ(split(p, "a  \n  b"), (words{"a", "  \n", " ", " b"}));
  EXPECT_EQ(split(p, "hello, world!"), (words{"hello", ",", " world", "!"}));
  EXPECT_EQ(split(p, ".\n\nfoo"), (words{".\n\n", "foo"}));
  EXPECT_EQ(split(p, "$hello\tworld"), (words{"$hello", "\tworld"}));
  EXPECT_EQ(split(p, "end  "), (words{"end", "  "}));
}

TEST(tokenizer_split, qwen2_pattern_and_recognition) {
  EXPECT_EQ(split(split_pattern::qwen2, "12345"), (words{"1", "2", "3", "4", "5"}));
  for (auto p : {split_pattern::gpt2, split_pattern::llama3, split_pattern::qwen2})
    EXPECT_EQ(recognise_split_pattern(split_pattern_regex(p)), p);
  EXPECT_EQ(recognise_split_pattern("\\s+"), std::nullopt);
}

TEST(tokenizer_split, invalid_utf8_bytes_are_symbols) {
  EXPECT_EQ(split(split_pattern::gpt2, "a\xFF\xFE b"), (words{"a", "\xFF\xFE", " b"}));
}

}  // namespace
}  // namespace agora::kernels

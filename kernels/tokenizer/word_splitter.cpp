// The hand-written word splitters (word_splitter.hpp). Each matcher reproduces, alternative by
// alternative and with the regex engine's backtracking, what the pattern matches at a position.

#include "kernels/tokenizer/word_splitter.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstdint>

#include "core/assert.hpp"
#include "kernels/tokenizer/utf8.hpp"

namespace agora::kernels {
namespace {

constexpr std::string_view gpt2_regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view llama3_regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*)"
    R"(|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view qwen2_regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*)"
    R"(|\s*[\r\n]+|\s+(?!\S)|\s+)";

enum char_class : uint8_t { letter, number, space, other };

struct code_point {
  size_t offset = 0;  // byte offset in the text
  char32_t cp = 0;
  char_class cls = other;
};

char_class classify(char32_t cp, bool valid) {
  if (!valid)
    return other;
  if (u_isUWhiteSpace(static_cast<UChar32>(cp)))
    return space;
  const uint32_t mask = U_GET_GC_MASK(static_cast<UChar32>(cp));
  if (mask & U_GC_L_MASK)
    return letter;
  if (mask & U_GC_N_MASK)
    return number;
  return other;
}

// The text as code points, with a sentinel entry at the end holding the text's size.
class code_points {
 public:
  explicit code_points(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
      const utf8_step step = utf8_next(text, pos);
      cps_.push_back({pos, step.code_point, classify(step.code_point, step.valid)});
      pos += step.length;
    }
    cps_.push_back({text.size(), 0, other});
  }
  size_t size() const { return cps_.size() - 1; }
  size_t offset(size_t i) const { return cps_[i].offset; }
  char32_t cp(size_t i) const { return i < size() ? cps_[i].cp : 0; }
  bool is(size_t i, char_class c) const { return i < size() && cps_[i].cls == c; }
  bool is_newline(size_t i) const { return cp(i) == '\r' || cp(i) == '\n'; }
  size_t run(size_t i, char_class c) const {
    while (is(i, c))
      ++i;
    return i;
  }

 private:
  std::vector<code_point> cps_;
};

bool same_letter(char32_t cp, char lower, bool fold) {
  if (cp == static_cast<char32_t>(lower))
    return true;
  if (!fold)
    return false;
  if (cp == static_cast<char32_t>(lower - 'a' + 'A'))
    return true;
  return lower == 's' && cp == 0x17F;  // LATIN SMALL LETTER LONG S folds to 's'
}

// 's|'t|'re|'ve|'m|'ll|'d at i: the end of the match, or 0.
size_t contraction(const code_points& c, size_t i, bool fold) {
  if (c.cp(i) != '\'')
    return 0;
  for (char one : {'s', 't', 'm', 'd'})
    if (same_letter(c.cp(i + 1), one, fold))
      return i + 2;
  for (std::string_view two : {"re", "ve", "ll"})
    if (same_letter(c.cp(i + 1), two[0], fold) && same_letter(c.cp(i + 2), two[1], fold))
      return i + 3;
  return 0;
}

// \s+(?!\S)|\s+ at a whitespace position i: all of a final run, else the run but its last char
// (which then leads the next word), else one char.
size_t trailing_space(const code_points& c, size_t i) {
  AGORA_ASSERT(c.is(i, space));
  const size_t end = c.run(i, space);
  if (end == c.size() || end - i == 1)
    return end;
  return end - 1;
}

size_t match_gpt2(const code_points& c, size_t i) {
  if (size_t end = contraction(c, i, false))
    return end;
  for (char_class cls : {letter, number, other}) {
    if (c.cp(i) == ' ' && c.is(i + 1, cls))
      return c.run(i + 1, cls);
    if (c.is(i, cls))
      return c.run(i, cls);
  }
  return trailing_space(c, i);
}

size_t match_llama3(const code_points& c, size_t i, size_t digits_max) {
  if (size_t end = contraction(c, i, true))
    return end;
  const bool lead = !c.is(i, letter) && !c.is(i, number) && !c.is_newline(i);
  if (lead && c.is(i + 1, letter))
    return c.run(i + 1, letter);
  if (c.is(i, letter))
    return c.run(i, letter);
  if (c.is(i, number))
    return std::min(c.run(i, number), i + digits_max);
  const size_t s = (c.cp(i) == ' ' && c.is(i + 1, other)) ? i + 1 : i;
  if (c.is(s, other)) {
    size_t end = c.run(s, other);
    while (c.is_newline(end))
      ++end;
    return end;
  }
  const size_t end = c.run(i, space);
  for (size_t k = end; k > i; --k)  // \s*[\r\n]+ ends after the run's last newline
    if (c.is_newline(k - 1))
      return k;
  return trailing_space(c, i);
}

}  // namespace

std::optional<split_pattern> recognise_split_pattern(std::string_view regex) {
  for (split_pattern p : {split_pattern::gpt2, split_pattern::llama3, split_pattern::qwen2})
    if (regex == split_pattern_regex(p))
      return p;
  return std::nullopt;
}

std::string_view split_pattern_regex(split_pattern pattern) {
  switch (pattern) {
  case split_pattern::gpt2: return gpt2_regex;
  case split_pattern::llama3: return llama3_regex;
  case split_pattern::qwen2: return qwen2_regex;
  }
  AGORA_ASSERT(false);
  return {};
}

void split_words(split_pattern pattern, std::string_view text, std::vector<std::string_view>& out) {
  const code_points c(text);
  size_t i = 0;
  while (i < c.size()) {
    size_t end = 0;
    if (pattern == split_pattern::gpt2)
      end = match_gpt2(c, i);
    else
      end = match_llama3(c, i, pattern == split_pattern::llama3 ? 3 : 1);
    AGORA_ASSERT(end > i);
    AGORA_ASSERT(end <= c.size());
    out.push_back(text.substr(c.offset(i), c.offset(end) - c.offset(i)));
    i = end;
  }
}

}  // namespace agora::kernels

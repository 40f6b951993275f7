// The added tokens of a tokenizer.json ("added_tokens"): special tokens such as <s> or
// <|eot_id|> and added words, found in the text before pre-tokenization, leftmost then longest,
// honouring lstrip, rstrip, single_word and normalized as HF `added_vocabulary.rs` does.
#pragma once

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/bpe_model.hpp"
#include "kernels/tokenizer/json_reader.hpp"

namespace agora::kernels {

class normalizer;

struct added_token {
  uint32_t id = 0;
  std::string content;
  bool special = false;
  bool lstrip = false;       // a match also swallows the whitespace before it
  bool rstrip = false;       // a match also swallows the whitespace after it
  bool single_word = false;  // match only where not inside a word
  bool normalized = false;   // matched in normalized text instead of the raw text
};

class added_vocabulary {
 public:
  /// `value` may be nullptr (no added tokens). `norm` gives the spelling of normalized tokens.
  static result<added_vocabulary> from_json(const boost::json::value* value, const normalizer& norm,
                                            const json_place& place);

  /// A piece of text: either an added token (`id`) or plain text to tokenize further.
  struct segment {
    std::string_view text;
    std::optional<uint32_t> id;
    size_t offset = 0;  // byte offset of `text` in the split text
  };
  /// Cuts `text` at the added tokens of one kind: raw-text tokens (normalized_pass false) or
  /// normalized ones (true). Segments cover `text` except for whitespace swallowed by strips.
  void split(std::string_view text, bool normalized_pass, std::vector<segment>& out) const;

  const added_token* by_id(uint32_t id) const;
  const added_token* by_content(std::string_view content) const;
  /// Largest id + 1 (0 when empty).
  uint32_t id_end() const { return id_end_; }
  const std::vector<added_token>& tokens() const { return tokens_; }

 private:
  struct match {
    size_t start = 0;
    size_t stop = 0;
    const added_token* token = nullptr;
  };
  std::optional<match> find(std::string_view text, size_t from, bool normalized_pass) const;
  bool accept(std::string_view text, const match& m) const;

  std::vector<added_token> tokens_;
  std::vector<std::string> patterns_;  // by token index: content, or normalized content
  std::array<std::vector<size_t>, 256> by_first_byte_;  // token indices, longest pattern first
  std::unordered_map<uint32_t, size_t> index_by_id_;
  string_map<size_t> index_by_content_;
  uint32_t id_end_ = 0;
};

}  // namespace agora::kernels

// The BPE model of a Hugging Face tokenizer.json ("model": {"type": "BPE", ...}): the vocabulary,
// merges ranked by position, byte fallback to <0xAB> tokens, the unknown token and ignore_merges.
// It turns one pre-tokenized word into ids exactly as HF `models/bpe/model.rs` does.
#pragma once

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/json_reader.hpp"

namespace agora::kernels {

/// Hashes std::string keys and std::string_view probes alike, so lookups do not allocate.
struct string_hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class Value>
using string_map = std::unordered_map<std::string, Value, string_hash, std::equal_to<>>;

class bpe_model {
 public:
  /// An empty vocabulary.
  bpe_model();

  /// Reads the "model" object; errors name `place` and the bad field (unknown type, a merge
  /// naming a token missing from the vocabulary, dropout or subword affixes we do not support).
  static result<bpe_model> from_json(const boost::json::object& model, const json_place& place);

  /// Appends the ids of `word` (one pre-tokenized word, in vocabulary spelling).
  void tokenize(std::string_view word, std::vector<uint32_t>& out) const;

  std::optional<uint32_t> token_to_id(std::string_view token) const;
  /// The token of `id`, or nullptr when the vocabulary has no such id.
  const std::string* id_to_token(uint32_t id) const;
  /// Largest id + 1 (0 for an empty vocabulary).
  uint32_t id_end() const { return static_cast<uint32_t>(tokens_.size()); }
  bool byte_fallback() const { return byte_fallback_; }

 private:
  struct merge {
    uint32_t rank = 0;
    uint32_t merged_id = 0;
  };
  struct word_cache;

  status read_vocab(const boost::json::object& model, const json_place& place);
  status read_merges(const boost::json::object& model, const json_place& place);
  status add_merge(std::string_view a, std::string_view b, uint32_t rank, const json_place& place);
  void initial_symbols(std::string_view word, std::vector<uint32_t>& symbols) const;
  void merge_symbols(std::vector<uint32_t>& symbols) const;
  static uint64_t pair_key(uint32_t a, uint32_t b) { return (uint64_t{a} << 32) | b; }

  string_map<uint32_t> vocab_;
  std::vector<std::string> tokens_;  // by id; "" where absent
  std::vector<bool> present_;
  std::unordered_map<uint64_t, merge> merges_;
  std::optional<uint32_t> unk_id_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::array<std::optional<uint32_t>, 256> byte_ids_{};  // <0x00>..<0xFF> where in vocabulary
  std::shared_ptr<word_cache> cache_;  // shared by copies: the results do not depend on the copy
};

}  // namespace agora::kernels

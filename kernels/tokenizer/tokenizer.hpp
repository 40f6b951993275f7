// The tokenizer of the inference engine, loaded from a Hugging Face model folder's
// tokenizer.json (+ tokenizer_config.json): byte-level BPE (GPT-2, Llama-3, Qwen) and metaspace
// + byte-fallback BPE (Llama-2, TinyLlama, Mistral). Encoding and decoding match HF `tokenizers`;
// DESIGN §8. tests/fixtures/tokenizers/README.md describes the test files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/tokenizer/added_vocabulary.hpp"
#include "kernels/tokenizer/bpe_model.hpp"
#include "kernels/tokenizer/chat_template.hpp"
#include "kernels/tokenizer/decoder.hpp"
#include "kernels/tokenizer/normalizer.hpp"
#include "kernels/tokenizer/post_processor.hpp"
#include "kernels/tokenizer/pre_tokenizer.hpp"

namespace agora::kernels {

/// Upper bound on the tokenizer files we read; real ones are below 20 MiB.
inline constexpr uint64_t tokenizer_file_bytes_max = uint64_t{64} << 20;

class tokenizer {
 public:
  /// Loads <folder>/tokenizer.json and, when present, <folder>/tokenizer_config.json
  /// (bos/eos tokens, add_bos_token, chat_template). Errors name the file and the field.
  static result<tokenizer> load(const std::filesystem::path& folder);
  /// As load, from the two files' texts; `tokenizer_config_json` may be empty. `where` names
  /// tokenizer.json in error messages (tokenizer_config.json errors name that file).
  static result<tokenizer> from_json(std::string_view tokenizer_json,
                                     std::string_view tokenizer_config_json,
                                     std::string_view where);

  /// As HF `encode(text, add_special_tokens=add_special)`: added/special tokens matched first,
  /// then normalizer, pre-tokenizer, BPE, then the post-processor (e.g. Llama's <s>) when
  /// add_special. Text that is not valid UTF-8 is tokenized byte by byte where it is invalid.
  std::vector<uint32_t> encode(std::string_view text, bool add_special) const;

  /// As HF `decode(ids, skip_special_tokens=skip_special)`; unknown ids are skipped. Invalid
  /// UTF-8 becomes U+FFFD.
  std::string decode(std::span<const uint32_t> ids, bool skip_special) const;

  /// Largest id + 1, added tokens included.
  uint32_t vocab_size() const;
  /// The id of `token` (added tokens first, then the model's vocabulary).
  std::optional<uint32_t> token_id(std::string_view token) const;
  /// The token string of `id` (vocabulary spelling, e.g. "Ġhello" or "▁hello").
  std::optional<std::string> token_text(uint32_t id) const;
  /// tokenizer_config.json's bos_token/eos_token (none where it says null); where no config
  /// names one, the first of the usual names present ("<s>", "<|begin_of_text|>",
  /// "<|endoftext|>" / "</s>", "<|end_of_text|>", "<|endoftext|>").
  std::optional<uint32_t> bos_id() const { return bos_id_; }
  std::optional<uint32_t> eos_id() const { return eos_id_; }
  /// tokenizer_config.json's add_bos_token (false when absent). encode follows the
  /// post-processor, as HF `tokenizers` does; this flag is informational.
  bool add_bos_token() const { return add_bos_token_; }
  /// Whether `id` is an added token marked special (skipped by decode with skip_special).
  bool is_special(uint32_t id) const;
  /// The chat template of tokenizer_config.json (plain when there is none).
  const chat_template& chat() const { return chat_; }

  /// Whether `id` is a <0xAB> token that the decoder groups with its neighbours (ByteFallback),
  /// so its text is not final until a token of another kind follows.
  bool is_grouped_byte(uint32_t id) const;

 private:
  tokenizer() = default;
  status read_config(std::string_view config_json);
  void encode_text(std::string_view text, bool at_text_start, std::vector<uint32_t>& ids) const;

  normalizer normalizer_;
  pre_tokenizer pre_tokenizer_;
  bpe_model model_;
  post_processor post_processor_;
  decoder decoder_;
  added_vocabulary added_;
  std::optional<uint32_t> bos_id_;
  std::optional<uint32_t> eos_id_;
  bool add_bos_token_ = false;
  chat_template chat_;
};

/// Incremental decode for streaming: push ids one at a time; each call returns only text that
/// later ids cannot change (never half a UTF-8 character), and the concatenation of all pushes
/// and finish() equals tokenizer.decode(all ids, skip_special).
/// REQUIRES: the tokenizer outlives the stream_decoder.
class stream_decoder {
 public:
  explicit stream_decoder(const tokenizer& tok, bool skip_special = true);

  /// The new final text after appending `id` (often empty).
  std::string push(uint32_t id);
  /// The text still held back; the stream is then complete.
  std::string finish();

 private:
  const tokenizer* tok_;
  bool skip_special_;
  std::vector<uint32_t> ids_;
  size_t prefix_ = 0;        // ids_[prefix_, read_): the last emitted step, kept as context
  size_t read_ = 0;          // ids_[read_, end) are not emitted yet
  bool group_open_ = false;  // the last id with text is a byte token of an unfinished group
};

}  // namespace agora::kernels

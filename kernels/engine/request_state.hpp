// One request's generation as the engine steps it (DESIGN §8): its prompt fed in chunks, then per
// step the sampling, the stopping (end-of-text, stop sequences, max_tokens, context full) and the
// streaming of final text. generate() and the continuous-batching scheduler both drive this one
// class, so a request completes the same alone or in a batch (the sampler draws from
// counter_uniform(seed, step), and the backend's logits do not depend on the batch).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/backend.hpp"
#include "kernels/engine/generator.hpp"
#include "kernels/engine/stop_matcher.hpp"
#include "kernels/tokenizer/tokenizer.hpp"

namespace agora::kernels {

/// Called once per completion token when its text is final: the token and the text it released
/// (pieces[i] of the generation; "" when it released none). The pieces concatenate to the text.
using token_sink = std::function<void(uint32_t token_id, std::string_view piece)>;

class request_state {
 public:
  /// The checks every request passes before it is queued. Errors: invalid_argument (empty
  /// prompt, bad options), limit_exceeded (a prompt that leaves no room in the context).
  static status check(const model_config& config, std::span<const uint32_t> prompt_ids,
                      const generate_options& options);

  /// REQUIRES: check(config, prompt_ids, options) passed; config and tokens outlive this.
  /// on_token gets each token once its piece is final: at once for a token that does not end
  /// the generation, in finish() for the last one. A request cut short (cancelled) gets no call
  /// for its held-back text, which reaches on_text only.
  request_state(const model_config& config, const tokenizer& tokens,
                std::span<const uint32_t> prompt_ids, generate_options options, text_sink on_text,
                token_sink on_token = {});

  /// The positions the sequence is opened with: prompt + max_tokens, at most the context.
  uint32_t capacity() const { return capacity_; }
  /// REQUIRES: no sequence yet; sequence->capacity() ≥ capacity() and it is empty.
  void attach(std::unique_ptr<kv_sequence> sequence);
  /// Destroys the sequence, which frees its keys and values in the backend.
  void release_sequence() { sequence_.reset(); }
  kv_sequence* sequence() const { return sequence_.get(); }
  /// Whether part of the prompt has still to run.
  bool prefilling() const { return prefilled_ < out_.prompt_ids.size(); }
  /// Completion tokens sampled so far.
  size_t completion_size() const { return out_.completion_ids.size(); }

  /// The tokens of the next forward: the next ≤ chunk_max prompt tokens while prefilling, else
  /// the last sampled token. REQUIRES: a sequence attached; not ended; chunk_max ≥ 1.
  std::span<const uint32_t> next_tokens(uint32_t chunk_max) const;
  /// After a forward of `fed` tokens (next_tokens' size) succeeded with the logits of the last
  /// one: once the prompt is in, samples a token, streams its text and decides whether to stop.
  /// Returns true when the generation has ended (finish() then gives the result).
  bool accept(uint32_t fed, std::span<const float> logits);
  /// Releases the text still held back and returns the generation (also for one cut short, as
  /// when cancelled: then `reason` is whatever it was, max_tokens by default).
  /// REQUIRES: called once.
  generated finish();

 private:
  // Samples the next token and applies the stop rules; true when the generation ends.
  bool decode(std::span<const float> logits);
  // Records `piece` as the latest token's text and streams it.
  void release(std::string piece);
  // The latest token's piece is final: hands it to on_token.
  void token_final();

  const model_config* config_;
  const tokenizer* tokens_;
  generate_options options_;
  text_sink on_text_;
  token_sink on_token_;
  uint32_t capacity_ = 0;
  uint32_t prefilled_ = 0;  // prompt tokens already run
  std::unique_ptr<kv_sequence> sequence_;
  generated out_;
  stream_decoder decoder_;
  stop_matcher stops_;
  bool ended_ = false;
  bool finished_ = false;
};

}  // namespace agora::kernels

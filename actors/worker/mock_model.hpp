// mock-model: a deterministic stand-in engine for tests and the simulation (DESIGN §6, §9). Its
// output is a documented function of the request, so a test predicts text, token ids, token
// counts and finish reason exactly, and the same request always gives the same output.
//
// The function (mock_model::generate):
//  - Model: only mock_model_id ("mock-model"); any other id is errc::not_found.
//    weights_hash = keccak256("mock-model"), max_context 4096, quantization "none".
//  - Prompt text: the prompt, or for chat messages plain_chat_prompt(messages) (chat_prompt.hpp).
//  - Input bytes P: the prompt text's bytes; with prompt_token_ids, be32 of each id in order.
//    Exactly one of prompt, prompt_token_ids and messages must be non-empty, and max_tokens ≥ 1,
//    else errc::invalid_argument.
//  - prompt_tokens: the number of words of the prompt text (maximal runs of bytes other than
//    space, \t, \n, \v, \f, \r), or the number of prompt_token_ids. Over 4096:
//    errc::limit_exceeded.
//  - Seed S: sampling.seed, or 0 when temperature == 0 (greedy ignores the seed).
//    temperature, top_p and top_k have no other effect.
//  - Candidate i (i = 0, 1, …): d = keccak256(P ‖ be64(S) ‖ be32(i)). Its word is 4 lower-case
//    letters, letter j = 'a' + d[j] mod 26; its token id is that word read as a base-26 number
//    with a = 0, so 0 ≤ id < 26^4 (mock_model::word_of inverts it).
//  - For i = 0, 1, …: if i == natural_length (16) stop with finish Stop; if i == max_tokens stop
//    with finish Length; if the word of candidate i equals one of sampling.stop, stop with finish
//    Stop without emitting it; otherwise emit candidate i.
//    So with no stop words: min(max_tokens, 16) tokens, Stop when max_tokens ≥ 16, else Length.
//  - completion_tokens = tokens emitted; token_ids = their ids; text = their words joined by one
//    space. One chunk per token: chunk k has index k, token_ids {id_k}, text word_k for k = 0
//    and " " + word_k after, so the chunk texts concatenate to text.
//  - Log-probabilities (sampling.logprobs, or top_logprobs = n > 0): chunk k carries one entry
//    for its token: text the chunk's text, logprob L_k = −(64 + d[4]) / 256 (in [−1.25, −0.25],
//    d the digest of candidate k, so exact in binary32), and n alternatives, most likely first:
//    alternative j (0 ≤ j < n) is token (id_k + 7919·j) mod 26^4 (j = 0: the token itself),
//    text its word (after a space but for k = 0), logprob L_k − 2j. Their probabilities sum to
//    less than 1, as a real model's top candidates do.
//
// Embed requests (request_kind::embed; docs/PROTOCOL.md "Tasks" points here):
//  - Input: exactly one of prompt and prompt_token_ids; messages on an embed request, or no
//    input, is errc::invalid_argument. sampling is ignored (max_tokens 0 is fine).
//  - prompt_tokens: counted as above (words, or the number of ids; over 4096: limit_exceeded).
//  - P as above (the prompt's bytes, or be32 of each id); no seed.
//  - For j = 0 … embedding_dims − 1 (64): d = keccak256(P ‖ "embed" ‖ be32(j)), u = d[0..3]
//    read big-endian, x_j = u / 2^31 − 1 (in [−1, 1), computed in double).
//  - embedding_j = float(x_j / sqrt(Σ x_k²)) (the sum in double, in order of k): L2-normalised.
//  - completion_tokens 0, no tokens, text or chunks; finish Stop.
#pragma once

#include <string>
#include <string_view>

#include "actors/worker/engine.hpp"

namespace agora::actors {

inline constexpr std::string_view mock_model_id = "mock-model";

class mock_model final : public engine {
 public:
  static constexpr uint32_t natural_length = 16;  // tokens before the model stops by itself
  static constexpr uint32_t max_context = 4096;
  static constexpr uint32_t vocab_size = 26 * 26 * 26 * 26;
  static constexpr uint32_t embedding_dims = 64;  // values in every embedding
  static constexpr uint32_t top_logprobs_max = 20;
  static constexpr uint32_t alternative_stride = 7919;  // between the ids of the alternatives
  static_assert(alternative_stride * (top_logprobs_max - 1) < vocab_size);  // all distinct

  std::vector<model_info> models() const override;
  /// The backend identity every mock-model generation reports.
  static engine_identity identity();
  result<generation> generate(const generation_request& request) override;

  /// keccak256("mock-model").
  static hash256 weights_hash();
  /// The prompt_tokens the mock counts for `request` (see above), or an error.
  static result<uint32_t> prompt_tokens(const generation_request& request);
  /// The token id of candidate `index` for `request` (see above).
  static uint32_t candidate(const generation_request& request, uint32_t index);
  /// The log-probabilities of candidate `index` for `request` with `top` alternatives (see
  /// above). REQUIRES: top ≤ top_logprobs_max.
  static token_logprobs logprobs(const generation_request& request, uint32_t index, uint32_t top);
  /// The 4-letter word of a token id. REQUIRES: id < vocab_size.
  static std::string word_of(uint32_t id);
  /// The embedding of an embed request's input (see above), without checking the request.
  static std::vector<float> embedding_of(const generation_request& request);
};

}  // namespace agora::actors

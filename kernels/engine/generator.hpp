// One generation on a backend (DESIGN §8): prefill the prompt, then decode token by token —
// sample, stop at an end-of-text token, a stop sequence, max_tokens or the end of the context —
// and stream the text as it becomes final (whole UTF-8 characters, stop sequences held back).
// Every backend shares this loop: generate() is the continuous-batching scheduler
// (kernels/engine/scheduler.hpp) with one request.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/backend.hpp"
#include "kernels/sampling/sampler.hpp"
#include "kernels/tokenizer/tokenizer.hpp"

namespace agora::kernels {

enum class stop_reason : uint8_t {
  max_tokens,     // max_tokens reached
  stop_sequence,  // a stop sequence appeared (it is not in the text)
  end_of_text,    // the model produced an end-of-text token (it is in completion_ids)
  context_full,   // the model's context has no room for another token
};

struct generate_options {
  uint32_t max_tokens = 16;  // ≥ 1
  sampling_config sampling;
  std::vector<std::string> stop;  // non-empty strings
  uint32_t top_logprobs = 0;      // alternatives per token, ≤ top_logprobs_max
};

struct generated {
  std::vector<uint32_t> prompt_ids;
  std::vector<uint32_t> completion_ids;
  std::vector<sampled_token> steps;  // one per completion token: its logprob and alternatives
  std::vector<std::string> pieces;   // the text released after each completion token
  std::string text;                  // the pieces concatenated
  stop_reason reason = stop_reason::max_tokens;
};

/// Called with each piece of final text as soon as it is released (may be called with "").
using text_sink = std::function<void(std::string_view piece)>;

/// Runs `prompt_ids` on `model` and generates. Errors: invalid_argument (empty prompt, a token
/// id outside the vocabulary, bad options), limit_exceeded (a prompt that leaves no room in the
/// model's context), and whatever the backend reports.
result<generated> generate(backend& model, const tokenizer& tokens,
                           std::span<const uint32_t> prompt_ids, const generate_options& options,
                           const text_sink& on_text = {});

}  // namespace agora::kernels

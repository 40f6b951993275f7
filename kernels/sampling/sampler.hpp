// Choosing the next token from a row of logits (DESIGN §8): greedy, temperature, top-k, top-p,
// with the draw taken from counter_uniform(seed, step) so a request's choice depends only on its
// own logits, seed and step. Log-probabilities are the log-softmax of the raw logits, before
// temperature (as OpenAI reports them), with up to top_logprobs_max alternatives.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace agora::kernels {

inline constexpr uint32_t top_logprobs_max = 20;

struct sampling_config {
  float temperature = 1.0f;  // 0: greedy
  float top_p = 1.0f;        // (0, 1]
  uint32_t top_k = 0;        // 0: off
  uint64_t seed = 0;
};

struct token_logprob {
  uint32_t token_id = 0;
  float logprob = 0.0f;
};

struct sampled_token {
  uint32_t token_id = 0;
  float logprob = 0.0f;            // of token_id, raw logits
  std::vector<token_logprob> top;  // the top_logprobs most likely, most likely first
};

/// Picks the token at completion step `step`. Greedy (temperature 0) takes the largest logit,
/// the lowest id on ties. Otherwise: logits / temperature, keep the top_k largest, softmax, keep
/// the smallest most-likely-first prefix whose mass reaches top_p, and walk it with
/// counter_uniform(seed, step). REQUIRES: logits non-empty and finite; top_logprobs ≤
/// top_logprobs_max; temperature ≥ 0; 0 < top_p ≤ 1.
sampled_token sample_token(std::span<const float> logits, const sampling_config& config,
                           uint64_t step, uint32_t top_logprobs);

}  // namespace agora::kernels

// sample_token: greedy or filtered sampling over one row of logits, plus raw log-probabilities.
#include "kernels/sampling/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/assert.hpp"
#include "kernels/sampling/counter_rng.hpp"

namespace agora::kernels {
namespace {

// Most likely first; equal logits keep the lower id first, so the order is total.
bool more_likely(std::span<const float> logits, uint32_t a, uint32_t b) {
  if (logits[a] != logits[b])
    return logits[a] > logits[b];
  return a < b;
}

uint32_t argmax(std::span<const float> logits) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[best])
      best = i;
  }
  return best;
}

// log Σ exp(logits), stable, in double.
double log_sum_exp(std::span<const float> logits) {
  float max = logits[argmax(logits)];
  double sum = 0;
  for (float x : logits)
    sum += std::exp(static_cast<double>(x) - max);
  return max + std::log(sum);
}

// The ids of the `count` most likely tokens, most likely first.
std::vector<uint32_t> most_likely(std::span<const float> logits, uint32_t count) {
  std::vector<uint32_t> ids(logits.size());
  std::iota(ids.begin(), ids.end(), 0u);
  count = std::min<uint32_t>(count, static_cast<uint32_t>(ids.size()));
  auto by_likelihood = [&](uint32_t a, uint32_t b) { return more_likely(logits, a, b); };
  std::partial_sort(ids.begin(), ids.begin() + count, ids.end(), by_likelihood);
  ids.resize(count);
  return ids;
}

uint32_t draw_filtered(std::span<const float> logits, const sampling_config& config,
                       uint64_t step) {
  uint32_t vocab = static_cast<uint32_t>(logits.size());
  uint32_t keep = config.top_k == 0 ? vocab : std::min(config.top_k, vocab);
  std::vector<uint32_t> ids = most_likely(logits, keep);
  std::vector<double> weights(ids.size());
  double top = logits[ids[0]];
  double total = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    weights[i] = std::exp((logits[ids[i]] - top) / config.temperature);
    total += weights[i];
  }
  // top-p: the shortest prefix whose probability reaches top_p (at least one token).
  size_t kept = 0;
  double mass = 0;
  while (kept < ids.size() && (kept == 0 || mass < config.top_p * total))
    mass += weights[kept++];
  double target = counter_uniform(config.seed, step) * mass;
  double walked = 0;
  for (size_t i = 0; i < kept; ++i) {
    walked += weights[i];
    if (target < walked)
      return ids[i];
  }
  return ids[kept - 1];  // rounding left target at the very end of the mass
}

}  // namespace

sampled_token sample_token(std::span<const float> logits, const sampling_config& config,
                           uint64_t step, uint32_t top_logprobs) {
  AGORA_ASSERT(!logits.empty());
  AGORA_ASSERT(top_logprobs <= top_logprobs_max);
  AGORA_ASSERT(config.temperature >= 0.0f);
  AGORA_ASSERT(config.top_p > 0.0f && config.top_p <= 1.0f);
  sampled_token out;
  out.token_id = config.temperature == 0.0f ? argmax(logits) : draw_filtered(logits, config, step);
  double normaliser = log_sum_exp(logits);
  out.logprob = static_cast<float>(logits[out.token_id] - normaliser);
  for (uint32_t id : most_likely(logits, top_logprobs)) {
    out.top.push_back(token_logprob{id, static_cast<float>(logits[id] - normaliser)});
  }
  AGORA_ASSERT(out.token_id < logits.size());
  return out;
}

}  // namespace agora::kernels

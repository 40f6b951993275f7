// Seeded wrong and lazy outputs over any engine (lying_engine.hpp).
#include "sim/lying_engine.hpp"

#include <algorithm>
#include <optional>

#include "actors/worker/mock_model.hpp"
#include "core/assert.hpp"

namespace agora::sim {

using actors::generation;
using actors::generation_request;
using actors::mock_model;

namespace {

/// Rebuilds text from the chunks after one was replaced, so the two agree.
void join_chunks(generation& g) {
  g.text.clear();
  for (const actors::generation_chunk& c : g.chunks)
    g.text += c.text;
  g.completion_tokens = static_cast<uint32_t>(g.token_ids.size());
}

/// mock-model's lie: the first word becomes the next word of the vocabulary (same length).
void mock_wrong_first(generation& g) {
  const std::string honest_word = mock_model::word_of(g.token_ids[0]);
  const uint32_t lie = (g.token_ids[0] + 1) % mock_model::vocab_size;
  const std::string lie_word = mock_model::word_of(lie);
  AGORA_ASSERT(lie_word.size() == honest_word.size());
  g.token_ids[0] = lie;
  g.text.replace(0, lie_word.size(), lie_word);
  AGORA_ASSERT(g.chunks[0].token_ids.size() == 1);
  g.chunks[0].token_ids[0] = lie;
  g.chunks[0].text = lie_word;
}

/// U+FFFD in UTF-8: what a byte-level tokenizer's decoder writes for every byte that is no
/// character. Many tokens decode to it, so a lie made of it could equal the honest text.
constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// How many other seeds a model folder's lie tries for a first piece that differs, and the
/// temperature it samples at: nearly uniform over the vocabulary, so that a tiny model that
/// mostly answers U+FFFD still gives a piece of text within a few tries (about half of a
/// byte-level vocabulary decodes to text).
constexpr uint64_t reseeds_max = 32;
constexpr float lie_temperature = 8.0f;

}  // namespace

lying_engine::lying_engine(std::shared_ptr<actors::engine> honest, lie_kind kind, uint32_t permille,
                           std::shared_ptr<random_source> rng)
    : honest_(std::move(honest)), kind_(kind), permille_(permille), rng_(std::move(rng)) {
  AGORA_ASSERT(honest_ != nullptr);
  AGORA_ASSERT(!honest_->blocks());  // the world runs every engine inline
  AGORA_ASSERT(permille_ > 0 && permille_ <= 1000);
  AGORA_ASSERT(rng_ != nullptr);
}

result<generation> lying_engine::generate(const generation_request& request) {
  if (kind_ == lie_kind::lazy_junk) {
    if (request.kind != actors::request_kind::generate || rng_->uniform(1000) >= permille_)
      return honest_->generate(request);
    return lazy_junk(request);
  }
  return wrong_first_token(request);
}

std::optional<actors::generation_chunk>
lying_engine::other_first_chunk(const generation_request& request, const std::string& avoid) {
  generation_request one = request;
  one.sampling.max_tokens = 1;
  one.sampling.temperature = lie_temperature;
  for (uint64_t k = 0; k < reseeds_max; ++k) {
    one.sampling.seed = request.sampling.seed + k + 1;
    result<generation> first = honest_->generate(one);
    if (!first || first->chunks.size() != 1)
      continue;  // an error, or the end of text at once
    actors::generation_chunk c = std::move(first->chunks[0]);
    if (c.text.empty() || c.text == avoid || c.token_ids.size() != 1 ||
        c.text.find(replacement_character) != std::string::npos)
      continue;  // a piece of a character, a byte that is none, or the text to avoid
    c.request_id = request.id;
    c.index = 0;
    return c;
  }
  return std::nullopt;
}

result<generation> lying_engine::wrong_first_token(const generation_request& request) {
  result<generation> out = honest_->generate(request);
  if (!out || rng_->uniform(1000) >= permille_)
    return out;
  generation& g = *out;
  AGORA_ASSERT(g.chunks.size() == g.token_ids.size());  // one chunk per token
  if (request.model == actors::mock_model_id) {
    if (!g.token_ids.empty())
      mock_wrong_first(g);
    return out;
  }
  // Another first piece changes the text (the arbiter compares the text's hash): c + rest
  // equals c' + rest only when c equals c'. An empty answer gets one token instead.
  const std::string honest_first = g.chunks.empty() ? std::string() : g.chunks[0].text;
  std::optional<actors::generation_chunk> lie = other_first_chunk(request, honest_first);
  if (!lie)
    return out;  // the model answers nothing else: no lie this time
  if (g.chunks.empty()) {
    g.chunks.push_back(*lie);
    g.token_ids.push_back(lie->token_ids[0]);
    g.finish_reason = wire::FinishReason::Length;
  } else {
    g.token_ids[0] = lie->token_ids[0];
    g.chunks[0] = *lie;
  }
  join_chunks(g);
  return out;
}

result<generation> lying_engine::lazy_junk(const generation_request& request) {
  const uint32_t n = request.sampling.max_tokens;
  if (request.model == actors::mock_model_id) {
    auto prompt_tokens = mock_model::prompt_tokens(request);
    if (!prompt_tokens || n == 0)
      return honest_->generate(request);  // the honest engine's error
    generation g;
    g.request_id = request.id;
    g.prompt_tokens = *prompt_tokens;
    for (uint32_t i = 0; i < n; ++i) {
      const auto id = static_cast<uint32_t>(rng_->uniform(mock_model::vocab_size));
      g.token_ids.push_back(id);
      g.chunks.push_back({request.id, i, {id}, (i ? " " : "") + mock_model::word_of(id)});
    }
    g.finish_reason = wire::FinishReason::Length;
    join_chunks(g);
    return g;
  }
  // A model folder: one sampled piece with text, repeated max_tokens times.
  std::optional<actors::generation_chunk> junk = other_first_chunk(request, "");
  if (!junk || n == 0)
    return honest_->generate(request);  // no junk to be had (or the honest engine's error)
  generation_request one = request;
  one.sampling.max_tokens = 1;
  result<generation> out = honest_->generate(one);  // for its prompt_tokens
  if (!out)
    return out;
  generation& g = *out;
  g.token_ids.assign(n, junk->token_ids[0]);
  g.chunks.clear();
  for (uint32_t i = 0; i < n; ++i)
    g.chunks.push_back({request.id, i, junk->token_ids, junk->text});
  g.finish_reason = wire::FinishReason::Length;
  join_chunks(g);
  AGORA_ASSERT(g.completion_tokens == n);
  AGORA_ASSERT(!g.text.empty());
  return out;
}

}  // namespace agora::sim

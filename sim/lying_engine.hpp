// The simulation's engine for cheating providers (docs/SIMULATION.md "Behaviours"): it wraps
// the honest engine (mock-model, or a model folder run inline) and, with a seeded probability
// per generation, answers something else, consistently in the token ids, the text and the
// chunks, so that the stream and the provider's proof agree and only a re-execution (the
// arbiter, after a spot-check dispute) finds it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/worker/engine.hpp"
#include "core/random.hpp"

namespace agora::sim {

/// How a cheating provider cheats.
enum class lie_kind {
  /// wrong_result: the first token is replaced by another one (mock-model: the next word of
  /// its vocabulary; a model folder: a first token the model samples under another seed, with
  /// other text, so the text's hash differs; an empty answer gets that token).
  wrong_first_token,
  /// lazy: junk of max_tokens tokens without running the model (mock-model: random words; a
  /// model folder: one token it samples under another seed, repeated); the provider's worker
  /// runs at a near-zero virtual time per token besides (market.cpp).
  lazy_junk,
};

class lying_engine final : public actors::engine {
 public:
  /// REQUIRES: honest and rng not null, 0 < permille ≤ 1000.
  lying_engine(std::shared_ptr<actors::engine> honest, lie_kind kind, uint32_t permille,
               std::shared_ptr<random_source> rng);

  std::vector<actors::model_info> models() const override { return honest_->models(); }
  result<actors::generation> generate(const actors::generation_request& request) override;
  bool blocks() const override { return false; }  // REQUIRES of the honest engine too

 private:
  result<actors::generation> wrong_first_token(const actors::generation_request& request);
  result<actors::generation> lazy_junk(const actors::generation_request& request);
  /// A model folder's first chunk for `request` under another seed (seed + 1, + 2, … at a high
  /// temperature): one token whose text is neither empty (a piece of a character), nor U+FFFD (a
  /// byte that is no character: many tokens decode to it), nor `avoid`; none if no seed tried gives
  /// one.
  std::optional<actors::generation_chunk>
  other_first_chunk(const actors::generation_request& request, const std::string& avoid);

  std::shared_ptr<actors::engine> honest_;
  lie_kind kind_;
  uint32_t permille_;
  std::shared_ptr<random_source> rng_;
};

}  // namespace agora::sim

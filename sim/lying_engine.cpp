// mock-model with seeded wrong outputs (lying_engine.hpp).
#include "sim/lying_engine.hpp"

#include "core/assert.hpp"

namespace agora::sim {

using actors::generation;
using actors::mock_model;

lying_engine::lying_engine(uint32_t wrong_permille, std::shared_ptr<random_source> rng)
    : wrong_permille_(wrong_permille), rng_(std::move(rng)) {
  AGORA_ASSERT(wrong_permille_ > 0 && wrong_permille_ <= 1000);
  AGORA_ASSERT(rng_ != nullptr);
}

result<generation> lying_engine::generate(const actors::generation_request& request) {
  result<generation> out = honest_.generate(request);
  if (!out || out->token_ids.empty() || rng_->uniform(1000) >= wrong_permille_)
    return out;
  generation& g = *out;
  AGORA_ASSERT(!g.chunks.empty());
  const std::string honest_word = mock_model::word_of(g.token_ids[0]);
  const uint32_t lie = (g.token_ids[0] + 1) % mock_model::vocab_size;
  const std::string lie_word = mock_model::word_of(lie);
  AGORA_ASSERT(lie_word.size() == honest_word.size());
  g.token_ids[0] = lie;
  g.text.replace(0, lie_word.size(), lie_word);
  AGORA_ASSERT(g.chunks[0].token_ids.size() == 1);
  g.chunks[0].token_ids[0] = lie;
  g.chunks[0].text = lie_word;
  return out;
}

}  // namespace agora::sim

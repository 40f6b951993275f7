// The simulation's engine for a provider with behaviour wrong_result(p) (docs/SIMULATION.md):
// mock-model, except that with probability p (seeded) a generation's first token is replaced by
// another word, consistently in the token ids, the text and the first chunk. The stream and the
// provider's proof agree, so only a re-execution (the arbiter, after a spot-check dispute)
// finds the lie.
#pragma once

#include <memory>

#include "actors/worker/mock_model.hpp"
#include "core/random.hpp"

namespace agora::sim {

class lying_engine final : public actors::engine {
 public:
  /// REQUIRES: 0 < wrong_permille ≤ 1000, rng not null.
  lying_engine(uint32_t wrong_permille, std::shared_ptr<random_source> rng);

  std::vector<actors::model_info> models() const override { return honest_.models(); }
  result<actors::generation> generate(const actors::generation_request& request) override;

 private:
  actors::mock_model honest_;
  uint32_t wrong_permille_;
  std::shared_ptr<random_source> rng_;
};

}  // namespace agora::sim

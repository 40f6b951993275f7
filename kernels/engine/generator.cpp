// generate: one request run alone, as a scheduler with a batch of one, so the prefill/decode
// logic (kernels/engine/request_state.hpp) is the one continuous batching uses.
#include "kernels/engine/generator.hpp"

#include <optional>

#include "kernels/engine/scheduler.hpp"

namespace agora::kernels {

result<generated> generate(backend& model, const tokenizer& tokens,
                           std::span<const uint32_t> prompt_ids, const generate_options& options,
                           const text_sink& on_text) {
  scheduler alone(model, tokens, one_request_limits(model.config()));
  std::optional<result<generated>> outcome;
  auto on_done = [&](result<generated> done) {
    AGORA_ASSERT(!outcome.has_value());
    outcome.emplace(std::move(done));
  };
  if (auto st = alone.submit(0, prompt_ids, options, {on_text, on_done}); !st)
    return st.error();
  alone.run_until_idle();
  AGORA_ASSERT(outcome.has_value());
  return std::move(*outcome);
}

}  // namespace agora::kernels

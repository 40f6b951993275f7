// The CPU reference backend: loading, sequences, forward and embeddings
// (kernels/cpu/cpu_backend.hpp). The math lives in kernels/cpu/transformer.cpp.
#include "kernels/cpu/cpu_backend.hpp"

#include <cmath>
#include <new>
#include <string>

#include "kernels/cpu/cpu_sequence.hpp"
#include "kernels/cpu/transformer.hpp"
#include "kernels/model/tensor_store.hpp"

namespace agora::kernels {

result<std::unique_ptr<cpu_backend>> cpu_backend::load(const std::filesystem::path& folder) {
  auto config = load_model_config(folder);
  if (!config)
    return config.error();
  auto store = tensor_store::open(folder);
  if (!store)
    return store.error();
  auto weights = cpu::load_model_weights(*store, *config);
  if (!weights)
    return weights.error();
  return std::make_unique<cpu_backend>(std::move(*config), std::move(*weights));
}

cpu_backend::cpu_backend(model_config config, cpu::model_weights weights)
    : config_(std::move(config)), weights_(std::move(weights)) {
  AGORA_ASSERT(weights_.layers.size() == config_.layers);
  AGORA_ASSERT(weights_.token_embedding.size() == size_t{config_.vocab_size} * config_.hidden_size);
}

result<std::unique_ptr<cpu::cpu_sequence>> cpu_backend::make_sequence(uint32_t capacity) {
  if (capacity == 0)
    return make_error(errc::invalid_argument, "a sequence needs a capacity of at least 1");
  if (capacity > config_.max_positions)
    return make_error(errc::limit_exceeded,
                      "capacity " + std::to_string(capacity) + " is over the model's " +
                          std::to_string(config_.max_positions) + " positions");
  const uint32_t kv_width = config_.kv_heads * config_.head_dim;
  const uint64_t bytes = uint64_t{2} * config_.layers * capacity * kv_width * sizeof(float);
  if (bytes > cpu_sequence_bytes_max)
    return make_error(errc::limit_exceeded, "capacity " + std::to_string(capacity) + " needs " +
                                                std::to_string(bytes) +
                                                " bytes of keys and values");
  try {
    return std::make_unique<cpu::cpu_sequence>(this, config_.layers, capacity, kv_width);
  } catch (const std::bad_alloc&) {
    return make_error(errc::limit_exceeded,
                      "out of memory for " + std::to_string(bytes) + " bytes of keys and values");
  }
}

result<std::unique_ptr<kv_sequence>> cpu_backend::open_sequence(uint32_t capacity) {
  auto seq = make_sequence(capacity);
  if (!seq)
    return seq.error();
  return std::unique_ptr<kv_sequence>(std::move(*seq));
}

status cpu_backend::forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                            std::span<float> logits) {
  AGORA_ASSERT(!tokens.empty());
  AGORA_ASSERT(logits.size() == config_.vocab_size);
  auto* seq = dynamic_cast<cpu::cpu_sequence*>(&sequence);
  AGORA_ASSERT(seq != nullptr);
  AGORA_ASSERT(seq->owner() == this);
  if (status s = check_token_ids(config_, tokens); !s)
    return s;
  if (status s = check_room(*seq, tokens.size()); !s)
    return s;
  const uint32_t T = static_cast<uint32_t>(tokens.size());
  const uint32_t C = config_.hidden_size;
  std::vector<float> hidden(size_t{T} * C);
  cpu::transformer_forward(config_, weights_, *seq, tokens, hidden);
  const std::span<const float> last = std::span<const float>(hidden).subspan(size_t{T - 1} * C);
  cpu::linear_forward(logits, last, 1, weights_.lm_head_view(config_.vocab_size, C));
  seq->advance(T);
  return {};
}

result<std::vector<float>> cpu_backend::embed(std::span<const uint32_t> tokens) {
  if (status s = check_embed_input(config_, tokens); !s)
    return s.error();
  const uint32_t T = static_cast<uint32_t>(tokens.size());
  const uint32_t C = config_.hidden_size;
  auto seq = make_sequence(T);
  if (!seq)
    return seq.error();
  std::vector<float> hidden(size_t{T} * C);
  cpu::transformer_forward(config_, weights_, **seq, tokens, hidden);
  std::vector<double> pooled(C, 0.0);
  for (uint32_t t = 0; t < T; ++t)
    for (uint32_t c = 0; c < C; ++c)
      pooled[c] += hidden[size_t{t} * C + c];
  return unit_mean(std::move(pooled), tokens.size());
}

}  // namespace agora::kernels

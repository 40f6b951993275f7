// The CUDA backend's public face (kernels/cuda/cuda_backend.hpp): loading, sequences and the
// checks every call makes before any GPU work, so that a refused call leaves its sequence as it
// was. The forward pass itself is kernels/cuda/cuda_model.cpp.
#include "kernels/cuda/cuda_backend.hpp"

#include <cmath>
#include <string>

#include "kernels/cuda/cuda_model.hpp"
#include "kernels/model/tensor_store.hpp"

namespace agora::kernels {

using cuda::cuda_model;
using cuda::cuda_sequence;

result<std::unique_ptr<cuda_backend>> cuda_backend::load(const std::filesystem::path& folder,
                                                         int device_index) {
  return load(folder, device_index, cuda_backend_options{});
}

result<std::unique_ptr<cuda_backend>> cuda_backend::load(const std::filesystem::path& folder,
                                                         int device_index,
                                                         const cuda_backend_options& options) {
  auto config = load_model_config(folder);
  if (!config)
    return config.error();
  auto store = tensor_store::open(folder);
  if (!store)
    return store.error();
  AGORA_CUDA_CHECK(cudaSetDevice(device_index));
  auto weights = cuda::load_cuda_weights(*store, *config);
  if (!weights)
    return weights.error();
  auto model = cuda_model::create(*config, std::move(*weights), options, device_index);
  if (!model)
    return model.error();
  return std::make_unique<cuda_backend>(std::move(*config), std::move(*model));
}

cuda_backend::cuda_backend(model_config config, std::unique_ptr<cuda_model> model)
    : config_(std::move(config)), model_(std::move(model)) {
  AGORA_ASSERT(model_ != nullptr);
  AGORA_ASSERT(model_->pool()->blocks_total() > 0);
}

cuda_backend::~cuda_backend() = default;

uint32_t cuda_backend::kv_blocks_free() const {
  return model_->pool()->blocks_free();
}
uint32_t cuda_backend::kv_blocks_total() const {
  return model_->pool()->blocks_total();
}

result<std::unique_ptr<kv_sequence>> cuda_backend::open_sequence(uint32_t capacity) {
  if (capacity == 0)
    return make_error(errc::invalid_argument, "a sequence needs a capacity of at least 1");
  if (capacity > config_.max_positions)
    return make_error(errc::limit_exceeded,
                      "capacity " + std::to_string(capacity) + " is over the model's " +
                          std::to_string(config_.max_positions) + " positions");
  const uint32_t needed = (capacity + cuda::kv_block_size - 1) / cuda::kv_block_size;
  std::vector<int32_t> blocks;
  if (!model_->pool()->take(needed, &blocks))
    return make_error(errc::limit_exceeded, "capacity " + std::to_string(capacity) + " needs " +
                                                std::to_string(needed) + " KV blocks; " +
                                                std::to_string(kv_blocks_free()) + " of " +
                                                std::to_string(kv_blocks_total()) + " are free");
  return std::unique_ptr<kv_sequence>(
      std::make_unique<cuda_sequence>(this, model_->pool(), std::move(blocks), capacity));
}

status cuda_backend::check_entry(kv_sequence& sequence, std::span<const uint32_t> tokens,
                                 std::span<float> logits) const {
  AGORA_ASSERT(!tokens.empty());
  AGORA_ASSERT(logits.size() == config_.vocab_size);
  auto* seq = dynamic_cast<cuda_sequence*>(&sequence);
  AGORA_ASSERT(seq != nullptr);
  AGORA_ASSERT(seq->owner() == this);
  if (status s = check_token_ids(config_, tokens); !s)
    return s.error();
  if (status s = check_room(*seq, tokens.size()); !s)
    return s;
  return {};
}

// Runs a checked multi-token entry in chunks of prefill_rows_max(); the sequence advances only
// when every chunk ran.
status cuda_backend::prefill(kv_sequence& sequence, std::span<const uint32_t> tokens,
                             std::span<float> logits) {
  auto& seq = static_cast<cuda_sequence&>(sequence);
  const size_t chunk = model_->prefill_rows_max();
  for (size_t done = 0; done < tokens.size(); done += chunk) {
    const std::span<const uint32_t> part =
        tokens.subspan(done, std::min(chunk, tokens.size() - done));
    const bool last = done + part.size() == tokens.size();
    std::vector<float> discard(last ? 0 : config_.vocab_size);
    AGORA_CUDA_TRY(model_->prefill(seq.blocks(), part, seq.length() + static_cast<uint32_t>(done),
                                   last ? logits : std::span<float>(discard), {}));
  }
  seq.advance(static_cast<uint32_t>(tokens.size()));
  return {};
}

status cuda_backend::forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                             std::span<float> logits) {
  if (status s = check_entry(sequence, tokens, logits); !s)
    return s;
  if (tokens.size() > 1)
    return prefill(sequence, tokens, logits);
  batch_entry entry{&sequence, tokens, logits, {}};
  batch_entry* one[] = {&entry};
  decode_batch(one);
  return entry.outcome;
}

// Checked single-token entries, at most cuda_decode_rows_max: one decode step for all.
void cuda_backend::decode_batch(std::span<batch_entry*> entries) {
  AGORA_ASSERT(!entries.empty() && entries.size() <= cuda_decode_rows_max);
  std::vector<cuda::decode_row> rows;
  for (batch_entry* e : entries) {
    auto* seq = static_cast<cuda_sequence*>(e->sequence);
    rows.push_back(cuda::decode_row{seq->blocks(), e->tokens[0], seq->length(), e->logits});
  }
  status s = model_->decode(rows);
  for (batch_entry* e : entries) {
    e->outcome = s;
    if (s)
      static_cast<cuda_sequence*>(e->sequence)->advance(1);
  }
}

void cuda_backend::forward_batch(std::span<batch_entry> entries) {
  std::vector<batch_entry*> decode;
  for (batch_entry& e : entries) {
    e.outcome = check_entry(*e.sequence, e.tokens, e.logits);
    if (!e.outcome)
      continue;
    if (e.tokens.size() == 1)
      decode.push_back(&e);
    else
      e.outcome = prefill(*e.sequence, e.tokens, e.logits);
  }
  for (size_t done = 0; done < decode.size(); done += cuda_decode_rows_max) {
    const size_t count = std::min<size_t>(cuda_decode_rows_max, decode.size() - done);
    decode_batch(std::span<batch_entry*>(decode).subspan(done, count));
  }
}

result<std::vector<float>> cuda_backend::embed(std::span<const uint32_t> tokens) {
  if (status s = check_embed_input(config_, tokens); !s)
    return s.error();
  auto seq = open_sequence(static_cast<uint32_t>(tokens.size()));
  if (!seq)
    return seq.error();
  const auto& cs = static_cast<const cuda_sequence&>(**seq);
  const uint32_t C = config_.hidden_size;
  const size_t chunk = model_->prefill_rows_max();
  std::vector<double> pooled(C, 0.0);
  for (size_t done = 0; done < tokens.size(); done += chunk) {
    const auto part = tokens.subspan(done, std::min(chunk, tokens.size() - done));
    std::vector<float> hidden(part.size() * C);
    AGORA_CUDA_TRY(model_->prefill(cs.blocks(), part, static_cast<uint32_t>(done), {}, hidden));
    for (size_t t = 0; t < part.size(); ++t)
      for (uint32_t c = 0; c < C; ++c)
        pooled[c] += hidden[t * C + c];
  }
  return unit_mean(std::move(pooled), tokens.size());
}

}  // namespace agora::kernels

// The interface every compute backend of the engine implements (DESIGN §8): the CPU reference
// (kernels/cpu/cpu_backend.hpp) now, CUDA later. A backend owns one loaded model and runs its
// forward pass over sequences whose keys and values it keeps; tokenizing, sampling and stopping
// live above it (kernels/engine/), so every backend shares them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "kernels/model/model_config.hpp"

namespace agora::kernels {

/// The keys and values of one sequence, owned by the backend that made it.
class kv_sequence {
 public:
  virtual ~kv_sequence() = default;
  /// Positions already run (the next token goes at this position).
  virtual uint32_t length() const = 0;
  /// Positions this sequence may hold at most.
  virtual uint32_t capacity() const = 0;
};

/// One sequence's share of a batched step: run `tokens` on `sequence`, write the logits of the
/// last of them into `logits`, and report how it went in `outcome`.
struct batch_entry {
  kv_sequence* sequence = nullptr;
  std::span<const uint32_t> tokens;
  std::span<float> logits;
  status outcome;
};

/// The checks every backend makes before running tokens on a sequence (backend.cpp).
/// invalid_argument naming the first token id that is not below config.vocab_size.
status check_token_ids(const model_config& config, std::span<const uint32_t> tokens);
/// limit_exceeded when `count` more tokens do not fit in `sequence`.
status check_room(const kv_sequence& sequence, size_t count);
/// What `embed` accepts: at least one token, no more than max_positions, ids in the vocabulary.
status check_embed_input(const model_config& config, std::span<const uint32_t> tokens);
/// An embedding from the per-dimension sums of `count` hidden states: their mean, L2-normalised
/// (all zeros when the mean is zero). REQUIRES: count ≥ 1.
std::vector<float> unit_mean(std::vector<double> sums, size_t count);

class backend {
 public:
  virtual ~backend() = default;
  virtual const model_config& config() const = 0;
  /// "cpu" or "cuda".
  virtual std::string_view name() const = 0;
  /// A new empty sequence for up to `capacity` positions (≤ config().max_positions).
  /// Errors: limit_exceeded (capacity over the model's context or the memory left).
  virtual result<std::unique_ptr<kv_sequence>> open_sequence(uint32_t capacity) = 0;
  /// Runs `tokens` at positions sequence.length() onwards, appends their keys and values, and
  /// writes the logits of the last of them (config().vocab_size floats) into `logits`.
  /// REQUIRES: tokens non-empty; logits.size() == vocab_size; sequence made by this backend.
  /// Errors: invalid_argument (a token id ≥ vocab_size), limit_exceeded (past the capacity).
  /// On error the sequence is unchanged.
  virtual status forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                         std::span<float> logits) = 0;
  /// One step of continuous batching: every entry as `forward` would run it, each entry's
  /// outcome independent of the others (a failed entry leaves its sequence unchanged and the
  /// rest still run). In deterministic mode an entry's logits must not depend on what else is
  /// in the batch. REQUIRES: distinct sequences. This default runs the entries one by one;
  /// backends that gain from batching (CUDA: one GEMM for every decode row) override it.
  virtual void forward_batch(std::span<batch_entry> entries) {
    for (batch_entry& e : entries)
      e.outcome = forward(*e.sequence, e.tokens, e.logits);
  }
  /// The final hidden states (after the last norm) of `tokens` run as a fresh sequence,
  /// mean-pooled over positions and L2-normalised: config().hidden_size floats (embeddings).
  virtual result<std::vector<float>> embed(std::span<const uint32_t> tokens) = 0;
};

}  // namespace agora::kernels

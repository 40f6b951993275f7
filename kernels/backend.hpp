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
  /// The final hidden states (after the last norm) of `tokens` run as a fresh sequence,
  /// mean-pooled over positions and L2-normalised: config().hidden_size floats (embeddings).
  virtual result<std::vector<float>> embed(std::span<const uint32_t> tokens) = 0;
};

}  // namespace agora::kernels

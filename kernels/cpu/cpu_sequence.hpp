// One sequence's keys and values in the CPU reference backend: for each layer, `capacity` rows
// of kv_heads × head_dim floats for the keys and as many for the values, allocated up front.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/backend.hpp"

namespace agora::kernels::cpu {

class cpu_sequence final : public kv_sequence {
 public:
  /// REQUIRES: capacity > 0, kv_width > 0. Allocates layers × capacity × kv_width × 2 floats.
  cpu_sequence(const void* owner, uint32_t layers, uint32_t capacity, uint32_t kv_width);

  uint32_t length() const override { return length_; }
  uint32_t capacity() const override { return capacity_; }

  /// The backend that made this sequence (forward checks it runs its own sequences).
  const void* owner() const { return owner_; }
  /// All `capacity` key (value) rows of `layer`.
  std::span<float> keys(uint32_t layer);
  std::span<float> values(uint32_t layer);
  /// Marks `count` more positions as run. REQUIRES: length() + count ≤ capacity().
  void advance(uint32_t count);

 private:
  const void* owner_;
  uint32_t layers_, capacity_, kv_width_;
  uint32_t length_ = 0;
  std::vector<float> keys_, values_;  // (layers, capacity, kv_width)
};

}  // namespace agora::kernels::cpu

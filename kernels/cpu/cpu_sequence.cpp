// The KV cache of one sequence on the CPU (kernels/cpu/cpu_sequence.hpp).
#include "kernels/cpu/cpu_sequence.hpp"

#include "core/assert.hpp"

namespace agora::kernels::cpu {

cpu_sequence::cpu_sequence(const void* owner, uint32_t layers, uint32_t capacity, uint32_t kv_width)
    : owner_(owner), layers_(layers), capacity_(capacity), kv_width_(kv_width),
      keys_(size_t{layers} * capacity * kv_width), values_(keys_.size()) {
  AGORA_ASSERT(capacity > 0);
  AGORA_ASSERT(kv_width > 0);
}

std::span<float> cpu_sequence::keys(uint32_t layer) {
  AGORA_ASSERT(layer < layers_);
  const size_t rows = size_t{capacity_} * kv_width_;
  return std::span<float>(keys_).subspan(layer * rows, rows);
}

std::span<float> cpu_sequence::values(uint32_t layer) {
  AGORA_ASSERT(layer < layers_);
  const size_t rows = size_t{capacity_} * kv_width_;
  return std::span<float>(values_).subspan(layer * rows, rows);
}

void cpu_sequence::advance(uint32_t count) {
  AGORA_ASSERT(count <= capacity_ - length_);
  length_ += count;
  AGORA_ASSERT(length_ <= capacity_);
}

}  // namespace agora::kernels::cpu

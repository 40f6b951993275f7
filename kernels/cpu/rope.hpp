// Rotary position embedding for the CPU reference backend, as HF Llama applies it
// (rotate_half): within each head, element i pairs with element i + head_dim/2, and the pair turns
// by position · inv_freq[i], inv_freq[i] = 1 / theta^(2i / head_dim).
#pragma once

#include <cstdint>
#include <span>

namespace agora::kernels::cpu {

/// Rotates `heads` heads of head_dim floats in each of T rows (row t is at position
/// first_position + t; rows are `stride` floats apart and the heads start each row), in place.
/// REQUIRES: head_dim even; stride ≥ heads × head_dim; x holds (T - 1) × stride + heads × head_dim.
void rope_forward(std::span<float> x, uint32_t T, size_t stride, uint32_t heads, uint32_t head_dim,
                  uint32_t first_position, float theta);

}  // namespace agora::kernels::cpu

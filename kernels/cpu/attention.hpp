// Causal self-attention of the CPU reference backend over one sequence's KV cache, with
// grouped-query attention (head h reads KV head h / (heads / kv_heads), as HF repeat_kv).
// Softmax is max-subtracted, scaled by 1/sqrt(head_dim), and summed in a fixed order.
#pragma once

#include <cstdint>
#include <span>

namespace agora::kernels::cpu {

struct attention_shape {
  uint32_t heads = 0, kv_heads = 0, head_dim = 0;
};

/// For each of T query rows at positions first_position + t, attends to cache positions
/// 0..first_position + t. q rows are `q_stride` floats apart with the heads first; keys and
/// values are rows of kv_heads × head_dim floats, one per position; out is T × heads × head_dim.
/// REQUIRES: heads a multiple of kv_heads; keys and values hold first_position + T rows.
void attention_forward(std::span<float> out, std::span<const float> q, size_t q_stride,
                       std::span<const float> keys, std::span<const float> values, uint32_t T,
                       uint32_t first_position, const attention_shape& shape);

}  // namespace agora::kernels::cpu

// Causal GQA attention over the KV cache for the CPU reference backend
// (kernels/cpu/attention.hpp).
#include "kernels/cpu/attention.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/assert.hpp"

namespace agora::kernels::cpu {

namespace {

// One query head against `positions` cached keys and values: out = softmax(q·kᵀ·scale) · v.
void attend_one(float* out, const float* q, const float* keys, const float* values,
                size_t kv_stride, uint32_t positions, uint32_t head_dim, float scale,
                std::vector<float>& scores) {
  float max_score = -INFINITY;
  for (uint32_t p = 0; p < positions; ++p) {
    const float* k = keys + p * kv_stride;
    float dot = 0.0f;
    for (uint32_t d = 0; d < head_dim; ++d)
      dot += q[d] * k[d];
    scores[p] = dot * scale;
    max_score = std::max(max_score, scores[p]);
  }
  double total = 0;
  for (uint32_t p = 0; p < positions; ++p) {
    scores[p] = std::exp(scores[p] - max_score);
    total += scores[p];
  }
  const float inverse = static_cast<float>(1.0 / total);
  for (uint32_t d = 0; d < head_dim; ++d)
    out[d] = 0.0f;
  for (uint32_t p = 0; p < positions; ++p) {
    const float weight = scores[p] * inverse;
    const float* v = values + p * kv_stride;
    for (uint32_t d = 0; d < head_dim; ++d)
      out[d] += weight * v[d];
  }
}

}  // namespace

void attention_forward(std::span<float> out, std::span<const float> q, size_t q_stride,
                       std::span<const float> keys, std::span<const float> values, uint32_t T,
                       uint32_t first_position, const attention_shape& shape) {
  AGORA_ASSERT(shape.kv_heads > 0);
  AGORA_ASSERT(shape.heads % shape.kv_heads == 0);
  const size_t q_width = size_t{shape.heads} * shape.head_dim;
  const size_t kv_stride = size_t{shape.kv_heads} * shape.head_dim;
  const size_t positions_max = size_t{first_position} + T;
  AGORA_ASSERT(out.size() == T * q_width);
  AGORA_ASSERT(q_stride >= q_width);
  AGORA_ASSERT(T == 0 || q.size() >= (T - 1) * q_stride + q_width);
  AGORA_ASSERT(keys.size() >= positions_max * kv_stride);
  AGORA_ASSERT(values.size() >= positions_max * kv_stride);
  const uint32_t group = shape.heads / shape.kv_heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(shape.head_dim));
  std::vector<float> scores(positions_max);
  for (uint32_t t = 0; t < T; ++t) {
    for (uint32_t h = 0; h < shape.heads; ++h) {
      const size_t kv_offset = size_t{h / group} * shape.head_dim;
      attend_one(out.data() + t * q_width + size_t{h} * shape.head_dim,
                 q.data() + t * q_stride + size_t{h} * shape.head_dim, keys.data() + kv_offset,
                 values.data() + kv_offset, kv_stride, first_position + t + 1, shape.head_dim,
                 scale, scores);
    }
  }
}

}  // namespace agora::kernels::cpu

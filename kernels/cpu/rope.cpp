// RoPE for the CPU reference backend (kernels/cpu/rope.hpp). The angles are computed in fp32 the
// way HF computes them (inv_freq in fp32, position × inv_freq in fp32, then cos and sin), so the
// rotation matches the reference to the last bits where the libm does.
#include "kernels/cpu/rope.hpp"

#include <cmath>
#include <vector>

#include "core/assert.hpp"

namespace agora::kernels::cpu {

void rope_forward(std::span<float> x, uint32_t T, size_t stride, uint32_t heads, uint32_t head_dim,
                  uint32_t first_position, float theta) {
  AGORA_ASSERT(head_dim % 2 == 0);
  AGORA_ASSERT(stride >= size_t{heads} * head_dim);
  AGORA_ASSERT(T == 0 || x.size() >= (T - 1) * stride + size_t{heads} * head_dim);
  const uint32_t half = head_dim / 2;
  std::vector<float> inv_freq(half), cos_t(half), sin_t(half);
  for (uint32_t i = 0; i < half; ++i) {
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(head_dim);
    inv_freq[i] = 1.0f / std::pow(theta, exponent);
  }
  for (uint32_t t = 0; t < T; ++t) {
    const float position = static_cast<float>(first_position + t);
    for (uint32_t i = 0; i < half; ++i) {
      const float angle = position * inv_freq[i];
      cos_t[i] = std::cos(angle);
      sin_t[i] = std::sin(angle);
    }
    for (uint32_t h = 0; h < heads; ++h) {
      float* v = x.data() + t * stride + size_t{h} * head_dim;
      for (uint32_t i = 0; i < half; ++i) {
        const float a = v[i], b = v[i + half];
        v[i] = a * cos_t[i] - b * sin_t[i];
        v[i + half] = b * cos_t[i] + a * sin_t[i];
      }
    }
  }
}

}  // namespace agora::kernels::cpu

// LayerNorm and RMSNorm for the CPU reference backend (kernels/cpu/norms.hpp). Sums run in
// double in channel order: accurate, and the same order every time.
#include "kernels/cpu/norms.hpp"

#include <cmath>

#include "core/assert.hpp"

namespace agora::kernels::cpu {

void layernorm_forward(std::span<float> out, std::span<const float> in,
                       std::span<const float> weight, std::span<const float> bias, uint32_t T,
                       uint32_t C, float eps) {
  AGORA_ASSERT(in.size() == size_t{T} * C);
  AGORA_ASSERT(out.size() == in.size());
  AGORA_ASSERT(weight.size() == C);
  AGORA_ASSERT(bias.size() == C);
  for (uint32_t t = 0; t < T; ++t) {
    const float* x = in.data() + size_t{t} * C;
    float* y = out.data() + size_t{t} * C;
    double sum = 0;
    for (uint32_t c = 0; c < C; ++c)
      sum += x[c];
    const double mean = sum / C;
    double squares = 0;
    for (uint32_t c = 0; c < C; ++c)
      squares += (x[c] - mean) * (x[c] - mean);
    const double rstd = 1.0 / std::sqrt(squares / C + eps);
    for (uint32_t c = 0; c < C; ++c)
      y[c] = static_cast<float>((x[c] - mean) * rstd) * weight[c] + bias[c];
  }
}

void rmsnorm_forward(std::span<float> out, std::span<const float> in, std::span<const float> weight,
                     uint32_t T, uint32_t C, float eps) {
  AGORA_ASSERT(in.size() == size_t{T} * C);
  AGORA_ASSERT(out.size() == in.size());
  AGORA_ASSERT(weight.size() == C);
  for (uint32_t t = 0; t < T; ++t) {
    const float* x = in.data() + size_t{t} * C;
    float* y = out.data() + size_t{t} * C;
    double squares = 0;
    for (uint32_t c = 0; c < C; ++c)
      squares += double{x[c]} * x[c];
    // HF: variance in fp32, x · rsqrt(variance + eps), then weight ·.
    const float rstd = static_cast<float>(1.0 / std::sqrt(squares / C + eps));
    for (uint32_t c = 0; c < C; ++c)
      y[c] = weight[c] * (x[c] * rstd);
  }
}

}  // namespace agora::kernels::cpu

// The normalisations of the CPU reference backend, one row of C channels at a time:
// LayerNorm (GPT-2, torch.nn.functional.layer_norm) and RMSNorm (Llama, HF LlamaRMSNorm).
#pragma once

#include <cstdint>
#include <span>

namespace agora::kernels::cpu {

/// out = (x - mean) / sqrt(var + eps) · weight + bias per row (biased variance).
/// REQUIRES: in and out hold T × C floats; weight and bias C floats.
void layernorm_forward(std::span<float> out, std::span<const float> in,
                       std::span<const float> weight, std::span<const float> bias, uint32_t T,
                       uint32_t C, float eps);

/// out = x · rsqrt(mean(x²) + eps) · weight per row.
/// REQUIRES: in and out hold T × C floats; weight C floats.
void rmsnorm_forward(std::span<float> out, std::span<const float> in, std::span<const float> weight,
                     uint32_t T, uint32_t C, float eps);

}  // namespace agora::kernels::cpu

// The MLP activations of the CPU reference backend: GELU with the tanh approximation (HF
// "gelu_new", GPT-2) and SwiGLU's silu(gate) · up (Llama).
#pragma once

#include <span>

namespace agora::kernels::cpu {

/// x = 0.5 · x · (1 + tanh(sqrt(2/π) · (x + 0.044715 · x³))), in place.
void gelu_forward(std::span<float> x);

/// out[i] = silu(gate[i]) · up[i] with silu(g) = g / (1 + exp(-g)).
/// REQUIRES: out, gate and up have one size.
void swiglu_forward(std::span<float> out, std::span<const float> gate, std::span<const float> up);

}  // namespace agora::kernels::cpu

// GELU (tanh) and SwiGLU for the CPU reference backend (kernels/cpu/activations.hpp).
#include "kernels/cpu/activations.hpp"

#include <cmath>

#include "core/assert.hpp"

namespace agora::kernels::cpu {

void gelu_forward(std::span<float> x) {
  const float scale = std::sqrt(2.0f / 3.14159265358979323846f);
  for (float& v : x) {
    const float cube = 0.044715f * v * v * v;
    v = 0.5f * v * (1.0f + std::tanh(scale * (v + cube)));
  }
}

void swiglu_forward(std::span<float> out, std::span<const float> gate, std::span<const float> up) {
  AGORA_ASSERT(gate.size() == up.size());
  AGORA_ASSERT(out.size() == gate.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

}  // namespace agora::kernels::cpu

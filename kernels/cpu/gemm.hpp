// The projections of the CPU reference backend: out = in · W (+ bias) over T rows at once, one
// OpenBLAS sgemm per call. Weights keep the layout their checkpoint has, so nothing is transposed
// at load: GPT-2's Conv1D stores [in, out], torch's nn.Linear stores [out, in].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace agora::kernels::cpu {

enum class weight_layout : uint8_t {
  in_out,  // W is [in, out]: y = x · W (HF GPT-2 Conv1D)
  out_in,  // W is [out, in]: y = x · Wᵀ (nn.Linear, Llama)
};

/// A projection's parameters, borrowed.
struct linear_view {
  std::span<const float> weight;  // in × out floats, laid out as `layout` says
  std::span<const float> bias;    // out floats, or empty
  uint32_t in = 0, out = 0;
  weight_layout layout = weight_layout::out_in;
};

/// A projection's parameters, owned.
struct linear_weights {
  std::vector<float> weight, bias;
  uint32_t in = 0, out = 0;
  weight_layout layout = weight_layout::out_in;

  linear_view view() const { return {weight, bias, in, out, layout}; }
};

/// out[T, w.out] = in[T, w.in] · W + bias. Each output element is one dot product over `in`
/// in a fixed order for a given T, so reruns are bitwise identical.
/// REQUIRES: in.size() == T × w.in, out.size() == T × w.out, weight and bias sized to match.
void linear_forward(std::span<float> out, std::span<const float> in, uint32_t T,
                    const linear_view& w);

}  // namespace agora::kernels::cpu

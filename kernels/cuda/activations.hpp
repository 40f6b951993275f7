// The MLP's activations between its two GEMMs (kernels/cuda/activations.cu): GELU-tanh with
// GPT-2's c_fc bias folded in, and Llama's SiLU(gate) × up over the packed gate|up output.
#pragma once

#include <cuda_runtime_api.h>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"

namespace agora::kernels::cuda {

/// out (N, F) 16-bit = gelu_tanh(in (N, F) fp32 + bias (F) fp32, or no bias when null).
status gelu_forward(void* out, const float* in, const float* bias, int N, int F, act_type type,
                    cudaStream_t stream);
/// out (N, F) 16-bit = silu(in[:, :F]) · in[:, F:], in (N, 2F) fp32.
status swiglu_forward(void* out, const float* in, int N, int F, act_type type, cudaStream_t stream);

}  // namespace agora::kernels::cuda

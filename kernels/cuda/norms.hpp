// LayerNorm (GPT-2) and RMSNorm (Llama) over the fp32 residual stream (kernels/cuda/norms.cu),
// each with the previous projection's bias folded in: GPT-2's attention and MLP output GEMMs
// add into the residual stream directly (beta = 1), and their bias joins it here, in the pass
// that reads the stream anyway.
#pragma once

#include <cuda_runtime_api.h>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"

namespace agora::kernels::cuda {

enum class norm_kind : uint8_t { layer, rms };

/// The parameters of one norm: weight (C) fp32, bias (C) fp32 (LayerNorm only), and
/// `residual_bias` (C) fp32 or null: added to x (and stored back) before normalising.
struct norm_params {
  norm_kind kind = norm_kind::rms;
  const float* weight = nullptr;
  const float* bias = nullptr;
  const float* residual_bias = nullptr;
  float eps = 1e-5f;
};

/// out (N, C) = norm(x (N, C)) in the model's 16-bit type (a GEMM input).
status norm_forward(void* out, float* x, const norm_params& p, int N, int C, act_type type,
                    cudaStream_t stream);
/// The same with an fp32 output (final hidden states for embeddings); out may equal x.
status norm_forward_f32(float* out, float* x, const norm_params& p, int N, int C,
                        cudaStream_t stream);

}  // namespace agora::kernels::cuda

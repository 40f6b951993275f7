// Token (+ learned position, GPT-2) embedding into the fp32 residual stream
// (kernels/cuda/embedding.cu).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"
#include "kernels/cuda/kv_layout.hpp"

namespace agora::kernels::cuda {

/// x (N, C) fp32 = wte[tokens[n]] (+ wpe[rows[n].position] when wpe is not null).
/// REQUIRES: every token < V and position < P (checked on the host before the step).
status embedding_forward(float* x, const int32_t* tokens, const row_info* rows, const void* wte,
                         const void* wpe, int N, int C, act_type type, cudaStream_t stream);

}  // namespace agora::kernels::cuda

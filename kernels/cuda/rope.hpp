// The step between the q|k|v projection and attention (kernels/cuda/rope.cu): add the
// projection's bias (GPT-2), rotate q and k by RoPE (Llama), write q out for attention and
// append k and v to the paged KV cache — one pass over the projection's output.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"
#include "kernels/cuda/kv_layout.hpp"

namespace agora::kernels::cuda {

struct qkv_params {
  int heads = 0, kv_heads = 0, head_dim = 0;  // NH, KVH, D
  const float* bias = nullptr;                // (NH·D + 2·KVH·D) or null
  const float2* rope = nullptr;  // (P, D/2) (cos, sin) per position and pair, or null: no RoPE
  int layer = 0;
};

/// q (N, NH·D) fp32 ← qkv (N, NH·D + 2·KVH·D) fp32, and keys and values of row n into the
/// cache at rows[n].position through block_table. REQUIRES: every row's blocks exist.
status qkv_rope_forward(float* q, const float* qkv, void* kv_pool, const kv_layout& layout,
                        const row_info* rows, const int32_t* block_table, const qkv_params& p,
                        int N, act_type type, cudaStream_t stream);

}  // namespace agora::kernels::cuda

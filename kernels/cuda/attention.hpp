// Causal grouped-query attention over the paged KV cache (kernels/cuda/attention.cu).
// Prefill: the rows are consecutive positions of one sequence; a tiled, flash-style kernel
// keeps a query tile on chip and streams key/value tiles past it with an online softmax (on the
// tensor cores, or on the CUDA cores in fp32 as the fallback and reference). Decode: one row per
// sequence; the keys are cut into fixed-length splits (a model constant, so a row's arithmetic
// never depends on the batch) reduced by a second kernel in split order. Both are deterministic: no
// atomics, fixed reduction order.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"
#include "kernels/cuda/kv_layout.hpp"

namespace agora::kernels::cuda {

struct attention_params {
  int heads = 0, kv_heads = 0, head_dim = 0;  // NH, KVH, D (16, 32, 64 or 128)
  int layer = 0;
  float scale = 1.0f;  // 1 / sqrt(D)
};

/// True for the head sizes the kernels are built for.
bool attention_supports(int head_dim);

/// out (T, NH·D) 16-bit ← q (T, NH·D) fp32 of positions first .. first + T - 1 of one
/// sequence whose blocks are `block_table`; every key up to each row's position is cached.
status attention_prefill_forward(void* out, const float* q, const void* kv_pool,
                                 const kv_layout& layout, const int32_t* block_table, int first,
                                 int T, const attention_params& p, act_type type,
                                 cudaStream_t stream);

/// The same on the tensor cores (attention_prefill_mma.cu): 64-query tiles, q and the softmax
/// weights rounded to 16 bits as mma operands. The default for prefill.
status attention_prefill_mma_forward(void* out, const float* q, const void* kv_pool,
                                     const kv_layout& layout, const int32_t* block_table, int first,
                                     int T, const attention_params& p, act_type type,
                                     cudaStream_t stream);

/// True when this binary's attention_prefill_mma_forward kernel was built for sm_80 or newer
/// (mma.sync with bf16 operands); otherwise the kernel is empty and must not be launched.
/// Errors from the runtime read as false.
bool attention_prefill_mma_available();

/// Scratch for decode: per (row, head, split) the running max, sum and D accumulators.
struct decode_scratch {
  float* partial = nullptr;  // (N, NH, splits_max, D + 2)
  int split_len = 256;       // keys per split: a model constant
  int splits_max = 1;        // ceil(max_positions / split_len)
};

/// out (N, NH·D) 16-bit ← q (N, NH·D) fp32: each row attends to positions 0 ..
/// rows[n].position of its own sequence.
status attention_decode_forward(void* out, const float* q, const void* kv_pool,
                                const kv_layout& layout, const row_info* rows,
                                const int32_t* block_table, const decode_scratch& scratch, int N,
                                const attention_params& p, act_type type, cudaStream_t stream);

}  // namespace agora::kernels::cuda

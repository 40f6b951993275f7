// A GPT-2 or Llama model's weights on the GPU (kernels/cuda/cuda_weights.cpp): matrices and
// embeddings in the 16-bit type (bf16; fp16 when the checkpoint is fp16; fp32 checkpoints are
// rounded to bf16), norm weights and biases in fp32 (they are tiny and read once per row).
// Every matrix is stored [out, in] (GPT-2's Conv1D [in, out] is transposed at load) and the
// same packings as the CPU backend: q|k|v in one matrix, Llama's gate|up in one.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"
#include "kernels/cuda/device_buffer.hpp"
#include "kernels/model/model_config.hpp"
#include "kernels/model/tensor_store.hpp"

namespace agora::kernels::cuda {

struct cuda_layer_weights {
  device_buffer norm1_weight, norm1_bias;  // (C) fp32; biases GPT-2 only
  device_buffer norm2_weight, norm2_bias;
  device_buffer qkv, qkv_bias;            // (NH·D + 2·KVH·D, C); bias fp32, GPT-2
  device_buffer attn_out, attn_out_bias;  // (C, NH·D)
  device_buffer mlp_in, mlp_in_bias;      // (F, C) GPT-2 c_fc; (2F, C) Llama gate|up
  device_buffer mlp_out, mlp_out_bias;    // (C, F)
};

struct cuda_model_weights {
  act_type type = act_type::bf16;
  device_buffer token_embedding;     // (V, C)
  device_buffer position_embedding;  // (P, C), GPT-2 only
  std::vector<cuda_layer_weights> layers;
  device_buffer final_norm_weight, final_norm_bias;
  device_buffer lm_head;  // (V, C); empty when tied to the token embedding
  device_buffer rope;     // (P, D/2) float2 (cos, sin), Llama only
  uint64_t bytes = 0;     // device bytes of everything above

  /// The output projection (V, C): lm_head, or the token embedding when tied.
  const void* lm_head_weights() const {
    return lm_head.get() != nullptr ? lm_head.get() : token_embedding.get();
  }
};

/// The storage type for a checkpoint of `stored` dtype: fp16 stays fp16, the rest become bf16.
act_type act_type_for(dtype stored);

/// Loads and uploads every weight of `config`'s architecture. Errors: those of
/// tensor_store::load_f32 (not_found, malformed, unsupported), naming the tensor, and
/// limit_exceeded / io_error from the device (out of memory names the tensor).
result<cuda_model_weights> load_cuda_weights(const tensor_store& store, const model_config& config);

}  // namespace agora::kernels::cuda

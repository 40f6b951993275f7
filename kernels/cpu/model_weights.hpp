// The weights of a GPT-2 or Llama model in fp32 for the CPU reference backend, loaded from a
// tensor_store with every shape checked against the config. Both architectures share one
// layout: a packed q|k|v projection (GPT-2's c_attn as stored; Llama's q, k and v stacked) and,
// for Llama, a packed gate|up projection, so the forward pass runs one GEMM for each. Llama's
// [out, in] projections are transposed to [in, out] at load, like GPT-2's Conv1D.
#pragma once

#include <vector>

#include "core/error.hpp"
#include "kernels/cpu/gemm.hpp"
#include "kernels/model/model_config.hpp"
#include "kernels/model/tensor_store.hpp"

namespace agora::kernels::cpu {

struct layer_weights {
  std::vector<float> norm1_weight, norm1_bias;  // ln_1 / input_layernorm; bias GPT-2 only
  std::vector<float> norm2_weight, norm2_bias;  // ln_2 / post_attention_layernorm
  linear_weights qkv;                           // (C) -> (H·D | KV·D | KV·D)
  linear_weights attn_out;                      // (H·D) -> (C): c_proj / o_proj
  linear_weights mlp_in;                        // GPT-2 c_fc (C) -> (F); Llama gate|up (C) -> (2F)
  linear_weights mlp_out;                       // (F) -> (C): mlp.c_proj / down_proj
};

struct model_weights {
  std::vector<float> token_embedding;     // (V, C): wte / embed_tokens
  std::vector<float> position_embedding;  // (P, C): GPT-2 wpe; empty for Llama
  std::vector<layer_weights> layers;
  std::vector<float> final_norm_weight, final_norm_bias;  // ln_f / norm; bias GPT-2 only
  std::vector<float> lm_head;  // (V, C); empty when tied to token_embedding

  /// The output projection (V, C) as nn.Linear: lm_head, or the token embedding when tied.
  linear_view lm_head_view(uint32_t vocab, uint32_t hidden) const;
};

/// Loads every weight of `config`'s architecture. GPT-2 names are accepted with and without
/// the "transformer." prefix. Errors: those of tensor_store::load_f32 (not_found, malformed
/// shapes, unsupported dtypes), each naming the tensor.
result<model_weights> load_model_weights(const tensor_store& store, const model_config& config);

}  // namespace agora::kernels::cpu

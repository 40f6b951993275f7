// The forward pass of GPT-2 and Llama on the CPU (fp32, HF semantics): embeddings, then per
// layer norm → packed q|k|v GEMM → (RoPE) → KV cache append → causal attention → output GEMM →
// residual, norm → MLP → residual, and the final norm. Prefill runs all T tokens as T-row GEMMs.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/cpu/cpu_sequence.hpp"
#include "kernels/cpu/model_weights.hpp"
#include "kernels/model/model_config.hpp"

namespace agora::kernels::cpu {

/// Runs `tokens` at positions sequence.length() onwards, writes their keys and values into the
/// sequence's cache (without advancing it) and the final-norm hidden states (T × hidden_size)
/// into `hidden`.
/// REQUIRES: tokens non-empty, each < vocab_size; sequence.length() + T ≤ sequence.capacity() ≤
/// max_positions; hidden.size() == T × hidden_size.
void transformer_forward(const model_config& config, const model_weights& weights,
                         cpu_sequence& sequence, std::span<const uint32_t> tokens,
                         std::span<float> hidden);

}  // namespace agora::kernels::cpu

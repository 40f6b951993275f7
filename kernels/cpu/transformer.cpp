// The GPT-2 and Llama forward pass on the CPU (kernels/cpu/transformer.hpp). Single-threaded
// except inside OpenBLAS, whose sgemm never splits the inner dimension, so the same input gives
// bitwise the same output.
#include "kernels/cpu/transformer.hpp"

#include <algorithm>
#include <vector>

#include "core/assert.hpp"
#include "kernels/cpu/activations.hpp"
#include "kernels/cpu/attention.hpp"
#include "kernels/cpu/gemm.hpp"
#include "kernels/cpu/norms.hpp"
#include "kernels/cpu/rope.hpp"

namespace agora::kernels::cpu {

namespace {

// The activations of one forward call, T rows each.
struct scratch {
  scratch(const model_config& c, uint32_t T)
      : q_width(c.heads * c.head_dim), kv_width(c.kv_heads * c.head_dim),
        qkv_width(q_width + 2 * kv_width), normed(size_t{T} * c.hidden_size),
        qkv(size_t{T} * qkv_width), att(size_t{T} * q_width), proj(normed.size()),
        mlp_in(size_t{T} * c.intermediate_size * (c.arch == architecture::llama ? 2 : 1)),
        mlp_act(size_t{T} * c.intermediate_size) {}

  uint32_t q_width, kv_width, qkv_width;
  std::vector<float> normed;   // (T, C)
  std::vector<float> qkv;      // (T, Q + 2 KV)
  std::vector<float> att;      // (T, Q)
  std::vector<float> proj;     // (T, C)
  std::vector<float> mlp_in;   // (T, F) GPT-2, (T, 2F) Llama gate|up
  std::vector<float> mlp_act;  // (T, F) Llama silu(gate)·up
};

void norm_forward(const model_config& c, std::span<float> out, std::span<const float> in,
                  const std::vector<float>& weight, const std::vector<float>& bias, uint32_t T) {
  if (c.arch == architecture::gpt2)
    layernorm_forward(out, in, weight, bias, T, c.hidden_size, c.norm_eps);
  else
    rmsnorm_forward(out, in, weight, T, c.hidden_size, c.norm_eps);
}

void add_residual(std::span<float> x, std::span<const float> delta) {
  AGORA_ASSERT(x.size() == delta.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] += delta[i];
}

void embed_tokens(const model_config& c, const model_weights& w, std::span<const uint32_t> tokens,
                  uint32_t first, std::span<float> x) {
  const uint32_t C = c.hidden_size;
  for (size_t t = 0; t < tokens.size(); ++t) {
    AGORA_ASSERT(tokens[t] < c.vocab_size);
    const float* row = w.token_embedding.data() + size_t{tokens[t]} * C;
    std::copy(row, row + C, x.begin() + t * C);
    if (c.arch == architecture::gpt2) {
      const float* position = w.position_embedding.data() + (first + t) * C;
      for (uint32_t i = 0; i < C; ++i)
        x[t * C + i] += position[i];
    }
  }
}

void attention_block(const model_config& c, const layer_weights& lw, uint32_t layer,
                     cpu_sequence& seq, uint32_t T, std::span<float> x, scratch& s) {
  const uint32_t first = seq.length();
  norm_forward(c, s.normed, x, lw.norm1_weight, lw.norm1_bias, T);
  linear_forward(s.qkv, s.normed, T, lw.qkv.view());
  std::span<float> qkv(s.qkv);
  if (c.arch == architecture::llama) {
    rope_forward(qkv, T, s.qkv_width, c.heads, c.head_dim, first, c.rope_theta);
    rope_forward(qkv.subspan(s.q_width), T, s.qkv_width, c.kv_heads, c.head_dim, first,
                 c.rope_theta);
  }
  std::span<float> keys = seq.keys(layer), values = seq.values(layer);
  for (uint32_t t = 0; t < T; ++t) {
    const float* row = s.qkv.data() + size_t{t} * s.qkv_width;
    const size_t at = size_t{first + t} * s.kv_width;
    std::copy(row + s.q_width, row + s.q_width + s.kv_width, keys.begin() + at);
    std::copy(row + s.q_width + s.kv_width, row + s.qkv_width, values.begin() + at);
  }
  attention_forward(s.att, qkv, s.qkv_width, keys, values, T, first,
                    {c.heads, c.kv_heads, c.head_dim});
  linear_forward(s.proj, s.att, T, lw.attn_out.view());
  add_residual(x, s.proj);
}

void mlp_block(const model_config& c, const layer_weights& lw, uint32_t T, std::span<float> x,
               scratch& s) {
  norm_forward(c, s.normed, x, lw.norm2_weight, lw.norm2_bias, T);
  linear_forward(s.mlp_in, s.normed, T, lw.mlp_in.view());
  if (c.arch == architecture::gpt2) {
    gelu_forward(s.mlp_in);
    linear_forward(s.proj, s.mlp_in, T, lw.mlp_out.view());
  } else {
    const size_t F = c.intermediate_size;
    std::span<const float> gate_up(s.mlp_in);
    for (uint32_t t = 0; t < T; ++t)
      swiglu_forward(std::span<float>(s.mlp_act).subspan(t * F, F), gate_up.subspan(2 * t * F, F),
                     gate_up.subspan(2 * t * F + F, F));
    linear_forward(s.proj, s.mlp_act, T, lw.mlp_out.view());
  }
  add_residual(x, s.proj);
}

}  // namespace

void transformer_forward(const model_config& config, const model_weights& weights,
                         cpu_sequence& sequence, std::span<const uint32_t> tokens,
                         std::span<float> hidden) {
  const uint32_t T = static_cast<uint32_t>(tokens.size());
  AGORA_ASSERT(T > 0);
  AGORA_ASSERT(T <= sequence.capacity() - sequence.length());
  AGORA_ASSERT(sequence.capacity() <= config.max_positions);
  AGORA_ASSERT(hidden.size() == size_t{T} * config.hidden_size);
  AGORA_ASSERT(weights.layers.size() == config.layers);
  std::vector<float> x(hidden.size());  // the residual stream (T, C)
  embed_tokens(config, weights, tokens, sequence.length(), x);
  scratch s(config, T);
  for (uint32_t layer = 0; layer < config.layers; ++layer) {
    attention_block(config, weights.layers[layer], layer, sequence, T, x, s);
    mlp_block(config, weights.layers[layer], T, x, s);
  }
  norm_forward(config, hidden, x, weights.final_norm_weight, weights.final_norm_bias, T);
}

}  // namespace agora::kernels::cpu

// Loading GPT-2 and Llama weights in fp32 with shape checks (kernels/cpu/model_weights.hpp).
#include "kernels/cpu/model_weights.hpp"

#include <string>

#include "kernels/model/json_file.hpp"

namespace agora::kernels::cpu {

linear_view model_weights::lm_head_view(uint32_t vocab, uint32_t hidden) const {
  const std::vector<float>& weight = lm_head.empty() ? token_embedding : lm_head;
  AGORA_ASSERT(weight.size() == size_t{vocab} * hidden);
  return {weight, {}, hidden, vocab, weight_layout::out_in};
}

namespace {

// Loads tensors named relative to a prefix ("transformer." or "" for GPT-2, "model." for Llama).
class loader {
 public:
  loader(const tensor_store& store, std::string prefix)
      : store_(store), prefix_(std::move(prefix)) {}

  result<std::vector<float>> get(const std::string& name, std::vector<uint64_t> shape) const {
    return store_.load_f32(prefix_ + name, shape);
  }
  // A [in, out] (Conv1D) projection with bias.
  result<linear_weights> conv1d(const std::string& name, uint32_t in, uint32_t out) const {
    linear_weights w{{}, {}, in, out, weight_layout::in_out};
    AGORA_KERNELS_ASSIGN(w.weight, get(name + ".weight", {in, out}));
    AGORA_KERNELS_ASSIGN(w.bias, get(name + ".bias", {out}));
    return w;
  }
  // Linear projections [out_i, in] without bias, stacked along out and transposed to [in, out]:
  // OpenBLAS 0.3.21 sums a transposed B in a different order for one row than for many, and
  // prefill must give what decode gives.
  result<linear_weights> stacked(const std::vector<std::pair<std::string, uint32_t>>& parts,
                                 uint32_t in) const {
    uint32_t total = 0;
    for (const auto& part : parts)
      total += part.second;
    linear_weights w{std::vector<float>(size_t{in} * total), {}, in, total, weight_layout::in_out};
    uint32_t column = 0;
    for (const auto& [name, out] : parts) {
      std::vector<float> part;
      AGORA_KERNELS_ASSIGN(part, get(name + ".weight", {out, in}));
      for (uint32_t o = 0; o < out; ++o)
        for (uint32_t i = 0; i < in; ++i)
          w.weight[size_t{i} * total + column + o] = part[size_t{o} * in + i];
      column += out;
    }
    AGORA_ASSERT(column == total);
    return w;
  }

 private:
  const tensor_store& store_;
  std::string prefix_;
};

result<layer_weights> load_gpt2_layer(const loader& l, const model_config& c, uint32_t index) {
  const std::string p = "h." + std::to_string(index) + ".";
  const uint32_t C = c.hidden_size, F = c.intermediate_size;
  layer_weights w;
  AGORA_KERNELS_ASSIGN(w.norm1_weight, l.get(p + "ln_1.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.norm1_bias, l.get(p + "ln_1.bias", {C}));
  AGORA_KERNELS_ASSIGN(w.qkv, l.conv1d(p + "attn.c_attn", C, 3 * C));
  AGORA_KERNELS_ASSIGN(w.attn_out, l.conv1d(p + "attn.c_proj", C, C));
  AGORA_KERNELS_ASSIGN(w.norm2_weight, l.get(p + "ln_2.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.norm2_bias, l.get(p + "ln_2.bias", {C}));
  AGORA_KERNELS_ASSIGN(w.mlp_in, l.conv1d(p + "mlp.c_fc", C, F));
  AGORA_KERNELS_ASSIGN(w.mlp_out, l.conv1d(p + "mlp.c_proj", F, C));
  return w;
}

result<model_weights> load_gpt2(const tensor_store& store, const model_config& c) {
  // save_pretrained of GPT2LMHeadModel writes "transformer.wte.weight"; the original hub
  // checkpoints (GPT2Model) write "wte.weight".
  const loader l(store, store.contains("transformer.wte.weight") ? "transformer." : "");
  const uint32_t C = c.hidden_size;
  model_weights w;
  AGORA_KERNELS_ASSIGN(w.token_embedding, l.get("wte.weight", {c.vocab_size, C}));
  AGORA_KERNELS_ASSIGN(w.position_embedding, l.get("wpe.weight", {c.max_positions, C}));
  for (uint32_t i = 0; i < c.layers; ++i) {
    layer_weights layer;
    AGORA_KERNELS_ASSIGN(layer, load_gpt2_layer(l, c, i));
    w.layers.push_back(std::move(layer));
  }
  AGORA_KERNELS_ASSIGN(w.final_norm_weight, l.get("ln_f.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.final_norm_bias, l.get("ln_f.bias", {C}));
  return w;
}

result<layer_weights> load_llama_layer(const loader& l, const model_config& c, uint32_t index) {
  const std::string p = "layers." + std::to_string(index) + ".";
  const uint32_t C = c.hidden_size, F = c.intermediate_size;
  const uint32_t Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  layer_weights w;
  AGORA_KERNELS_ASSIGN(w.norm1_weight, l.get(p + "input_layernorm.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.qkv, l.stacked({{p + "self_attn.q_proj", Q},
                                         {p + "self_attn.k_proj", KV},
                                         {p + "self_attn.v_proj", KV}},
                                        C));
  AGORA_KERNELS_ASSIGN(w.attn_out, l.stacked({{p + "self_attn.o_proj", C}}, Q));
  AGORA_KERNELS_ASSIGN(w.norm2_weight, l.get(p + "post_attention_layernorm.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.mlp_in, l.stacked({{p + "mlp.gate_proj", F}, {p + "mlp.up_proj", F}}, C));
  AGORA_KERNELS_ASSIGN(w.mlp_out, l.stacked({{p + "mlp.down_proj", C}}, F));
  return w;
}

result<model_weights> load_llama(const tensor_store& store, const model_config& c) {
  const loader l(store, "model.");
  model_weights w;
  AGORA_KERNELS_ASSIGN(w.token_embedding,
                       l.get("embed_tokens.weight", {c.vocab_size, c.hidden_size}));
  for (uint32_t i = 0; i < c.layers; ++i) {
    layer_weights layer;
    AGORA_KERNELS_ASSIGN(layer, load_llama_layer(l, c, i));
    w.layers.push_back(std::move(layer));
  }
  AGORA_KERNELS_ASSIGN(w.final_norm_weight, l.get("norm.weight", {c.hidden_size}));
  if (!c.tie_word_embeddings) {
    const loader head(store, "");
    AGORA_KERNELS_ASSIGN(w.lm_head, head.get("lm_head.weight", {c.vocab_size, c.hidden_size}));
  }
  return w;
}

}  // namespace

result<model_weights> load_model_weights(const tensor_store& store, const model_config& config) {
  result<model_weights> weights =
      config.arch == architecture::gpt2 ? load_gpt2(store, config) : load_llama(store, config);
  if (weights) {
    AGORA_ASSERT(weights->layers.size() == config.layers);
    AGORA_ASSERT(!weights->token_embedding.empty());
  }
  return weights;
}

}  // namespace agora::kernels::cpu

// Loading GPT-2 and Llama weights onto the GPU (kernels/cuda/cuda_weights.hpp). Each tensor is
// read through tensor_store::load_f32 (exact for BF16 and F16, so converting back loses
// nothing), reshaped on the host and copied up once.
#include "kernels/cuda/cuda_weights.hpp"

#include <cuda_fp16.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/model/json_file.hpp"

namespace agora::kernels::cuda {

namespace {

// fp32 → bf16 bits, round to nearest even; NaN stays a (quiet) NaN.
uint16_t bf16_bits(float value) {
  uint32_t u = std::bit_cast<uint32_t>(value);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

uint16_t f16_bits(float value) {
  const __half h = __float2half_rn(value);
  uint16_t bits = 0;
  std::memcpy(&bits, &h, sizeof(bits));
  return bits;
}

// Uploads host bytes into a new device buffer, naming the tensor when the device says no.
result<device_buffer> upload(const void* data, size_t bytes, const std::string& what,
                             uint64_t* total) {
  auto buffer = device_buffer::allocate(bytes);
  if (!buffer)
    return make_error(buffer.error().code, what + ": " + buffer.error().message);
  AGORA_CUDA_CHECK(cudaMemcpy(buffer->get(), data, bytes, cudaMemcpyHostToDevice));
  *total += bytes;
  return std::move(*buffer);
}

class uploader {
 public:
  uploader(const tensor_store& store, std::string prefix, act_type type, uint64_t* total)
      : store_(store), prefix_(std::move(prefix)), type_(type), total_(total) {}

  result<std::vector<float>> get(const std::string& name, std::vector<uint64_t> shape) const {
    return store_.load_f32(prefix_ + name, shape);
  }
  result<device_buffer> f32(const std::string& name, std::vector<uint64_t> shape) const {
    std::vector<float> values;
    AGORA_KERNELS_ASSIGN(values, get(name, std::move(shape)));
    return upload(values.data(), values.size() * sizeof(float), prefix_ + name, total_);
  }
  result<device_buffer> halves(const std::vector<float>& values, const std::string& name) const {
    std::vector<uint16_t> bits(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      bits[i] = type_ == act_type::bf16 ? bf16_bits(values[i]) : f16_bits(values[i]);
    return upload(bits.data(), bits.size() * sizeof(uint16_t), prefix_ + name, total_);
  }
  result<device_buffer> matrix(const std::string& name, uint32_t rows, uint32_t columns) const {
    std::vector<float> values;
    AGORA_KERNELS_ASSIGN(values, get(name, {rows, columns}));
    return halves(values, name);
  }
  // A Conv1D [in, out] weight, transposed to [out, in].
  result<device_buffer> conv1d(const std::string& name, uint32_t in, uint32_t out) const {
    std::vector<float> values, transposed(size_t{in} * out);
    AGORA_KERNELS_ASSIGN(values, get(name, {in, out}));
    for (uint32_t i = 0; i < in; ++i)
      for (uint32_t o = 0; o < out; ++o)
        transposed[size_t{o} * in + i] = values[size_t{i} * out + o];
    return halves(transposed, name);
  }
  // nn.Linear weights [out_i, in] stacked along out.
  result<device_buffer> stacked(const std::vector<std::pair<std::string, uint32_t>>& parts,
                                uint32_t in) const {
    std::vector<float> all;
    for (const auto& [name, out] : parts) {
      std::vector<float> part;
      AGORA_KERNELS_ASSIGN(part, get(name + ".weight", {out, in}));
      all.insert(all.end(), part.begin(), part.end());
    }
    return halves(all, parts.front().first + ".weight");
  }

 private:
  const tensor_store& store_;
  std::string prefix_;
  act_type type_;
  uint64_t* total_;
};

result<cuda_layer_weights> load_gpt2_layer(const uploader& u, const model_config& c,
                                           uint32_t index) {
  const std::string p = "h." + std::to_string(index) + ".";
  const uint32_t C = c.hidden_size, F = c.intermediate_size;
  cuda_layer_weights w;
  AGORA_KERNELS_ASSIGN(w.norm1_weight, u.f32(p + "ln_1.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.norm1_bias, u.f32(p + "ln_1.bias", {C}));
  AGORA_KERNELS_ASSIGN(w.qkv, u.conv1d(p + "attn.c_attn.weight", C, 3 * C));
  AGORA_KERNELS_ASSIGN(w.qkv_bias, u.f32(p + "attn.c_attn.bias", {3 * C}));
  AGORA_KERNELS_ASSIGN(w.attn_out, u.conv1d(p + "attn.c_proj.weight", C, C));
  AGORA_KERNELS_ASSIGN(w.attn_out_bias, u.f32(p + "attn.c_proj.bias", {C}));
  AGORA_KERNELS_ASSIGN(w.norm2_weight, u.f32(p + "ln_2.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.norm2_bias, u.f32(p + "ln_2.bias", {C}));
  AGORA_KERNELS_ASSIGN(w.mlp_in, u.conv1d(p + "mlp.c_fc.weight", C, F));
  AGORA_KERNELS_ASSIGN(w.mlp_in_bias, u.f32(p + "mlp.c_fc.bias", {F}));
  AGORA_KERNELS_ASSIGN(w.mlp_out, u.conv1d(p + "mlp.c_proj.weight", F, C));
  AGORA_KERNELS_ASSIGN(w.mlp_out_bias, u.f32(p + "mlp.c_proj.bias", {C}));
  return w;
}

status load_gpt2(const tensor_store& store, const model_config& c, cuda_model_weights* w) {
  // save_pretrained of GPT2LMHeadModel writes "transformer.wte.weight"; hub GPT2Model "wte.weight".
  const uploader u(store, store.contains("transformer.wte.weight") ? "transformer." : "", w->type,
                   &w->bytes);
  const uint32_t C = c.hidden_size;
  AGORA_KERNELS_ASSIGN(w->token_embedding, u.matrix("wte.weight", c.vocab_size, C));
  AGORA_KERNELS_ASSIGN(w->position_embedding, u.matrix("wpe.weight", c.max_positions, C));
  for (uint32_t i = 0; i < c.layers; ++i) {
    cuda_layer_weights layer;
    AGORA_KERNELS_ASSIGN(layer, load_gpt2_layer(u, c, i));
    w->layers.push_back(std::move(layer));
  }
  AGORA_KERNELS_ASSIGN(w->final_norm_weight, u.f32("ln_f.weight", {C}));
  AGORA_KERNELS_ASSIGN(w->final_norm_bias, u.f32("ln_f.bias", {C}));
  return {};
}

result<cuda_layer_weights> load_llama_layer(const uploader& u, const model_config& c,
                                            uint32_t index) {
  const std::string p = "layers." + std::to_string(index) + ".";
  const uint32_t C = c.hidden_size, F = c.intermediate_size;
  const uint32_t Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  cuda_layer_weights w;
  AGORA_KERNELS_ASSIGN(w.norm1_weight, u.f32(p + "input_layernorm.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.qkv, u.stacked({{p + "self_attn.q_proj", Q},
                                         {p + "self_attn.k_proj", KV},
                                         {p + "self_attn.v_proj", KV}},
                                        C));
  AGORA_KERNELS_ASSIGN(w.attn_out, u.stacked({{p + "self_attn.o_proj", C}}, Q));
  AGORA_KERNELS_ASSIGN(w.norm2_weight, u.f32(p + "post_attention_layernorm.weight", {C}));
  AGORA_KERNELS_ASSIGN(w.mlp_in, u.stacked({{p + "mlp.gate_proj", F}, {p + "mlp.up_proj", F}}, C));
  AGORA_KERNELS_ASSIGN(w.mlp_out, u.stacked({{p + "mlp.down_proj", C}}, F));
  return w;
}

// (P, D/2) (cos, sin) with the CPU reference's fp32 arithmetic (kernels/cpu/rope.cpp).
result<device_buffer> rope_table(const model_config& c, uint64_t* total) {
  const uint32_t half = c.head_dim / 2;
  std::vector<float> inv_freq(half), table(size_t{c.max_positions} * half * 2);
  for (uint32_t i = 0; i < half; ++i) {
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(c.head_dim);
    inv_freq[i] = 1.0f / std::pow(c.rope_theta, exponent);
  }
  for (uint32_t t = 0; t < c.max_positions; ++t)
    for (uint32_t i = 0; i < half; ++i) {
      const float angle = static_cast<float>(t) * inv_freq[i];
      table[(size_t{t} * half + i) * 2] = std::cos(angle);
      table[(size_t{t} * half + i) * 2 + 1] = std::sin(angle);
    }
  return upload(table.data(), table.size() * sizeof(float), "the RoPE table", total);
}

status load_llama(const tensor_store& store, const model_config& c, cuda_model_weights* w) {
  const uploader u(store, "model.", w->type, &w->bytes);
  AGORA_KERNELS_ASSIGN(w->token_embedding,
                       u.matrix("embed_tokens.weight", c.vocab_size, c.hidden_size));
  for (uint32_t i = 0; i < c.layers; ++i) {
    cuda_layer_weights layer;
    AGORA_KERNELS_ASSIGN(layer, load_llama_layer(u, c, i));
    w->layers.push_back(std::move(layer));
  }
  AGORA_KERNELS_ASSIGN(w->final_norm_weight, u.f32("norm.weight", {c.hidden_size}));
  if (!c.tie_word_embeddings) {
    const uploader head(store, "", w->type, &w->bytes);
    AGORA_KERNELS_ASSIGN(w->lm_head, head.matrix("lm_head.weight", c.vocab_size, c.hidden_size));
  }
  AGORA_KERNELS_ASSIGN(w->rope, rope_table(c, &w->bytes));
  return {};
}

}  // namespace

act_type act_type_for(dtype stored) {
  return stored == dtype::f16 ? act_type::f16 : act_type::bf16;
}

result<cuda_model_weights> load_cuda_weights(const tensor_store& store,
                                             const model_config& config) {
  cuda_model_weights w;
  w.type = act_type_for(config.weight_dtype);
  status s = config.arch == architecture::gpt2 ? load_gpt2(store, config, &w)
                                               : load_llama(store, config, &w);
  if (!s)
    return s.error();
  AGORA_ASSERT(w.layers.size() == config.layers);
  AGORA_ASSERT(w.token_embedding.get() != nullptr);
  return w;
}

}  // namespace agora::kernels::cuda

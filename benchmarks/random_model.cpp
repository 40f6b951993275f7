// write_random_model: the tensor list of each architecture, a safetensors header, and the data
// streamed tensor by tensor.
#include "benchmarks/random_model.hpp"

#include <boost/json.hpp>
#include <cstring>
#include <fstream>
#include <vector>

namespace agora::bench {
namespace {

namespace json = boost::json;

struct tensor_spec {
  std::string name;
  std::vector<uint64_t> shape;
  bool ones = false;  // a norm's scale
};

using tensor_list = std::vector<tensor_spec>;

tensor_list gpt2_tensors(const model_shape& s) {
  const uint64_t c = s.hidden, f = s.intermediate;
  tensor_list t{{"transformer.wte.weight", {s.vocab, c}},
                {"transformer.wpe.weight", {s.positions, c}}};
  for (uint32_t l = 0; l < s.layers; ++l) {
    std::string h = "transformer.h." + std::to_string(l) + ".";
    t.push_back({h + "ln_1.weight", {c}, true});
    t.push_back({h + "ln_1.bias", {c}});
    t.push_back({h + "attn.c_attn.weight", {c, 3 * c}});
    t.push_back({h + "attn.c_attn.bias", {3 * c}});
    t.push_back({h + "attn.c_proj.weight", {c, c}});
    t.push_back({h + "attn.c_proj.bias", {c}});
    t.push_back({h + "ln_2.weight", {c}, true});
    t.push_back({h + "ln_2.bias", {c}});
    t.push_back({h + "mlp.c_fc.weight", {c, f}});
    t.push_back({h + "mlp.c_fc.bias", {f}});
    t.push_back({h + "mlp.c_proj.weight", {f, c}});
    t.push_back({h + "mlp.c_proj.bias", {c}});
  }
  t.push_back({"transformer.ln_f.weight", {c}, true});
  t.push_back({"transformer.ln_f.bias", {c}});
  return t;
}

tensor_list llama_tensors(const model_shape& s) {
  const uint64_t h = s.hidden, d = s.hidden / s.heads, q = s.heads * d, kv = s.kv_heads * d;
  const uint64_t f = s.intermediate;
  tensor_list t{{"model.embed_tokens.weight", {s.vocab, h}}};
  for (uint32_t l = 0; l < s.layers; ++l) {
    std::string p = "model.layers." + std::to_string(l) + ".";
    t.push_back({p + "input_layernorm.weight", {h}, true});
    t.push_back({p + "self_attn.q_proj.weight", {q, h}});
    t.push_back({p + "self_attn.k_proj.weight", {kv, h}});
    t.push_back({p + "self_attn.v_proj.weight", {kv, h}});
    t.push_back({p + "self_attn.o_proj.weight", {h, q}});
    t.push_back({p + "post_attention_layernorm.weight", {h}, true});
    t.push_back({p + "mlp.gate_proj.weight", {f, h}});
    t.push_back({p + "mlp.up_proj.weight", {f, h}});
    t.push_back({p + "mlp.down_proj.weight", {h, f}});
  }
  t.push_back({"model.norm.weight", {h}, true});
  t.push_back({"lm_head.weight", {s.vocab, h}});
  return t;
}

tensor_list tensors_of(const model_shape& s) {
  return s.arch == "gpt2" ? gpt2_tensors(s) : llama_tensors(s);
}

uint64_t elements(const tensor_spec& t) {
  uint64_t n = 1;
  for (uint64_t d : t.shape)
    n *= d;
  return n;
}

json::object config_json(const model_shape& s) {
  if (s.arch == "gpt2") {
    return {{"model_type", "gpt2"},
            {"architectures", json::array{"GPT2LMHeadModel"}},
            {"vocab_size", s.vocab},
            {"n_embd", s.hidden},
            {"n_layer", s.layers},
            {"n_head", s.heads},
            {"n_positions", s.positions},
            {"n_inner", s.intermediate},
            {"activation_function", "gelu_new"},
            {"layer_norm_epsilon", 1e-5},
            {"torch_dtype", "float32"},
            {"eos_token_id", 0},
            {"bos_token_id", 0}};
  }
  return {{"model_type", "llama"},
          {"architectures", json::array{"LlamaForCausalLM"}},
          {"vocab_size", s.vocab},
          {"hidden_size", s.hidden},
          {"num_hidden_layers", s.layers},
          {"num_attention_heads", s.heads},
          {"num_key_value_heads", s.kv_heads},
          {"intermediate_size", s.intermediate},
          {"max_position_embeddings", s.positions},
          {"rms_norm_eps", 1e-5},
          {"rope_theta", 10000.0},
          {"hidden_act", "silu"},
          {"tie_word_embeddings", false},
          {"torch_dtype", s.bf16 ? "bfloat16" : "float32"},
          {"bos_token_id", 1},
          {"eos_token_id", 2}};
}

std::string safetensors_header(const tensor_list& tensors, bool bf16) {
  json::object header;
  uint64_t offset = 0;
  const uint64_t width = bf16 ? 2 : 4;
  for (const auto& t : tensors) {
    json::array shape(t.shape.begin(), t.shape.end());
    uint64_t end = offset + elements(t) * width;
    header[t.name] = json::object{{"dtype", bf16 ? "BF16" : "F32"},
                                  {"shape", std::move(shape)},
                                  {"data_offsets", json::array{offset, end}}};
    offset = end;
  }
  std::string text = json::serialize(header);
  text.append((8 - text.size() % 8) % 8, ' ');  // data starts 8-byte aligned
  return text;
}

// Appends `count` values: ones, or uniform in ±0.02 from a xorshift stream.
void write_values(std::ofstream& out, uint64_t count, bool ones, bool bf16, uint64_t& state) {
  std::vector<char> buffer;
  buffer.reserve(count * (bf16 ? 2 : 4));
  for (uint64_t i = 0; i < count; ++i) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    float v = ones ? 1.0f : (static_cast<float>(state >> 40) / 16777216.0f - 0.5f) * 0.04f;
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if (bf16)
      bits >>= 16;  // truncation: fine for random weights
    buffer.insert(buffer.end(), reinterpret_cast<char*>(&bits),
                  reinterpret_cast<char*>(&bits) + (bf16 ? 2 : 4));
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

}  // namespace

model_shape gpt2_124m() {
  return {"gpt2", 50257, 768, 12, 12, 12, 3072, 1024, false};
}
model_shape tinyllama_1b() {
  return {"llama", 32000, 2048, 22, 32, 4, 5632, 2048, true};
}

uint64_t parameter_count(const model_shape& shape) {
  uint64_t n = 0;
  for (const auto& t : tensors_of(shape))
    n += elements(t);
  return n;
}

status write_random_model(const std::filesystem::path& folder, const model_shape& shape,
                          uint64_t seed) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + folder.string());
  std::ofstream config(folder / "config.json");
  config << json::serialize(config_json(shape));
  const tensor_list tensors = tensors_of(shape);
  const std::string header = safetensors_header(tensors, shape.bf16);
  std::ofstream out(folder / "model.safetensors", std::ios::binary);
  uint64_t size = header.size();
  out.write(reinterpret_cast<const char*>(&size), 8);  // little-endian on x86-64
  out << header;
  uint64_t state = seed | 1;
  for (const auto& t : tensors)
    write_values(out, elements(t), t.ones, shape.bf16, state);
  if (!config || !out)
    return make_error(errc::io_error, "cannot write " + folder.string());
  return {};
}

}  // namespace agora::bench

// Parsing config.json and generation_config.json into a model_config
// (kernels/model/model_config.hpp). Keys follow Hugging Face's GPT2Config and LlamaConfig, with
// their defaults where HF has them.
#include "kernels/model/model_config.hpp"

#include <string>

#include "kernels/model/json_file.hpp"

namespace agora::kernels {

namespace json = boost::json;

namespace {

constexpr const char* config_file = "config.json";

result<dtype> parse_dtype(const json_fields& f) {
  std::string name;
  AGORA_KERNELS_ASSIGN(name, f.string_or("dtype", ""));
  const char* key = "dtype";
  if (name.empty()) {
    AGORA_KERNELS_ASSIGN(name, f.string_or("torch_dtype", "float32"));
    key = "torch_dtype";
  }
  if (name == "float32")
    return dtype::f32;
  if (name == "float16")
    return dtype::f16;
  if (name == "bfloat16")
    return dtype::bf16;
  return f.fail(errc::unsupported, key, "\"" + name + "\" is not float32, float16 or bfloat16");
}

// A token id field that may be absent, null, one integer or a list of integers.
result<std::vector<uint32_t>> parse_token_ids(const json_fields& f, std::string_view key) {
  std::vector<uint32_t> ids;
  const json::value* value = f.object().if_contains(key);
  if (value == nullptr || value->is_null())
    return ids;
  if (auto one = json_to_u32(*value)) {
    ids.push_back(*one);
    return ids;
  }
  if (!value->is_array())
    return f.fail(errc::malformed, key, "must be a token id or a list of them");
  for (const json::value& item : value->get_array()) {
    auto id = json_to_u32(item);
    if (!id)
      return f.fail(errc::malformed, key, "must hold token ids (integers in [0, 2^32))");
    ids.push_back(*id);
  }
  return ids;
}

status parse_gpt2(const json_fields& f, model_config& c) {
  std::string activation;
  AGORA_KERNELS_ASSIGN(activation, f.string_or("activation_function", "gelu_new"));
  if (activation != "gelu_new")
    return f.fail(errc::unsupported, "activation_function",
                  "\"" + activation + "\" (only gelu_new)");
  for (const char* key : {"scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn"}) {
    bool set = false;
    AGORA_KERNELS_ASSIGN(set, f.boolean_or(key, false));
    if (set)
      return f.fail(errc::unsupported, key, "is true (not supported)");
  }
  bool scaled = true;
  AGORA_KERNELS_ASSIGN(scaled, f.boolean_or("scale_attn_weights", true));
  if (!scaled)
    return f.fail(errc::unsupported, "scale_attn_weights", "is false (not supported)");
  c.arch = architecture::gpt2;
  AGORA_KERNELS_ASSIGN(c.vocab_size, f.u32("vocab_size"));
  AGORA_KERNELS_ASSIGN(c.hidden_size, f.u32("n_embd"));
  AGORA_KERNELS_ASSIGN(c.layers, f.u32("n_layer"));
  AGORA_KERNELS_ASSIGN(c.heads, f.u32("n_head"));
  AGORA_KERNELS_ASSIGN(c.max_positions,
                       f.has("n_positions") ? f.u32("n_positions") : f.u32("n_ctx"));
  AGORA_KERNELS_ASSIGN(c.intermediate_size, f.u32_or("n_inner", 4 * c.hidden_size));
  double eps = 0;
  AGORA_KERNELS_ASSIGN(eps, f.number_or("layer_norm_epsilon", 1e-5));
  c.norm_eps = static_cast<float>(eps);
  if (c.heads == 0 || c.hidden_size % c.heads != 0)
    return f.fail(errc::malformed, "n_head", "must divide n_embd");
  c.kv_heads = c.heads;
  c.head_dim = c.hidden_size / c.heads;
  c.tie_word_embeddings = true;  // GPT2LMHeadModel always ties lm_head to wte
  return {};
}

// rope_theta at the top level, or inside rope_parameters / rope_scaling; only default RoPE.
status parse_rope(const json_fields& f, model_config& c) {
  double theta = 10000.0;
  AGORA_KERNELS_ASSIGN(theta, f.number_or("rope_theta", 10000.0));
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    const json::value* value = f.object().if_contains(key);
    if (value == nullptr || value->is_null())
      continue;
    if (!value->is_object())
      return f.fail(errc::malformed, key, "must be an object");
    json_fields inner(value->get_object(), f.file() + ": " + key);
    std::string type;
    AGORA_KERNELS_ASSIGN(type, inner.string_or("rope_type", ""));
    if (type.empty())
      AGORA_KERNELS_ASSIGN(type, inner.string_or("type", "default"));
    if (type != "default")
      return f.fail(errc::unsupported, key, "type \"" + type + "\" (only default RoPE)");
    AGORA_KERNELS_ASSIGN(theta, inner.number_or("rope_theta", theta));
  }
  if (!(theta > 1.0))
    return f.fail(errc::malformed, "rope_theta", "must be greater than 1");
  c.rope_theta = static_cast<float>(theta);
  return {};
}

status check_llama_flags(const json_fields& f) {
  std::string act;
  AGORA_KERNELS_ASSIGN(act, f.string_or("hidden_act", "silu"));
  if (act != "silu")
    return f.fail(errc::unsupported, "hidden_act", "\"" + act + "\" (only silu)");
  for (const char* key : {"attention_bias", "mlp_bias"}) {
    bool bias = false;
    AGORA_KERNELS_ASSIGN(bias, f.boolean_or(key, false));
    if (bias)
      return f.fail(errc::unsupported, key, "is true (Llama without biases only)");
  }
  return {};
}

status parse_llama(const json_fields& f, model_config& c) {
  if (status s = check_llama_flags(f); !s)
    return s;
  c.arch = architecture::llama;
  AGORA_KERNELS_ASSIGN(c.vocab_size, f.u32("vocab_size"));
  AGORA_KERNELS_ASSIGN(c.hidden_size, f.u32("hidden_size"));
  AGORA_KERNELS_ASSIGN(c.layers, f.u32("num_hidden_layers"));
  AGORA_KERNELS_ASSIGN(c.heads, f.u32("num_attention_heads"));
  AGORA_KERNELS_ASSIGN(c.kv_heads, f.u32_or("num_key_value_heads", c.heads));
  AGORA_KERNELS_ASSIGN(c.intermediate_size, f.u32("intermediate_size"));
  AGORA_KERNELS_ASSIGN(c.max_positions, f.u32("max_position_embeddings"));
  double eps = 0;
  AGORA_KERNELS_ASSIGN(eps, f.number_or("rms_norm_eps", 1e-6));
  c.norm_eps = static_cast<float>(eps);
  AGORA_KERNELS_ASSIGN(c.tie_word_embeddings, f.boolean_or("tie_word_embeddings", false));
  if (c.heads == 0)
    return f.fail(errc::malformed, "num_attention_heads", "must be positive");
  if (f.has("head_dim")) {
    AGORA_KERNELS_ASSIGN(c.head_dim, f.u32("head_dim"));
  } else if (c.hidden_size % c.heads != 0) {
    return f.fail(errc::malformed, "num_attention_heads", "must divide hidden_size");
  } else {
    c.head_dim = c.hidden_size / c.heads;
  }
  if (c.kv_heads == 0 || c.heads % c.kv_heads != 0)
    return f.fail(errc::malformed, "num_key_value_heads", "must divide num_attention_heads");
  if (c.head_dim % 2 != 0)
    return f.fail(errc::malformed, "head_dim", "must be even (RoPE rotates pairs)");
  return parse_rope(f, c);
}

status check_sizes(const json_fields& f, const model_config& c) {
  struct size_check {
    const char* name;
    uint64_t value;
    uint64_t max;
  };
  const size_check checks[] = {
      {"vocab_size", c.vocab_size, model_vocab_max},
      {"hidden_size", c.hidden_size, model_width_max},
      {"layers", c.layers, model_layers_max},
      {"intermediate_size", c.intermediate_size, model_width_max},
      {"head_dim", c.head_dim, model_width_max},
      {"heads × head_dim", uint64_t{c.heads} * c.head_dim, model_width_max},
      {"max_positions", c.max_positions, model_positions_max},
  };
  for (const size_check& check : checks) {
    if (check.value == 0)
      return f.fail(errc::malformed, check.name, "must be positive");
    if (check.value > check.max)
      return f.fail(errc::limit_exceeded, check.name, "is over " + std::to_string(check.max));
  }
  if (!(c.norm_eps > 0.0f))
    return f.fail(errc::malformed, "norm epsilon", "must be positive");
  return {};
}

status check_token_ids(const json_fields& f, const model_config& c) {
  if (c.bos_token_id && *c.bos_token_id >= c.vocab_size)
    return f.fail(errc::malformed, "bos_token_id", "is not below vocab_size");
  for (uint32_t id : c.eos_token_ids)
    if (id >= c.vocab_size)
      return f.fail(errc::malformed, "eos_token_id", "is not below vocab_size");
  return {};
}

// generation_config.json, when present, overrides the stop and start tokens.
status apply_generation_config(const std::filesystem::path& folder, model_config& c) {
  std::error_code ec;
  const std::filesystem::path path = folder / "generation_config.json";
  if (!std::filesystem::exists(path, ec))
    return {};
  json::object object;
  AGORA_KERNELS_ASSIGN(object, read_json_object(path));
  json_fields f(object, "generation_config.json");
  std::vector<uint32_t> eos;
  AGORA_KERNELS_ASSIGN(eos, parse_token_ids(f, "eos_token_id"));
  if (!eos.empty())
    c.eos_token_ids = std::move(eos);
  std::vector<uint32_t> bos;
  AGORA_KERNELS_ASSIGN(bos, parse_token_ids(f, "bos_token_id"));
  if (bos.size() > 1)
    return f.fail(errc::malformed, "bos_token_id", "must be one token id");
  if (!bos.empty())
    c.bos_token_id = bos[0];
  return check_token_ids(f, c);
}

}  // namespace

result<model_config> load_model_config(const std::filesystem::path& folder) {
  json::object object;
  AGORA_KERNELS_ASSIGN(object, read_json_object(folder / config_file));
  json_fields f(object, config_file);
  std::string type;
  AGORA_KERNELS_ASSIGN(type, f.string_or("model_type", ""));
  model_config c;
  status parsed;
  if (type == "gpt2")
    parsed = parse_gpt2(f, c);
  else if (type == "llama")
    parsed = parse_llama(f, c);
  else if (type.empty())
    return f.fail(errc::malformed, "model_type", "is missing");
  else
    return f.fail(errc::unsupported, "model_type", "\"" + type + "\" (only gpt2 and llama)");
  if (!parsed)
    return parsed.error();
  if (status s = check_sizes(f, c); !s)
    return s.error();
  AGORA_KERNELS_ASSIGN(c.weight_dtype, parse_dtype(f));
  std::vector<uint32_t> bos;
  AGORA_KERNELS_ASSIGN(bos, parse_token_ids(f, "bos_token_id"));
  if (!bos.empty())
    c.bos_token_id = bos[0];
  AGORA_KERNELS_ASSIGN(c.eos_token_ids, parse_token_ids(f, "eos_token_id"));
  if (status s = check_token_ids(f, c); !s)
    return s.error();
  if (status s = apply_generation_config(folder, c); !s)
    return s.error();
  return c;
}

const char* to_string(architecture arch) {
  return arch == architecture::gpt2 ? "gpt2" : "llama";
}

const char* to_string(dtype type) {
  switch (type) {
  case dtype::f32: return "f32";
  case dtype::f16: return "f16";
  case dtype::bf16: return "bf16";
  }
  return "?";
}

}  // namespace agora::kernels

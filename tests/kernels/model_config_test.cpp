// Tests for config.json / generation_config.json parsing: both GPT-2 and Llama keys, both RoPE
// styles, eos ids as an int or a list, the dtype keys, and errors that name the file and field.
#include "kernels/model/model_config.hpp"

#include <gtest/gtest.h>

#include "tests/kernels/model_test_files.hpp"

namespace agora::kernels {
namespace {

namespace json = boost::json;
using testing::temp_folder;
using testing::write_json;

json::object llama_json() {
  return json::parse(R"({"model_type": "llama", "vocab_size": 300, "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
    "intermediate_size": 160, "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
    "rope_theta": 500000.0, "hidden_act": "silu", "torch_dtype": "bfloat16",
    "bos_token_id": 1, "eos_token_id": 2})")
      .as_object();
}

json::object gpt2_json() {
  return json::parse(R"({"model_type": "gpt2", "vocab_size": 300, "n_embd": 64, "n_layer": 2,
    "n_head": 4, "n_positions": 128, "n_inner": null, "layer_norm_epsilon": 1e-5,
    "activation_function": "gelu_new", "eos_token_id": 0, "bos_token_id": 0})")
      .as_object();
}

result<model_config> load(const json::object& config) {
  temp_folder folder;
  write_json(folder.path() / "config.json", config);
  return load_model_config(folder.path());
}

// The error of loading `config`; fails the test when it loads.
agora::error load_error(const json::object& config) {
  auto loaded = load(config);
  EXPECT_FALSE(loaded.ok());
  return loaded ? agora::error{} : loaded.error();
}

TEST(model_config, llama_with_top_level_rope_theta) {
  auto c = load(llama_json());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->arch, architecture::llama);
  EXPECT_EQ(c->vocab_size, 300u);
  EXPECT_EQ(c->hidden_size, 64u);
  EXPECT_EQ(c->layers, 2u);
  EXPECT_EQ(c->heads, 4u);
  EXPECT_EQ(c->kv_heads, 2u);
  EXPECT_EQ(c->head_dim, 16u);
  EXPECT_EQ(c->intermediate_size, 160u);
  EXPECT_EQ(c->max_positions, 128u);
  EXPECT_FLOAT_EQ(c->norm_eps, 1e-6f);
  EXPECT_FLOAT_EQ(c->rope_theta, 500000.0f);
  EXPECT_FALSE(c->tie_word_embeddings);
  EXPECT_EQ(c->weight_dtype, dtype::bf16);
  EXPECT_EQ(c->bos_token_id, 1u);
  EXPECT_EQ(c->eos_token_ids, std::vector<uint32_t>{2});
}

TEST(model_config, llama_with_rope_parameters_and_dtype_key) {
  json::object j = llama_json();
  j.erase("rope_theta");
  j.erase("torch_dtype");
  j["dtype"] = "float16";
  j["rope_parameters"] = json::parse(R"({"rope_theta": 1000000, "rope_type": "default"})");
  j["eos_token_id"] = json::parse("[2, 7]");
  j["tie_word_embeddings"] = true;
  auto c = load(j);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_FLOAT_EQ(c->rope_theta, 1000000.0f);
  EXPECT_EQ(c->weight_dtype, dtype::f16);
  EXPECT_EQ(c->eos_token_ids, (std::vector<uint32_t>{2, 7}));
  EXPECT_TRUE(c->tie_word_embeddings);
}

TEST(model_config, llama_defaults_kv_heads_head_dim_and_dtype) {
  json::object j = llama_json();
  j.erase("num_key_value_heads");
  j.erase("torch_dtype");
  j.erase("rope_theta");
  j["rope_scaling"] = nullptr;
  auto c = load(j);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->kv_heads, 4u);
  EXPECT_EQ(c->head_dim, 16u);
  EXPECT_EQ(c->weight_dtype, dtype::f32);
  EXPECT_FLOAT_EQ(c->rope_theta, 10000.0f);
}

TEST(model_config, gpt2_keys_and_defaults) {
  auto c = load(gpt2_json());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->arch, architecture::gpt2);
  EXPECT_EQ(c->hidden_size, 64u);
  EXPECT_EQ(c->heads, 4u);
  EXPECT_EQ(c->kv_heads, 4u);
  EXPECT_EQ(c->head_dim, 16u);
  EXPECT_EQ(c->intermediate_size, 256u);
  EXPECT_EQ(c->max_positions, 128u);
  EXPECT_TRUE(c->tie_word_embeddings);
  EXPECT_EQ(c->weight_dtype, dtype::f32);
  EXPECT_EQ(c->eos_token_ids, std::vector<uint32_t>{0});
}

TEST(model_config, gpt2_n_ctx_when_n_positions_is_absent) {
  json::object j = gpt2_json();
  j.erase("n_positions");
  j["n_ctx"] = 64;
  j["n_inner"] = 100;
  auto c = load(j);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->max_positions, 64u);
  EXPECT_EQ(c->intermediate_size, 100u);
}

TEST(model_config, generation_config_overrides_eos) {
  temp_folder folder;
  write_json(folder.path() / "config.json", llama_json());
  write_json(folder.path() / "generation_config.json",
             json::parse(R"({"bos_token_id": 5, "eos_token_id": [2, 9, 11]})"));
  auto c = load_model_config(folder.path());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->bos_token_id, 5u);
  EXPECT_EQ(c->eos_token_ids, (std::vector<uint32_t>{2, 9, 11}));
}

TEST(model_config, errors_name_the_file_and_field) {
  struct bad_case {
    const char* key;
    json::value value;
    errc code;
    const char* message;
  };
  const bad_case cases[] = {
      {"num_attention_heads", 5, errc::malformed,
       "config.json: num_attention_heads must divide hidden_size"},
      {"num_key_value_heads", 3, errc::malformed, "config.json: num_key_value_heads"},
      {"hidden_size", 0, errc::malformed, "config.json: hidden_size must be positive"},
      {"vocab_size", "many", errc::malformed, "config.json: vocab_size must be an integer"},
      {"hidden_act", "gelu", errc::unsupported, "config.json: hidden_act"},
      {"model_type", "mamba", errc::unsupported, "config.json: model_type \"mamba\""},
      {"torch_dtype", "float8", errc::unsupported, "config.json: torch_dtype"},
      {"rope_scaling", json::parse(R"({"rope_type": "yarn", "factor": 4})"), errc::unsupported,
       "config.json: rope_scaling type \"yarn\""},
      {"rope_parameters", json::parse(R"({"type": "linear"})"), errc::unsupported,
       "config.json: rope_parameters type \"linear\""},
      {"eos_token_id", 300, errc::malformed, "config.json: eos_token_id"},
      {"attention_bias", true, errc::unsupported, "config.json: attention_bias"},
      {"vocab_size", 1u << 30, errc::limit_exceeded, "config.json: vocab_size"},
  };
  for (const bad_case& bad : cases) {
    json::object j = llama_json();
    j[bad.key] = bad.value;
    agora::error e = load_error(j);
    EXPECT_EQ(e.code, bad.code) << bad.key;
    EXPECT_NE(e.message.find(bad.message), std::string::npos) << e.message;
  }
}

TEST(model_config, missing_field_and_gpt2_activation) {
  json::object j = llama_json();
  j.erase("intermediate_size");
  agora::error e = load_error(j);
  EXPECT_EQ(e.code, errc::malformed);
  EXPECT_EQ(e.message, "config.json: intermediate_size is missing");
  json::object g = gpt2_json();
  g["activation_function"] = "relu";
  e = load_error(g);
  EXPECT_EQ(e.code, errc::unsupported);
  EXPECT_NE(e.message.find("activation_function"), std::string::npos);
  g = gpt2_json();
  g["scale_attn_by_inverse_layer_idx"] = true;
  e = load_error(g);
  EXPECT_EQ(e.code, errc::unsupported);
  EXPECT_NE(e.message.find("config.json: scale_attn_by_inverse_layer_idx"), std::string::npos);
}

TEST(model_config, bad_json_and_missing_file) {
  temp_folder folder;
  auto missing = load_model_config(folder.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_NE(missing.error().message.find("config.json"), std::string::npos);
  testing::write_bytes(folder.path() / "config.json", "{\"model_type\": \"llama\",");
  auto bad = load_model_config(folder.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, errc::malformed);
  EXPECT_NE(bad.error().message.find("config.json: not valid JSON"), std::string::npos);
  testing::write_bytes(folder.path() / "config.json", "[1, 2]");
  EXPECT_EQ(load_model_config(folder.path()).error().code, errc::malformed);
}

TEST(model_config, bad_generation_config_is_an_error) {
  temp_folder folder;
  write_json(folder.path() / "config.json", llama_json());
  write_json(folder.path() / "generation_config.json", json::parse(R"({"eos_token_id": "x"})"));
  auto c = load_model_config(folder.path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, errc::malformed);
  EXPECT_NE(c.error().message.find("generation_config.json: eos_token_id"), std::string::npos);
}

}  // namespace
}  // namespace agora::kernels

// Tests for loading weights into the CPU backend from hand-made folders: GPT-2 tensor names with
// and without the "transformer." prefix give the same model, and a missing tensor or a wrong
// shape fails the load with an error naming the file and the tensor.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "tests/kernels/model_test_files.hpp"

namespace agora::kernels {
namespace {

namespace json = boost::json;
using testing::temp_folder;

struct tensor {
  std::vector<uint64_t> shape;
  std::vector<float> values;
};

// Writes `tensors` as one F32 model.safetensors.
void write_f32_safetensors(const std::filesystem::path& path,
                           const std::map<std::string, tensor>& tensors) {
  json::object header;
  std::string data;
  for (const auto& [name, t] : tensors) {
    json::array shape(t.shape.begin(), t.shape.end());
    const size_t begin = data.size();
    data += testing::raw_bytes(t.values);
    header[name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {begin, data.size()}}};
  }
  testing::write_bytes(path, testing::safetensors_bytes(json::serialize(header), data));
}

// A GPT-2 of vocab 16, width 8, 2 heads, 1 layer, 8 positions with deterministic weights.
std::map<std::string, tensor> tiny_gpt2(const std::string& prefix) {
  const std::map<std::string, std::vector<uint64_t>> shapes = {{"wte.weight", {16, 8}},
                                                               {"wpe.weight", {8, 8}},
                                                               {"ln_f.weight", {8}},
                                                               {"ln_f.bias", {8}},
                                                               {"h.0.ln_1.weight", {8}},
                                                               {"h.0.ln_1.bias", {8}},
                                                               {"h.0.attn.c_attn.weight", {8, 24}},
                                                               {"h.0.attn.c_attn.bias", {24}},
                                                               {"h.0.attn.c_proj.weight", {8, 8}},
                                                               {"h.0.attn.c_proj.bias", {8}},
                                                               {"h.0.ln_2.weight", {8}},
                                                               {"h.0.ln_2.bias", {8}},
                                                               {"h.0.mlp.c_fc.weight", {8, 32}},
                                                               {"h.0.mlp.c_fc.bias", {32}},
                                                               {"h.0.mlp.c_proj.weight", {32, 8}},
                                                               {"h.0.mlp.c_proj.bias", {8}}};
  std::map<std::string, tensor> out;
  uint32_t state = 12345;
  for (const auto& [name, shape] : shapes) {
    tensor t{shape, {}};
    size_t count = 1;
    for (uint64_t d : shape)
      count *= d;
    for (size_t i = 0; i < count; ++i) {
      state = state * 1664525u + 1013904223u;  // a fixed LCG: the test needs no randomness
      t.values.push_back(static_cast<float>(state >> 8) / 16777216.0f - 0.5f);
    }
    out[prefix + name] = std::move(t);
  }
  return out;
}

void write_tiny_gpt2_config(const std::filesystem::path& folder) {
  testing::write_json(folder / "config.json", json::parse(R"({"model_type": "gpt2",
    "vocab_size": 16, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_positions": 8})"));
}

std::vector<float> logits_of(const std::filesystem::path& folder) {
  auto b = cpu_backend::load(folder);
  EXPECT_TRUE(b.ok()) << b.error().to_string();
  if (!b)
    return {};
  auto seq = (*b)->open_sequence(4);
  std::vector<float> logits(16);
  const std::vector<uint32_t> tokens = {1, 5, 15};
  EXPECT_TRUE((*b)->forward(**seq, tokens, logits).ok());
  return logits;
}

TEST(cpu_backend_load, gpt2_names_with_and_without_prefix) {
  temp_folder with, without;
  write_tiny_gpt2_config(with.path());
  write_tiny_gpt2_config(without.path());
  write_f32_safetensors(with.path() / "model.safetensors", tiny_gpt2("transformer."));
  write_f32_safetensors(without.path() / "model.safetensors", tiny_gpt2(""));
  const std::vector<float> a = logits_of(with.path());
  ASSERT_EQ(a.size(), 16u);
  EXPECT_EQ(a, logits_of(without.path()));
}

TEST(cpu_backend_load, missing_tensor_and_wrong_shape_name_it) {
  temp_folder folder;
  write_tiny_gpt2_config(folder.path());
  auto tensors = tiny_gpt2("transformer.");
  tensors.erase("transformer.h.0.mlp.c_fc.bias");
  write_f32_safetensors(folder.path() / "model.safetensors", tensors);
  auto missing = cpu_backend::load(folder.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_NE(missing.error().message.find("transformer.h.0.mlp.c_fc.bias"), std::string::npos);
  tensors = tiny_gpt2("transformer.");
  tensors["transformer.h.0.attn.c_proj.weight"].shape = {4, 16};
  write_f32_safetensors(folder.path() / "model.safetensors", tensors);
  auto wrong = cpu_backend::load(folder.path());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, errc::malformed);
  EXPECT_EQ(wrong.error().message, "model.safetensors: tensor transformer.h.0.attn.c_proj.weight "
                                   "has shape [4,16], expected [8,8]");
}

TEST(cpu_backend_load, no_weights_is_not_found) {
  temp_folder folder;
  write_tiny_gpt2_config(folder.path());
  auto none = cpu_backend::load(folder.path());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, errc::not_found);
  EXPECT_NE(none.error().message.find("model.safetensors"), std::string::npos);
}

}  // namespace
}  // namespace agora::kernels

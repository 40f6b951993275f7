// Random-weight Hugging Face model folders of real shapes (GPT-2 124M, Llama-style) for the
// engine benchmark: config.json and model.safetensors with seeded uniform weights, written the
// way `save_pretrained` lays them out. Speed does not depend on the weights' values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace agora::bench {

struct model_shape {
  std::string arch;  // "gpt2" or "llama"
  uint32_t vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, intermediate = 0;
  uint32_t positions = 0;
  bool bf16 = false;  // store weights as BF16 (else F32)
};

/// GPT-2 small: 124M parameters, fp32 as OpenAI published it.
model_shape gpt2_124m();
/// TinyLlama-1.1B's shape (hidden 2048, 22 layers, 32 heads, 4 KV heads), bf16.
model_shape tinyllama_1b();

/// The number of parameters (embedding counted once when tied, as GPT-2 and Llama here are not).
uint64_t parameter_count(const model_shape& shape);

/// Writes config.json and model.safetensors of `shape` into `folder` (created).
status write_random_model(const std::filesystem::path& folder, const model_shape& shape,
                          uint64_t seed);

}  // namespace agora::bench

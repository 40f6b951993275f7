// The shape of a model as its Hugging Face folder describes it (DESIGN §8): config.json for the
// architecture and sizes, generation_config.json for the stop tokens. GPT-2 and Llama only; every
// other variant is refused with `unsupported` rather than run wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/error.hpp"

namespace agora::kernels {

enum class architecture : uint8_t { gpt2, llama };
enum class dtype : uint8_t { f32, f16, bf16 };

struct model_config {
  architecture arch = architecture::llama;
  uint32_t vocab_size = 0, hidden_size = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0;
  uint32_t intermediate_size = 0, max_positions = 0;
  float norm_eps = 1e-5f;
  float rope_theta = 10000.0f;
  bool tie_word_embeddings = false;
  dtype weight_dtype = dtype::f32;  // torch_dtype or dtype in config.json
  std::optional<uint32_t> bos_token_id;
  std::vector<uint32_t> eos_token_ids;  // config.json, overridden by generation_config.json
};

/// Sizes above these are refused (limit_exceeded): they keep every index product in 64 bits.
inline constexpr uint32_t model_vocab_max = 1u << 22;
inline constexpr uint32_t model_width_max = 1u << 17;  // hidden, intermediate, heads × head_dim
inline constexpr uint32_t model_layers_max = 1024;
inline constexpr uint32_t model_positions_max = 1u << 22;

/// Reads <folder>/config.json and, when present, <folder>/generation_config.json.
/// Errors: not_found (no config.json), malformed (bad JSON, a missing or mistyped field, sizes
/// that do not fit together), unsupported (another architecture, activation or RoPE scaling),
/// limit_exceeded (sizes over the limits above). Each message names the file and the field.
result<model_config> load_model_config(const std::filesystem::path& folder);

/// "gpt2" or "llama"; "f32", "f16" or "bf16".
const char* to_string(architecture arch);
const char* to_string(dtype type);

}  // namespace agora::kernels

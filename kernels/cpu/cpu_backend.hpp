// The CPU reference backend (DESIGN §8): fp32 everywhere, OpenBLAS for the projections. It is the
// oracle the CUDA backend and the fixtures are checked against and the fallback where no GPU is.
// Weights of any stored dtype (F32, BF16, F16) are widened to fp32 once, at load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/backend.hpp"
#include "kernels/cpu/cpu_sequence.hpp"
#include "kernels/cpu/model_weights.hpp"

namespace agora::kernels {

/// The most bytes of keys and values one CPU sequence may allocate.
inline constexpr uint64_t cpu_sequence_bytes_max = 16ull << 30;

class cpu_backend final : public backend {
 public:
  /// Loads a Hugging Face folder: config.json (+ generation_config.json) and the safetensors
  /// weights. Errors: those of load_model_config, tensor_store::open and load_model_weights
  /// (not_found, malformed, unsupported, corrupt, io_error, limit_exceeded), naming file and field.
  static result<std::unique_ptr<cpu_backend>> load(const std::filesystem::path& folder);

  cpu_backend(model_config config, cpu::model_weights weights);

  const model_config& config() const override { return config_; }
  std::string_view name() const override { return "cpu"; }
  /// Errors: invalid_argument (capacity 0), limit_exceeded (capacity > max_positions, or keys
  /// and values over cpu_sequence_bytes_max).
  result<std::unique_ptr<kv_sequence>> open_sequence(uint32_t capacity) override;
  status forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                 std::span<float> logits) override;
  /// Errors: invalid_argument (no tokens, a token ≥ vocab_size), limit_exceeded (more tokens
  /// than max_positions, or their keys and values over cpu_sequence_bytes_max).
  result<std::vector<float>> embed(std::span<const uint32_t> tokens) override;

 private:
  result<std::unique_ptr<cpu::cpu_sequence>> make_sequence(uint32_t capacity);

  model_config config_;
  cpu::model_weights weights_;
};

}  // namespace agora::kernels

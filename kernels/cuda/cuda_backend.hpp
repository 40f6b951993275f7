// The CUDA backend (DESIGN §8): bf16/fp16 weights with fp32 accumulation, our kernels for the
// elementwise and attention work, cuBLAS for the projections, a paged KV cache sized at load,
// and forward_batch running every decode row of a step through one GEMM per projection.
// Deterministic: fixed reduction orders, no atomics in reductions, and an entry's logits do not
// depend on what else is in the batch (kernels/cuda/gemm.hpp says how, despite cuBLAS).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/backend.hpp"

namespace agora::kernels {

namespace cuda {
class cuda_model;
}

/// Decode rows that share one GEMM; every decode step runs its GEMMs at exactly this M.
inline constexpr uint32_t cuda_decode_rows_max = 64;
/// The KV cache's default ceiling when the options leave its size to the backend.
inline constexpr uint64_t cuda_kv_cache_bytes_default_max = 8ull << 30;

struct cuda_backend_options {
  /// Device bytes for the paged KV cache. 0: half the memory free once the weights and the
  /// scratch are in place, at most cuda_kv_cache_bytes_default_max.
  uint64_t kv_cache_bytes = 0;
  /// Rows of one prefill pass (clipped to [cuda_decode_rows_max, 8192]); longer prompts run
  /// in chunks of this many.
  uint32_t prefill_rows_max = 2048;
  /// Replay each decode step as a CUDA graph (one per live-row count, captured on first use)
  /// instead of ~300 launches. A capture that fails turns graphs off and the step runs eagerly.
  bool decode_graphs = true;
  /// Prefill attention on the tensor cores (mma.sync, 16-bit q and softmax weights); false runs
  /// the fp32 CUDA-core kernel instead (slower, a little more exact).
  bool tensor_core_prefill = true;
};

class cuda_backend final : public backend {
 public:
  /// Loads a Hugging Face folder onto GPU `device_index`. Errors: those of load_model_config
  /// and tensor_store (not_found, malformed, unsupported), unsupported (a head size the
  /// attention kernels are not built for), io_error (no usable device, a failed CUDA call),
  /// limit_exceeded (out of device memory), each naming the file, tensor or call.
  static result<std::unique_ptr<cuda_backend>> load(const std::filesystem::path& folder,
                                                    int device_index = 0);
  static result<std::unique_ptr<cuda_backend>>
  load(const std::filesystem::path& folder, int device_index, const cuda_backend_options& options);

  cuda_backend(model_config config, std::unique_ptr<cuda::cuda_model> model);
  ~cuda_backend() override;

  const model_config& config() const override { return config_; }
  std::string_view name() const override { return "cuda"; }
  /// Takes ceil(capacity / 16) KV blocks from the pool for the sequence's life.
  /// Errors: invalid_argument (capacity 0), limit_exceeded (capacity > max_positions, or
  /// fewer free blocks than it needs).
  result<std::unique_ptr<kv_sequence>> open_sequence(uint32_t capacity) override;
  /// One token runs as a decode step (the same path as forward_batch's decode rows, so its
  /// logits are bitwise those it would get in any batch); more run as prefill.
  status forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                 std::span<float> logits) override;
  /// Single-token entries share decode steps of up to cuda_decode_rows_max rows; longer ones
  /// run as their own prefill. Errors per entry as forward's.
  void forward_batch(std::span<batch_entry> entries) override;
  /// Errors: invalid_argument (no tokens, a token ≥ vocab_size), limit_exceeded (more tokens
  /// than max_positions or than the free KV blocks hold).
  result<std::vector<float>> embed(std::span<const uint32_t> tokens) override;

  /// KV blocks free and in all (tests and the provider's capacity reports).
  uint32_t kv_blocks_free() const;
  uint32_t kv_blocks_total() const;

 private:
  status check_entry(kv_sequence& sequence, std::span<const uint32_t> tokens,
                     std::span<float> logits) const;
  status prefill(kv_sequence& sequence, std::span<const uint32_t> tokens, std::span<float> logits);
  void decode_batch(std::span<batch_entry*> entries);

  model_config config_;
  std::unique_ptr<cuda::cuda_model> model_;
};

}  // namespace agora::kernels

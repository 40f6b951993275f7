// One loaded model on one GPU and its forward pass (kernels/cuda/cuda_model.cpp): the weights,
// the KV pool's device memory, the scratch activations, a stream and a cuBLAS handle. It runs
// steps over rows whose KV blocks the caller (cuda_backend) has already checked and reserved.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kernels/cuda/attention.hpp"
#include "kernels/cuda/cuda_backend.hpp"
#include "kernels/cuda/cuda_weights.hpp"
#include "kernels/cuda/gemm.hpp"
#include "kernels/cuda/kv_cache.hpp"
#include "kernels/cuda/kv_layout.hpp"
#include "kernels/cuda/norms.hpp"

namespace agora::kernels::cuda {

/// One row of a decode step.
struct decode_row {
  std::span<const int32_t> blocks;  // the sequence's KV blocks
  uint32_t token = 0;
  uint32_t position = 0;  // the sequence's length before the step
  std::span<float> logits;
};

class cuda_model {
 public:
  /// Takes the loaded weights; allocates scratch and the KV pool on the current device.
  /// Errors: limit_exceeded (out of memory: names what), io_error (a failed CUDA call),
  /// unsupported (a head size the attention kernels lack, a context too long to split).
  static result<std::unique_ptr<cuda_model>> create(const model_config& config,
                                                    cuda_model_weights weights,
                                                    const cuda_backend_options& options,
                                                    int device);
  cuda_model() = default;  // use create()
  ~cuda_model();
  cuda_model(const cuda_model&) = delete;
  cuda_model& operator=(const cuda_model&) = delete;

  /// Runs `tokens` (≤ prefill_rows_max()) of one sequence at positions first.., writing their
  /// keys and values. Then either the last row's logits into `logits` (vocab floats), or,
  /// when `hidden` is non-empty, every row's final hidden state (T × C floats) into it.
  status prefill(std::span<const int32_t> blocks, std::span<const uint32_t> tokens, uint32_t first,
                 std::span<float> logits, std::span<float> hidden);
  /// One token for each row (1 ≤ rows ≤ cuda_decode_rows_max), every GEMM at M = 64.
  status decode(std::span<const decode_row> rows);

  uint32_t prefill_rows_max() const { return prefill_rows_max_; }
  const std::shared_ptr<kv_block_pool>& pool() const { return pool_; }
  int device() const { return device_; }

 private:
  struct step;
  status allocate(const cuda_backend_options& options);
  status allocate_kv(const cuda_backend_options& options);
  status upload_step(std::span<const uint32_t> tokens, std::span<const row_info> rows,
                     std::span<const int32_t> table);
  status run_layers(const step& s);
  status attention_block(uint32_t layer, const step& s);
  status mlp_block(uint32_t layer, const step& s);
  norm_params final_norm_params() const;
  status lm_head_gemm();
  status logits_to_host(uint32_t rows);
  status decode_kernels(uint32_t rows);
  status capture_decode(uint32_t rows, cudaGraphExec_t* exec);

  model_config config_;
  cuda_model_weights weights_;
  int device_ = 0;
  cudaStream_t stream_ = nullptr;
  std::unique_ptr<gemm_runner> gemm_;
  uint32_t prefill_rows_max_ = 0, rows_max_ = 0, table_max_ = 0;
  kv_layout layout_;
  device_buffer kv_pool_;
  std::shared_ptr<kv_block_pool> pool_;
  decode_scratch decode_;
  // Activations, rows_max_ rows each: the fp32 residual stream and GEMM outputs, the 16-bit
  // GEMM inputs. See cuda_model.cpp for the shapes.
  device_buffer x_, normed_, qkv_, q_, att_, mlp_in_, mlp_act_, final_, logits_, partial_;
  // The step's tokens, rows and block table: pinned on the host, mirrored on the device.
  device_buffer step_tokens_, step_rows_, step_table_;
  int32_t* host_tokens_ = nullptr;
  row_info* host_rows_ = nullptr;
  int32_t* host_table_ = nullptr;
  float* host_logits_ = nullptr;  // (cuda_decode_rows_max, V), pinned
  // Decode steps as graphs, index rows - 1; null until captured. Off after a failed capture.
  bool graphs_ = false;
  bool tensor_core_prefill_ = true;
  std::vector<cudaGraphExec_t> decode_graphs_;
  std::vector<uint8_t> decode_seen_;  // index rows - 1: a step of that many rows ran eagerly
};

}  // namespace agora::kernels::cuda

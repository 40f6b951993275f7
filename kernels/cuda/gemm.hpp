// The projections through cuBLAS (kernels/cuda/gemm.cpp): y (M, N) fp32 = x (M, K) · Wᵀ
// (+ y when accumulating: the residual add fused into the GEMM), x and W in the model's 16-bit
// type, W stored [N, K] as nn.Linear stores it, fp32 accumulation.
//
// Batch invariance: cuBLAS picks its kernel (tile, split-K) from the shape, so a row's result
// can change with M. The backend therefore never lets M vary where invariance is promised:
// every decode step runs its GEMMs at M = decode_rows_max however many rows are live (the pad
// rows cost nothing while the weights dominate the bytes), and the logits of every path go
// through that same M. Prefill runs at M = its own token count, alone or in a batch. Within one
// M, cuBLAS is deterministic: atomics are off (the default) and the workspace is fixed.
#pragma once

#include <cublas_v2.h>

#include <memory>

#include "core/error.hpp"
#include "kernels/cuda/act_type.hpp"
#include "kernels/cuda/device_buffer.hpp"

namespace agora::kernels::cuda {

enum class gemm_output : uint8_t { overwrite, accumulate };

class gemm_runner {
 public:
  /// A cuBLAS handle bound to `stream` with its own fixed workspace.
  /// Errors: io_error (no handle), limit_exceeded (no memory for the workspace).
  static result<std::unique_ptr<gemm_runner>> create(cudaStream_t stream);
  gemm_runner() = default;  // use create()
  ~gemm_runner();
  gemm_runner(const gemm_runner&) = delete;
  gemm_runner& operator=(const gemm_runner&) = delete;

  /// y (M, N) fp32 = x (M, K) · w (N, K)ᵀ, or y += … when `output` is accumulate.
  status linear_forward(float* y, const void* x, const void* w, int M, int N, int K,
                        gemm_output output, act_type type);

 private:
  cublasHandle_t handle_ = nullptr;
  device_buffer workspace_;
};

}  // namespace agora::kernels::cuda

// cuBLAS projections (kernels/cuda/gemm.hpp). Row-major y = x · Wᵀ is column-major
// yᵀ (N×M) = W (N×K, stored as K×N column-major, hence OP_T) · xᵀ (K×M): the "TN" GEMM.
#include "kernels/cuda/gemm.hpp"

#include <memory>

namespace agora::kernels::cuda {

namespace {

// cuBLAS's recommended workspace for Hopper (32 MiB); fixed so its kernel choice is stable.
constexpr size_t gemm_workspace_bytes = 32ull << 20;

}  // namespace

result<std::unique_ptr<gemm_runner>> gemm_runner::create(cudaStream_t stream) {
  auto runner = std::make_unique<gemm_runner>();
  AGORA_CUBLAS_CHECK(cublasCreate(&runner->handle_));
  auto workspace = device_buffer::allocate(gemm_workspace_bytes);
  if (!workspace)
    return workspace.error();
  runner->workspace_ = std::move(*workspace);
  AGORA_CUBLAS_CHECK(cublasSetStream(runner->handle_, stream));
  AGORA_CUBLAS_CHECK(
      cublasSetWorkspace(runner->handle_, runner->workspace_.get(), runner->workspace_.bytes()));
  AGORA_CUBLAS_CHECK(cublasSetAtomicsMode(runner->handle_, CUBLAS_ATOMICS_NOT_ALLOWED));
  AGORA_CUBLAS_CHECK(cublasSetMathMode(runner->handle_, CUBLAS_DEFAULT_MATH));
  return runner;
}

gemm_runner::~gemm_runner() {
  if (handle_ != nullptr)
    cublasDestroy(handle_);
}

status gemm_runner::linear_forward(float* y, const void* x, const void* w, int M, int N, int K,
                                   gemm_output output, act_type type) {
  AGORA_ASSERT(M > 0 && N > 0 && K > 0);
  AGORA_ASSERT(y != nullptr && x != nullptr && w != nullptr);
  const float alpha = 1.0f, beta = output == gemm_output::accumulate ? 1.0f : 0.0f;
  const cudaDataType_t in_type = type == act_type::bf16 ? CUDA_R_16BF : CUDA_R_16F;
  AGORA_CUBLAS_CHECK(cublasGemmEx(handle_, CUBLAS_OP_T, CUBLAS_OP_N, N, M, K, &alpha, w, in_type, K,
                                  x, in_type, K, &beta, y, CUDA_R_32F, N, CUBLAS_COMPUTE_32F,
                                  CUBLAS_GEMM_DEFAULT));
  return {};
}

}  // namespace agora::kernels::cuda

// Error values for failed CUDA runtime and cuBLAS calls (kernels/cuda/cuda_check.hpp).
#include "kernels/cuda/cuda_check.hpp"

#include <string>

namespace agora::kernels::cuda {

namespace {

std::string where(const char* call, const char* file, int line) {
  return std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": ";
}

}  // namespace

error cuda_error(cudaError_t code, const char* call, const char* file, int line) {
  AGORA_ASSERT(code != cudaSuccess);
  cudaGetLastError();  // a non-sticky error would otherwise be reported again by the next launch
  const bool memory = code == cudaErrorMemoryAllocation;
  return make_error(memory ? errc::limit_exceeded : errc::io_error,
                    where(call, file, line) + cudaGetErrorName(code) + " (" +
                        cudaGetErrorString(code) + ")");
}

error cublas_error(cublasStatus_t code, const char* call, const char* file, int line) {
  AGORA_ASSERT(code != CUBLAS_STATUS_SUCCESS);
  const bool memory = code == CUBLAS_STATUS_ALLOC_FAILED;
  return make_error(memory ? errc::limit_exceeded : errc::io_error,
                    where(call, file, line) + cublasGetStatusName(code) + " (" +
                        cublasGetStatusString(code) + ")");
}

}  // namespace agora::kernels::cuda

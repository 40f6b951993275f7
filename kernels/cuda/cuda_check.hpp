// Checked CUDA and cuBLAS calls (style §4): every runtime and cuBLAS call goes through
// AGORA_CUDA_CHECK / AGORA_CUBLAS_CHECK, which return an error value naming the call, the file
// and the line instead of exiting. Out of memory becomes limit_exceeded, anything else io_error.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "core/error.hpp"

namespace agora::kernels::cuda {

/// The error value for a failed runtime call; clears the runtime's (non-sticky) last error.
error cuda_error(cudaError_t code, const char* call, const char* file, int line);
/// The error value for a failed cuBLAS call.
error cublas_error(cublasStatus_t code, const char* call, const char* file, int line);

}  // namespace agora::kernels::cuda

/// Runs a cudaError_t-returning expression; on failure returns the error from the enclosing
/// function (which returns status or result<T>).
#define AGORA_CUDA_CHECK(call)                                                                     \
  do {                                                                                             \
    const cudaError_t agora_cuda_code_ = (call);                                                   \
    if (agora_cuda_code_ != cudaSuccess) [[unlikely]]                                              \
      return ::agora::kernels::cuda::cuda_error(agora_cuda_code_, #call, __FILE__, __LINE__);      \
  } while (false)

#define AGORA_CUBLAS_CHECK(call)                                                                   \
  do {                                                                                             \
    const cublasStatus_t agora_cublas_code_ = (call);                                              \
    if (agora_cublas_code_ != CUBLAS_STATUS_SUCCESS) [[unlikely]]                                  \
      return ::agora::kernels::cuda::cublas_error(agora_cublas_code_, #call, __FILE__, __LINE__);  \
  } while (false)

/// Runs a status-returning expression; on failure returns its error.
#define AGORA_CUDA_TRY(expr)                                                                       \
  do {                                                                                             \
    ::agora::status agora_cuda_status_ = (expr);                                                   \
    if (!agora_cuda_status_) [[unlikely]]                                                          \
      return agora_cuda_status_.error();                                                           \
  } while (false)

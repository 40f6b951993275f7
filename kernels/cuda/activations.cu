// GELU-tanh and SwiGLU (kernels/cuda/activations.hpp): elementwise, grid-stride, the accurate
// tanhf/expf (not the fast intrinsics) so the CPU reference agrees to fp32 rounding.
#include "kernels/cuda/activations.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"

namespace agora::kernels::cuda {

namespace {

constexpr int activation_threads = 256;

int activation_blocks(size_t elements) {
  const size_t blocks = (elements + activation_threads - 1) / activation_threads;
  return static_cast<int>(blocks < 65535 * 8 ? blocks : 65535 * 8);
}

// out (N, F), in (N, F), bias (F) or null.
template <class T>
__global__ void gelu_forward_kernel(T* out, const float* in, const float* bias, size_t total,
                                    int F) {
  const float scale = 0.7978845608028654f;  // sqrt(2 / pi)
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
       i += size_t(gridDim.x) * blockDim.x) {
    const float v = in[i] + (bias == nullptr ? 0.0f : bias[i % F]);
    const float cube = 0.044715f * v * v * v;
    out[i] = from_float<T>(0.5f * v * (1.0f + tanhf(scale * (v + cube))));
  }
}

// out (N, F), in (N, 2F) = gate | up.
template <class T>
__global__ void swiglu_forward_kernel(T* out, const float* in, size_t total, int F) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total;
       i += size_t(gridDim.x) * blockDim.x) {
    const size_t n = i / F, f = i % F;
    const float g = in[n * 2 * F + f], u = in[n * 2 * F + F + f];
    out[i] = from_float<T>(g / (1.0f + expf(-g)) * u);
  }
}

}  // namespace

status gelu_forward(void* out, const float* in, const float* bias, int N, int F, act_type type,
                    cudaStream_t stream) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(F > 0);
  const size_t total = size_t(N) * F;
  const int blocks = activation_blocks(total);
  if (type == act_type::bf16)
    gelu_forward_kernel<<<blocks, activation_threads, 0, stream>>>(static_cast<__nv_bfloat16*>(out),
                                                                   in, bias, total, F);
  else
    gelu_forward_kernel<<<blocks, activation_threads, 0, stream>>>(static_cast<__half*>(out), in,
                                                                   bias, total, F);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

status swiglu_forward(void* out, const float* in, int N, int F, act_type type,
                      cudaStream_t stream) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(F > 0);
  const size_t total = size_t(N) * F;
  const int blocks = activation_blocks(total);
  if (type == act_type::bf16)
    swiglu_forward_kernel<<<blocks, activation_threads, 0, stream>>>(
        static_cast<__nv_bfloat16*>(out), in, total, F);
  else
    swiglu_forward_kernel<<<blocks, activation_threads, 0, stream>>>(static_cast<__half*>(out), in,
                                                                     total, F);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace agora::kernels::cuda

// LayerNorm and RMSNorm (kernels/cuda/norms.hpp): one block of 256 threads per row, fp32 sums
// reduced in a fixed order (block_sum), so a row's result never depends on the other rows.
// HF semantics: LayerNorm (x - mean) · rstd · w + b with the biased variance; RMSNorm
// w · (x · rsqrt(mean(x²) + eps)).
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"
#include "kernels/cuda/norms.hpp"

namespace agora::kernels::cuda {

namespace {

constexpr int norm_threads = 256;

__device__ __forceinline__ void store(float* p, float v) {
  *p = v;
}
__device__ __forceinline__ void store(__nv_bfloat16* p, float v) {
  *p = __float2bfloat16_rn(v);
}
__device__ __forceinline__ void store(__half* p, float v) {
  *p = __float2half_rn(v);
}

// out (N, C), x (N, C). In place (out == x) is safe: every thread writes only the channels it
// read, after the block's sums are complete.
template <class Tout>
__global__ void norm_forward_kernel(Tout* out, float* x, norm_params p, int C) {
  __shared__ float shared[warp_size];
  float* row = x + size_t(blockIdx.x) * C;
  Tout* out_row = out + size_t(blockIdx.x) * C;
  if (p.residual_bias != nullptr)
    for (int c = threadIdx.x; c < C; c += blockDim.x)
      row[c] += p.residual_bias[c];  // each thread re-reads only its own channels below
  float mean = 0.0f;
  if (p.kind == norm_kind::layer) {
    float sum = 0.0f;
    for (int c = threadIdx.x; c < C; c += blockDim.x)
      sum += row[c];
    mean = block_sum(sum, shared) / C;
  }
  float squares = 0.0f;
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    const float d = row[c] - mean;
    squares += d * d;
  }
  const float rstd = rsqrtf(block_sum(squares, shared) / C + p.eps);
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    const float v = p.kind == norm_kind::layer ? (row[c] - mean) * rstd * p.weight[c] + p.bias[c]
                                               : p.weight[c] * (row[c] * rstd);
    store(out_row + c, v);
  }
}

void check_params(const norm_params& p, int N, int C) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(C > 0);
  AGORA_ASSERT(p.weight != nullptr);
  AGORA_ASSERT(p.kind == norm_kind::rms || p.bias != nullptr);
}

}  // namespace

status norm_forward(void* out, float* x, const norm_params& p, int N, int C, act_type type,
                    cudaStream_t stream) {
  check_params(p, N, C);
  if (type == act_type::bf16)
    norm_forward_kernel<<<N, norm_threads, 0, stream>>>(static_cast<__nv_bfloat16*>(out), x, p, C);
  else
    norm_forward_kernel<<<N, norm_threads, 0, stream>>>(static_cast<__half*>(out), x, p, C);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

status norm_forward_f32(float* out, float* x, const norm_params& p, int N, int C,
                        cudaStream_t stream) {
  check_params(p, N, C);
  norm_forward_kernel<<<N, norm_threads, 0, stream>>>(out, x, p, C);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace agora::kernels::cuda

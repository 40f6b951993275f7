// Embedding lookup (kernels/cuda/embedding.hpp): one block per row, the channels strided over
// the threads. Reads 2·C bytes of table per row, writes 4·C: too small to be worth vectorising.
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"
#include "kernels/cuda/embedding.hpp"

namespace agora::kernels::cuda {

namespace {

// x (N, C), wte (V, C), wpe (P, C) or null.
template <class T>
__global__ void embedding_forward_kernel(float* x, const int32_t* tokens, const row_info* rows,
                                         const T* wte, const T* wpe, int C) {
  const int n = blockIdx.x;
  const T* token_row = wte + size_t(tokens[n]) * C;
  const T* position_row = wpe == nullptr ? nullptr : wpe + size_t(rows[n].position) * C;
  float* out = x + size_t(n) * C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    float v = to_float(token_row[c]);
    if (position_row != nullptr)
      v += to_float(position_row[c]);
    out[c] = v;
  }
}

}  // namespace

status embedding_forward(float* x, const int32_t* tokens, const row_info* rows, const void* wte,
                         const void* wpe, int N, int C, act_type type, cudaStream_t stream) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(C > 0);
  if (type == act_type::bf16)
    embedding_forward_kernel<<<N, 256, 0, stream>>>(x, tokens, rows,
                                                    static_cast<const __nv_bfloat16*>(wte),
                                                    static_cast<const __nv_bfloat16*>(wpe), C);
  else
    embedding_forward_kernel<<<N, 256, 0, stream>>>(
        x, tokens, rows, static_cast<const __half*>(wte), static_cast<const __half*>(wpe), C);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace agora::kernels::cuda

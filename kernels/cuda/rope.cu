// Bias, RoPE and the KV-cache append (kernels/cuda/rope.hpp). One block per row; each thread
// takes (head, pair) slots. The angles come from a table the host fills at load with the CPU
// reference's own fp32 arithmetic (HF's inv_freq, position · inv_freq, cos, sin), so both
// backends rotate by bitwise the same cos and sin. HF's rotate_half pairs dim i with i + D/2.
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"
#include "kernels/cuda/rope.hpp"

namespace agora::kernels::cuda {

namespace {

// Rotates (or copies) one pair of head dims (i, i + D/2) of src + bias into dst.
__device__ __forceinline__ void rotate_pair(float* a, float* b, const float* src, const float* bias,
                                            int i, int half, float2 cs) {
  float x = src[i], y = src[i + half];
  if (bias != nullptr) {
    x += bias[i];
    y += bias[i + half];
  }
  *a = x * cs.x - y * cs.y;
  *b = y * cs.x + x * cs.y;
}

// q (N, NH·D), qkv (N, NH·D + 2·KVH·D), pool as kv_layout says.
template <class T>
__global__ void qkv_rope_forward_kernel(float* q, const float* qkv, T* pool, kv_layout layout,
                                        const row_info* rows, const int32_t* block_table,
                                        qkv_params p) {
  const int n = blockIdx.x, D = p.head_dim, half = D / 2;
  const int q_width = p.heads * D, kv_width = p.kv_heads * D;
  const row_info row = rows[n];
  const float* src = qkv + size_t(n) * (q_width + 2 * kv_width);
  const int block = block_table[row.table_offset + row.position / layout.block_size];
  const int slot = row.position % layout.block_size;
  const float2* angles = p.rope == nullptr ? nullptr : p.rope + size_t(row.position) * half;
  // q and k: (head, pair) slots; heads [0, NH) are q, [NH, NH + KVH) are k.
  for (int s = threadIdx.x; s < (p.heads + p.kv_heads) * half; s += blockDim.x) {
    const int head = s / half, i = s % half;
    const int column = head * D;
    const float2 cs = angles == nullptr ? make_float2(1.0f, 0.0f) : angles[i];
    const float* bias = p.bias == nullptr ? nullptr : p.bias + column;
    float a, b;
    rotate_pair(&a, &b, src + column, bias, i, half, cs);
    if (head < p.heads) {
      float* dst = q + size_t(n) * q_width + column;
      dst[i] = a;
      dst[i + half] = b;
    } else {
      T* dst = pool + layout.offset(block, p.layer, 0, slot, head - p.heads);
      dst[i] = from_float<T>(a);
      dst[i + half] = from_float<T>(b);
    }
  }
  for (int c = threadIdx.x; c < kv_width; c += blockDim.x) {
    const int column = q_width + kv_width + c;
    const float v = src[column] + (p.bias == nullptr ? 0.0f : p.bias[column]);
    pool[layout.offset(block, p.layer, 1, slot, c / D) + c % D] = from_float<T>(v);
  }
}

}  // namespace

status qkv_rope_forward(float* q, const float* qkv, void* kv_pool, const kv_layout& layout,
                        const row_info* rows, const int32_t* block_table, const qkv_params& p,
                        int N, act_type type, cudaStream_t stream) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(p.head_dim % 2 == 0);
  AGORA_ASSERT(p.heads % p.kv_heads == 0);
  AGORA_ASSERT(layout.head_dim == p.head_dim);
  if (type == act_type::bf16)
    qkv_rope_forward_kernel<<<N, 128, 0, stream>>>(q, qkv, static_cast<__nv_bfloat16*>(kv_pool),
                                                   layout, rows, block_table, p);
  else
    qkv_rope_forward_kernel<<<N, 128, 0, stream>>>(q, qkv, static_cast<__half*>(kv_pool), layout,
                                                   rows, block_table, p);
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace agora::kernels::cuda

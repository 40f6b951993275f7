// Causal GQA attention over the paged KV cache (kernels/cuda/attention.hpp). fp32 arithmetic on
// the CUDA cores (no tensor cores yet); q arrives pre-scaled by 1/sqrt(D) in shared memory.
#include <type_traits>

#include "kernels/cuda/attention.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"

namespace agora::kernels::cuda {

namespace {

// Calls f(std::integral_constant<int, D>{}) for a supported head size.
template <class F>
void dispatch_head_dim(int head_dim, F&& f) {
  switch (head_dim) {
  case 16: f(std::integral_constant<int, 16>{}); break;
  case 32: f(std::integral_constant<int, 32>{}); break;
  case 64: f(std::integral_constant<int, 64>{}); break;
  case 128: f(std::integral_constant<int, 128>{}); break;
  default: AGORA_ASSERT(false && "attention_supports(head_dim)");
  }
}

// ------------------------------------------------------------------------------------------
// Prefill: a block per (16-row query tile, head); 8 threads per query row. Each key tile of
// 32 positions is loaded once into shared memory (fp32) and used by all 16 rows.

constexpr int prefill_rows = 16;
constexpr int prefill_keys = 32;
constexpr int row_threads = 8;
constexpr int prefill_threads = prefill_rows * row_threads;

// Keys and values of positions k0 .. k0 + 31 (zeros past last_key) into shared memory.
template <class T, int D>
__device__ void load_kv_tile(float (*ks)[D + 1], float (*vs)[D], const T* pool,
                             const kv_layout& layout, const int32_t* table, int layer, int kvh,
                             int k0, int last_key) {
  for (int i = threadIdx.x; i < prefill_keys * (D / 8); i += blockDim.x) {
    const int k = i / (D / 8), c = (i % (D / 8)) * 8, pos = k0 + k;
    float key[8] = {}, value[8] = {};
    if (pos <= last_key) {
      const int block = table[pos / layout.block_size], slot = pos % layout.block_size;
      load8(key, pool + layout.offset(block, layer, 0, slot, kvh) + c);
      load8(value, pool + layout.offset(block, layer, 1, slot, kvh) + c);
    }
#pragma unroll
    for (int e = 0; e < 8; ++e) {
      ks[k][c + e] = key[e];
      vs[k][c + e] = value[e];
    }
  }
}

// Sum and max over the 8 consecutive lanes that share a query row.
__device__ __forceinline__ float row_sum(float v) {
  for (int offset = row_threads / 2; offset > 0; offset >>= 1)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}
__device__ __forceinline__ float row_max(float v) {
  for (int offset = row_threads / 2; offset > 0; offset >>= 1)
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

// out (T, NH·D), q (T, NH·D); grid (ceil(T / 16), NH).
template <class T, int D>
__global__ void __launch_bounds__(prefill_threads)
    attention_prefill_forward_kernel(T* out, const float* q, const T* pool, kv_layout layout,
                                     const int32_t* table, int first, int rows_total,
                                     attention_params p) {
  __shared__ float qs[prefill_rows][D + 1];  // +1: rows of one warp hit different banks
  __shared__ float ks[prefill_keys][D + 1];
  __shared__ float vs[prefill_keys][D];
  __shared__ float ps[prefill_rows][prefill_keys];
  constexpr int dims = D / row_threads, keys = prefill_keys / row_threads;
  const int h = blockIdx.y, kvh = h / (p.heads / p.kv_heads), q_width = p.heads * D;
  const int r = threadIdx.x / row_threads, j = threadIdx.x % row_threads;
  const int tile_first = blockIdx.x * prefill_rows;
  const int tile_rows = min(prefill_rows, rows_total - tile_first);
  for (int i = threadIdx.x; i < prefill_rows * D; i += blockDim.x) {
    const int rr = i / D, d = i % D;
    qs[rr][d] = rr < tile_rows ? q[size_t(tile_first + rr) * q_width + h * D + d] * p.scale : 0.f;
  }
  const int position = first + tile_first + r, last_key = first + tile_first + tile_rows - 1;
  float acc[dims] = {}, m = -INFINITY, l = 0.0f;
  for (int k0 = 0; k0 <= last_key; k0 += prefill_keys) {
    __syncthreads();  // the previous tile is consumed; on the first pass, qs is complete
    load_kv_tile<T, D>(ks, vs, pool, layout, table, p.layer, kvh, k0, last_key);
    __syncthreads();
    float s[keys], tile_max = -INFINITY;
#pragma unroll
    for (int kk = 0; kk < keys; ++kk) {
      const int k = j + row_threads * kk;
      float dot = 0.0f;
#pragma unroll 16
      for (int d = 0; d < D; ++d)
        dot += qs[r][d] * ks[k][d];
      s[kk] = k0 + k <= position ? dot : -INFINITY;
      tile_max = fmaxf(tile_max, s[kk]);
    }
    const float m_new = fmaxf(m, row_max(tile_max));  // finite: key 0 is in every row's past
    const float correction = expf(m - m_new);
    float sum = 0.0f;
#pragma unroll
    for (int kk = 0; kk < keys; ++kk) {
      const float e = expf(s[kk] - m_new);
      ps[r][j + row_threads * kk] = e;
      sum += e;
    }
    l = l * correction + row_sum(sum);
    m = m_new;
    __syncwarp();  // ps[r] is written and read by the 8 lanes of one warp
#pragma unroll
    for (int i = 0; i < dims; ++i)
      acc[i] *= correction;
    for (int k = 0; k < prefill_keys; ++k) {
      const float e = ps[r][k];
#pragma unroll
      for (int i = 0; i < dims; ++i)
        acc[i] += e * vs[k][j + row_threads * i];
    }
  }
  if (r < tile_rows) {
    T* dst = out + size_t(tile_first + r) * q_width + h * D;
#pragma unroll
    for (int i = 0; i < dims; ++i)
      dst[j + row_threads * i] = from_float<T>(acc[i] / l);
  }
}

// ------------------------------------------------------------------------------------------
// Decode: a block per (row, head, split of split_len keys); blocks past a row's length exit.
// Then a block per (row, head) combines the row's splits in split order.

constexpr int decode_threads = 128;

// partial (N, NH, splits_max, 2 + D): max, sum, then the unnormalised accumulators.
template <class T, int D>
__global__ void __launch_bounds__(decode_threads)
    attention_decode_forward_kernel(float* partial, const float* q, const T* pool, kv_layout layout,
                                    const row_info* rows, const int32_t* table, int split_len,
                                    int splits_max, attention_params p) {
  extern __shared__ float scores[];  // split_len
  constexpr int chunks = D / 8, groups = decode_threads / chunks;
  __shared__ float qs[D], reduce[warp_size], part[groups][D];
  const int n = blockIdx.x, h = blockIdx.y, split = blockIdx.z;
  const row_info row = rows[n];
  const int begin = split * split_len, end = min(row.position + 1, begin + split_len);
  if (begin >= end)
    return;  // uniform over the block: this row is shorter than this split
  const int kvh = h / (p.heads / p.kv_heads);
  const int32_t* blocks = table + row.table_offset;
  for (int d = threadIdx.x; d < D; d += blockDim.x)
    qs[d] = q[(size_t(n) * p.heads + h) * D + d] * p.scale;
  __syncthreads();
  float local_max = -INFINITY;
  for (int pos = begin + threadIdx.x; pos < end; pos += blockDim.x) {
    const T* key = pool + layout.offset(blocks[pos / layout.block_size], p.layer, 0,
                                        pos % layout.block_size, kvh);
    float dot = 0.0f;
#pragma unroll
    for (int c = 0; c < D; c += 8) {
      float k8[8];
      load8(k8, key + c);
#pragma unroll
      for (int e = 0; e < 8; ++e)
        dot += qs[c + e] * k8[e];
    }
    scores[pos - begin] = dot;
    local_max = fmaxf(local_max, dot);
  }
  const float m = block_max(local_max, reduce);
  float local_sum = 0.0f;
  for (int pos = begin + threadIdx.x; pos < end; pos += blockDim.x) {
    const float e = expf(scores[pos - begin] - m);
    scores[pos - begin] = e;
    local_sum += e;
  }
  const float l = block_sum(local_sum, reduce);  // its barriers publish `scores`
  const int chunk = threadIdx.x % chunks, group = threadIdx.x / chunks;
  float acc[8] = {};
  for (int pos = begin + group; pos < end; pos += groups) {
    float v8[8];
    load8(v8, pool +
                  layout.offset(blocks[pos / layout.block_size], p.layer, 1,
                                pos % layout.block_size, kvh) +
                  chunk * 8);
    const float w = scores[pos - begin];
#pragma unroll
    for (int e = 0; e < 8; ++e)
      acc[e] += w * v8[e];
  }
#pragma unroll
  for (int e = 0; e < 8; ++e)
    part[group][chunk * 8 + e] = acc[e];
  __syncthreads();
  float* dst = partial + ((size_t(n) * p.heads + h) * splits_max + split) * (D + 2);
  for (int d = threadIdx.x; d < D; d += blockDim.x) {
    float total = 0.0f;
    for (int g = 0; g < groups; ++g)
      total += part[g][d];
    dst[2 + d] = total;
  }
  if (threadIdx.x == 0) {
    dst[0] = m;
    dst[1] = l;
  }
}

// out (N, NH·D); grid (N, NH), D threads.
template <class T, int D>
__global__ void attention_combine_forward_kernel(T* out, const float* partial, const row_info* rows,
                                                 int split_len, int splits_max, int heads) {
  const int n = blockIdx.x, h = blockIdx.y, d = threadIdx.x;
  const int splits = (rows[n].position + split_len) / split_len;  // ceil((position + 1) / len)
  const float* base = partial + (size_t(n) * heads + h) * splits_max * (D + 2);
  float m = -INFINITY;
  for (int s = 0; s < splits; ++s)
    m = fmaxf(m, base[s * (D + 2)]);
  float l = 0.0f, acc = 0.0f;
  for (int s = 0; s < splits; ++s) {
    const float w = expf(base[s * (D + 2)] - m);
    l += w * base[s * (D + 2) + 1];
    acc += w * base[s * (D + 2) + 2 + d];
  }
  out[(size_t(n) * heads + h) * D + d] = from_float<T>(acc / l);
}

template <class T>
status prefill_typed(T* out, const float* q, const T* pool, const kv_layout& layout,
                     const int32_t* table, int first, int rows, const attention_params& p,
                     cudaStream_t stream) {
  const dim3 grid((rows + prefill_rows - 1) / prefill_rows, p.heads);
  dispatch_head_dim(p.head_dim, [&](auto d) {
    attention_prefill_forward_kernel<T, decltype(d)::value>
        <<<grid, prefill_threads, 0, stream>>>(out, q, pool, layout, table, first, rows, p);
  });
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

template <class T>
status decode_typed(T* out, const float* q, const T* pool, const kv_layout& layout,
                    const row_info* rows, const int32_t* table, const decode_scratch& s, int N,
                    const attention_params& p, cudaStream_t stream) {
  const dim3 grid(N, p.heads, s.splits_max), combine_grid(N, p.heads);
  const size_t shared = sizeof(float) * s.split_len;
  dispatch_head_dim(p.head_dim, [&](auto d) {
    constexpr int D = decltype(d)::value;
    attention_decode_forward_kernel<T, D><<<grid, decode_threads, shared, stream>>>(
        s.partial, q, pool, layout, rows, table, s.split_len, s.splits_max, p);
    attention_combine_forward_kernel<T, D>
        <<<combine_grid, D, 0, stream>>>(out, s.partial, rows, s.split_len, s.splits_max, p.heads);
  });
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace

bool attention_supports(int head_dim) {
  return head_dim == 16 || head_dim == 32 || head_dim == 64 || head_dim == 128;
}

status attention_prefill_forward(void* out, const float* q, const void* kv_pool,
                                 const kv_layout& layout, const int32_t* block_table, int first,
                                 int T, const attention_params& p, act_type type,
                                 cudaStream_t stream) {
  AGORA_ASSERT(T > 0);
  AGORA_ASSERT(first >= 0);
  AGORA_ASSERT(p.heads % p.kv_heads == 0);
  if (type == act_type::bf16)
    return prefill_typed(static_cast<__nv_bfloat16*>(out), q,
                         static_cast<const __nv_bfloat16*>(kv_pool), layout, block_table, first, T,
                         p, stream);
  return prefill_typed(static_cast<__half*>(out), q, static_cast<const __half*>(kv_pool), layout,
                       block_table, first, T, p, stream);
}

status attention_decode_forward(void* out, const float* q, const void* kv_pool,
                                const kv_layout& layout, const row_info* rows,
                                const int32_t* block_table, const decode_scratch& scratch, int N,
                                const attention_params& p, act_type type, cudaStream_t stream) {
  AGORA_ASSERT(N > 0);
  AGORA_ASSERT(scratch.split_len > 0 && scratch.split_len <= 8192);
  AGORA_ASSERT(p.heads % p.kv_heads == 0);
  if (type == act_type::bf16)
    return decode_typed(static_cast<__nv_bfloat16*>(out), q,
                        static_cast<const __nv_bfloat16*>(kv_pool), layout, rows, block_table,
                        scratch, N, p, stream);
  return decode_typed(static_cast<__half*>(out), q, static_cast<const __half*>(kv_pool), layout,
                      rows, block_table, scratch, N, p, stream);
}

}  // namespace agora::kernels::cuda

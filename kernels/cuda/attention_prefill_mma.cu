// Prefill attention on the tensor cores (kernels/cuda/attention.hpp), FlashAttention-2 style:
// a block of 4 warps per (64-query tile, head), each warp owning 16 query rows; key/value tiles
// of 64 positions are staged in shared memory in the 16-bit type; S = Q·Kᵀ and O += P·V run as
// mma.sync m16n8k16 (16-bit operands, fp32 accumulators), the online softmax in registers.
// q and P are rounded to 16 bits as operands (both cost < 1e-3 relative; see the tests).
// Fragment layouts (PTX ISA, "mma.m16n8k16"): lane = 4·g + t; A rows g and g + 8, columns
// 2t, 2t + 1 (+ 8); B columns g, rows 2t, 2t + 1 (+ 8); C rows g and g + 8, columns 2t, 2t + 1.
#include <type_traits>

#include "kernels/cuda/attention.hpp"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/device_math.cuh"

namespace agora::kernels::cuda {

namespace {

constexpr int mma_rows = 64, mma_keys = 64, mma_threads = 128;

// d += a · b for one m16n8k16 tile.
__device__ __forceinline__ void mma(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1,
                                    __nv_bfloat16) {
#if __CUDA_ARCH__ >= 800  // older targets get an empty kernel that is never launched
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
               "{%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}
__device__ __forceinline__ void mma(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1,
                                    __half) {
#if __CUDA_ARCH__ >= 800
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
               "{%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

// Two values as one 32-bit operand register, the lower index in the lower half.
template <class T>
__device__ __forceinline__ uint32_t pack(float lo, float hi) {
  const T l = from_float<T>(lo), h = from_float<T>(hi);
  return uint32_t(reinterpret_cast<const uint16_t&>(l)) |
         (uint32_t(reinterpret_cast<const uint16_t&>(h)) << 16);
}
template <class T>
__device__ __forceinline__ uint32_t pack_bits(T lo, T hi) {
  return uint32_t(reinterpret_cast<const uint16_t&>(lo)) |
         (uint32_t(reinterpret_cast<const uint16_t&>(hi)) << 16);
}

// Keys and values of positions k0 .. k0 + 63 (zeros past last_key) into shared memory.
template <class T, int D>
__device__ void load_tile(T (*ks)[D + 8], T (*vs)[D + 8], const T* pool, const kv_layout& layout,
                          const int32_t* table, int layer, int kvh, int k0, int last_key) {
  for (int i = threadIdx.x; i < mma_keys * (D / 8); i += blockDim.x) {
    const int k = i / (D / 8), c = (i % (D / 8)) * 8, pos = k0 + k;
    uint4 key = make_uint4(0, 0, 0, 0), value = key;
    if (pos <= last_key) {
      const int block = table[pos / layout.block_size], slot = pos % layout.block_size;
      key = *reinterpret_cast<const uint4*>(pool + layout.offset(block, layer, 0, slot, kvh) + c);
      value = *reinterpret_cast<const uint4*>(pool + layout.offset(block, layer, 1, slot, kvh) + c);
    }
    *reinterpret_cast<uint4*>(&ks[k][c]) = key;
    *reinterpret_cast<uint4*>(&vs[k][c]) = value;
  }
}

// This thread's A fragments of its warp's 16 query rows (scaled), D/16 chunks of 16 dims.
template <class T, int D>
__device__ void load_q(uint32_t (&qf)[D / 16][4], const float* q, int row0, int rows_total,
                       int stride, float scale) {
  const int lane = threadIdx.x % warp_size, g = lane / 4, t = lane % 4;
#pragma unroll
  for (int kc = 0; kc < D / 16; ++kc)
#pragma unroll
    for (int r = 0; r < 4; ++r) {  // registers: (g, lo), (g + 8, lo), (g, hi), (g + 8, hi)
      const int row = row0 + g + (r % 2) * 8, col = kc * 16 + (r / 2) * 8 + 2 * t;
      float2 v = make_float2(0.0f, 0.0f);
      if (row < rows_total)
        v = *reinterpret_cast<const float2*>(q + size_t(row) * stride + col);
      qf[kc][r] = pack<T>(v.x * scale, v.y * scale);
    }
}

// The online-softmax update of one key tile: masks s, rescales o, turns s into p.
template <int D>
__device__ __forceinline__ void softmax_tile(float (&s)[mma_keys / 8][4], float (&o)[D / 8][4],
                                             float (&m)[2], float (&l)[2], int k0, int position) {
  const int t = threadIdx.x % 4;
#pragma unroll
  for (int half = 0; half < 2; ++half) {  // rows g (c0, c1) and g + 8 (c2, c3)
    float tile_max = -INFINITY;
#pragma unroll
    for (int nt = 0; nt < mma_keys / 8; ++nt)
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int key = k0 + nt * 8 + 2 * t + e;
        float& v = s[nt][half * 2 + e];
        v = key <= position + half * 8 ? v : -INFINITY;
        tile_max = fmaxf(tile_max, v);
      }
    tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
    tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 2));
    const float m_new = fmaxf(m[half], tile_max);  // finite: key 0 is in every row's past
    const float correction = expf(m[half] - m_new);
    float sum = 0.0f;
#pragma unroll
    for (int nt = 0; nt < mma_keys / 8; ++nt)
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        float& v = s[nt][half * 2 + e];
        v = expf(v - m_new);
        sum += v;
      }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    l[half] = l[half] * correction + sum;
    m[half] = m_new;
#pragma unroll
    for (int nt = 0; nt < D / 8; ++nt) {
      o[nt][half * 2] *= correction;
      o[nt][half * 2 + 1] *= correction;
    }
  }
}

// out (T, NH·D), q (T, NH·D); grid (ceil(T / 64), NH).
template <class T, int D>
__global__ void __launch_bounds__(mma_threads)
    attention_prefill_mma_forward_kernel(T* out, const float* q, const T* pool, kv_layout layout,
                                         const int32_t* table, int first, int rows_total,
                                         attention_params p) {
  __shared__ alignas(16) T ks[mma_keys][D + 8];  // +8: fragment loads hit distinct banks
  __shared__ alignas(16) T vs[mma_keys][D + 8];
  const int h = blockIdx.y, kvh = h / (p.heads / p.kv_heads), width = p.heads * D;
  const int warp = threadIdx.x / warp_size, lane = threadIdx.x % warp_size;
  const int g = lane / 4, t = lane % 4;
  const int tile_first = blockIdx.x * mma_rows, row0 = tile_first + warp * 16;
  const int last_key = first + min(rows_total, tile_first + mma_rows) - 1;
  const int position = first + row0 + g;  // row g; row g + 8 is position + 8
  uint32_t qf[D / 16][4];
  load_q<T, D>(qf, q + h * D, row0, rows_total, width, p.scale);
  float o[D / 8][4] = {}, m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};
  for (int k0 = 0; k0 <= last_key; k0 += mma_keys) {
    __syncthreads();  // the previous tile is consumed
    load_tile<T, D>(ks, vs, pool, layout, table, p.layer, kvh, k0, last_key);
    __syncthreads();
    float s[mma_keys / 8][4] = {};
#pragma unroll
    for (int kc = 0; kc < D / 16; ++kc)
#pragma unroll
      for (int nt = 0; nt < mma_keys / 8; ++nt) {
        const T* key = &ks[nt * 8 + g][kc * 16 + 2 * t];
        mma(s[nt], qf[kc], *reinterpret_cast<const uint32_t*>(key),
            *reinterpret_cast<const uint32_t*>(key + 8), T{});
      }
    softmax_tile<D>(s, o, m, l, k0, position);
#pragma unroll
    for (int c = 0; c < mma_keys / 16; ++c) {  // keys 16c .. 16c + 15 as the k dimension
      const uint32_t a[4] = {pack<T>(s[2 * c][0], s[2 * c][1]), pack<T>(s[2 * c][2], s[2 * c][3]),
                             pack<T>(s[2 * c + 1][0], s[2 * c + 1][1]),
                             pack<T>(s[2 * c + 1][2], s[2 * c + 1][3])};
      const int key = c * 16 + 2 * t;
#pragma unroll
      for (int nt = 0; nt < D / 8; ++nt) {
        const int dim = nt * 8 + g;
        mma(o[nt], a, pack_bits(vs[key][dim], vs[key + 1][dim]),
            pack_bits(vs[key + 8][dim], vs[key + 9][dim]), T{});
      }
    }
  }
#pragma unroll
  for (int half = 0; half < 2; ++half) {
    const int row = row0 + g + half * 8;
    if (row >= rows_total)
      continue;
    T* dst = out + size_t(row) * width + h * D;
#pragma unroll
    for (int nt = 0; nt < D / 8; ++nt) {
      dst[nt * 8 + 2 * t] = from_float<T>(o[nt][half * 2] / l[half]);
      dst[nt * 8 + 2 * t + 1] = from_float<T>(o[nt][half * 2 + 1] / l[half]);
    }
  }
}

template <class T>
status prefill_mma_typed(T* out, const float* q, const T* pool, const kv_layout& layout,
                         const int32_t* table, int first, int rows, const attention_params& p,
                         cudaStream_t stream) {
  const dim3 grid((rows + mma_rows - 1) / mma_rows, p.heads);
  switch (p.head_dim) {
  case 16:
    attention_prefill_mma_forward_kernel<T, 16>
        <<<grid, mma_threads, 0, stream>>>(out, q, pool, layout, table, first, rows, p);
    break;
  case 32:
    attention_prefill_mma_forward_kernel<T, 32>
        <<<grid, mma_threads, 0, stream>>>(out, q, pool, layout, table, first, rows, p);
    break;
  case 64:
    attention_prefill_mma_forward_kernel<T, 64>
        <<<grid, mma_threads, 0, stream>>>(out, q, pool, layout, table, first, rows, p);
    break;
  case 128:
    attention_prefill_mma_forward_kernel<T, 128>
        <<<grid, mma_threads, 0, stream>>>(out, q, pool, layout, table, first, rows, p);
    break;
  default: AGORA_ASSERT(false && "attention_supports(head_dim)");
  }
  AGORA_CUDA_CHECK(cudaGetLastError());
  return {};
}

}  // namespace

bool attention_prefill_mma_available() {
  cudaFuncAttributes attributes{};
  const cudaError_t code =
      cudaFuncGetAttributes(&attributes, attention_prefill_mma_forward_kernel<__nv_bfloat16, 64>);
  if (code != cudaSuccess) {
    cudaGetLastError();  // not sticky: clear it for the next call
    return false;
  }
  return attributes.binaryVersion >= 80;
}

status attention_prefill_mma_forward(void* out, const float* q, const void* kv_pool,
                                     const kv_layout& layout, const int32_t* block_table, int first,
                                     int T, const attention_params& p, act_type type,
                                     cudaStream_t stream) {
  AGORA_ASSERT(T > 0);
  AGORA_ASSERT(first >= 0);
  AGORA_ASSERT(p.heads % p.kv_heads == 0);
  if (type == act_type::bf16)
    return prefill_mma_typed(static_cast<__nv_bfloat16*>(out), q,
                             static_cast<const __nv_bfloat16*>(kv_pool), layout, block_table, first,
                             T, p, stream);
  return prefill_mma_typed(static_cast<__half*>(out), q, static_cast<const __half*>(kv_pool),
                           layout, block_table, first, T, p, stream);
}

}  // namespace agora::kernels::cuda

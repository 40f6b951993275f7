// The paged KV cache's addressing, shared by host and device code: one pool of fixed-size
// blocks, each holding `block_size` positions of every layer's keys and values, laid out
// (blocks, layers, 2 = k|v, block_size, KVH, D) in the model's 16-bit type. A sequence owns a
// list of block ids; position p of it lives in block table[p / block_size], slot p % block_size.
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef __CUDACC__
#define AGORA_HOST_DEVICE __host__ __device__
#else
#define AGORA_HOST_DEVICE
#endif

namespace agora::kernels::cuda {

/// Positions per KV block (vLLM's default): small enough that a short sequence wastes little,
/// large enough that a block's rows are contiguous 16-byte loads.
inline constexpr uint32_t kv_block_size = 16;

struct kv_layout {
  int32_t layers = 0, kv_heads = 0, head_dim = 0, block_size = kv_block_size;

  /// Elements in one block (all layers, keys and values).
  AGORA_HOST_DEVICE size_t block_elements() const {
    return size_t(layers) * 2 * block_size * kv_heads * head_dim;
  }
  /// Element offset of (block, layer, kind 0 = key / 1 = value, slot, kv head, dim 0).
  AGORA_HOST_DEVICE size_t offset(int32_t block, int32_t layer, int32_t kind, int32_t slot,
                                  int32_t head) const {
    return ((((size_t(block) * layers + layer) * 2 + kind) * block_size + slot) * kv_heads + head) *
           head_dim;
  }
};

/// One row of a forward step: the position its token takes in its sequence, and where that
/// sequence's block ids start in the step's block-table array.
struct row_info {
  int32_t position = 0;
  int32_t table_offset = 0;
};

}  // namespace agora::kernels::cuda

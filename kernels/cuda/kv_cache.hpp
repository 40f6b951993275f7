// The paged KV cache's bookkeeping on the host (kernels/cuda/kv_cache.cpp): a pool of block ids
// sized at load (the device memory itself is one allocation the backend owns, addressed as
// kv_layout.hpp says) and the sequences that hold lists of them. A sequence takes every block
// its capacity needs when it opens, so a step never runs out of blocks halfway.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kernels/backend.hpp"

namespace agora::kernels::cuda {

class kv_block_pool {
 public:
  /// REQUIRES: blocks > 0. Every id in [0, blocks) starts free.
  explicit kv_block_pool(uint32_t blocks);

  /// Moves `count` free ids into `out`; false (and nothing taken) when fewer are free.
  bool take(uint32_t count, std::vector<int32_t>* out);
  /// Returns ids that take() gave out.
  void give_back(std::span<const int32_t> ids);
  uint32_t blocks_free() const { return static_cast<uint32_t>(free_.size()); }
  uint32_t blocks_total() const { return blocks_total_; }

 private:
  uint32_t blocks_total_;
  std::vector<int32_t> free_;  // a stack: the most recently freed block is reused first
};

class cuda_sequence final : public kv_sequence {
 public:
  /// REQUIRES: blocks.size() × kv_block_size ≥ capacity > 0.
  cuda_sequence(const void* owner, std::shared_ptr<kv_block_pool> pool, std::vector<int32_t> blocks,
                uint32_t capacity);
  ~cuda_sequence() override;
  cuda_sequence(const cuda_sequence&) = delete;
  cuda_sequence& operator=(const cuda_sequence&) = delete;

  uint32_t length() const override { return length_; }
  uint32_t capacity() const override { return capacity_; }

  /// The backend that made this sequence.
  const void* owner() const { return owner_; }
  /// Block ids in position order: position p lives in blocks()[p / kv_block_size].
  std::span<const int32_t> blocks() const { return blocks_; }
  /// Marks `count` more positions as run. REQUIRES: length() + count ≤ capacity().
  void advance(uint32_t count);

 private:
  const void* owner_;
  std::shared_ptr<kv_block_pool> pool_;  // shared: a sequence may outlive its backend
  std::vector<int32_t> blocks_;
  uint32_t capacity_;
  uint32_t length_ = 0;
};

}  // namespace agora::kernels::cuda

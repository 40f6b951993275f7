// Block ids of the paged KV cache and the sequences holding them (kernels/cuda/kv_cache.hpp).
#include "kernels/cuda/kv_cache.hpp"

#include "core/assert.hpp"
#include "kernels/cuda/kv_layout.hpp"

namespace agora::kernels::cuda {

kv_block_pool::kv_block_pool(uint32_t blocks) : blocks_total_(blocks) {
  AGORA_ASSERT(blocks > 0);
  free_.reserve(blocks);
  for (uint32_t i = blocks; i > 0; --i)
    free_.push_back(static_cast<int32_t>(i - 1));  // block 0 on top: handed out first
  AGORA_ASSERT(free_.size() == blocks_total_);
}

bool kv_block_pool::take(uint32_t count, std::vector<int32_t>* out) {
  AGORA_ASSERT(out != nullptr);
  if (count > free_.size())
    return false;
  for (uint32_t i = 0; i < count; ++i) {
    out->push_back(free_.back());
    free_.pop_back();
  }
  return true;
}

void kv_block_pool::give_back(std::span<const int32_t> ids) {
  for (int32_t id : ids) {
    AGORA_ASSERT(id >= 0 && static_cast<uint32_t>(id) < blocks_total_);
    free_.push_back(id);
  }
  AGORA_ASSERT(free_.size() <= blocks_total_);
}

cuda_sequence::cuda_sequence(const void* owner, std::shared_ptr<kv_block_pool> pool,
                             std::vector<int32_t> blocks, uint32_t capacity)
    : owner_(owner), pool_(std::move(pool)), blocks_(std::move(blocks)), capacity_(capacity) {
  AGORA_ASSERT(capacity_ > 0);
  AGORA_ASSERT(uint64_t{blocks_.size()} * kv_block_size >= capacity_);
  AGORA_ASSERT(pool_ != nullptr);
}

cuda_sequence::~cuda_sequence() {
  pool_->give_back(blocks_);
}

void cuda_sequence::advance(uint32_t count) {
  AGORA_ASSERT(count <= capacity_ - length_);
  length_ += count;
  AGORA_ASSERT(length_ <= capacity_);
}

}  // namespace agora::kernels::cuda

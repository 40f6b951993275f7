// Building write batches: operations are checked against the storage limits as they are added.
#include "storage/write_batch.hpp"

#include "core/assert.hpp"

namespace agora::storage {

void write_batch::put(column col, byte_view key, byte_view value) {
  AGORA_ASSERT(value.size() <= value_bytes_max);
  add(op_kind::put, col, key, value);
}

void write_batch::del(column col, byte_view key) {
  add(op_kind::del, col, key, {});
}

void write_batch::add(op_kind kind, column col, byte_view key, byte_view value) {
  AGORA_ASSERT(col != column::applied);
  AGORA_ASSERT(column_index(col) < column_count);
  AGORA_ASSERT(!key.empty());
  AGORA_ASSERT(key.size() <= key_bytes_max);
  AGORA_ASSERT(ops_.size() < batch_ops_max);
  AGORA_ASSERT(data_.size() + key.size() + value.size() <= batch_bytes_max);
  entry e{kind,
          col,
          static_cast<uint32_t>(data_.size()),
          static_cast<uint32_t>(key.size()),
          static_cast<uint32_t>(data_.size() + key.size()),
          static_cast<uint32_t>(value.size())};
  data_.insert(data_.end(), key.begin(), key.end());
  data_.insert(data_.end(), value.begin(), value.end());
  ops_.push_back(e);
  AGORA_ASSERT(e.value_offset + e.value_size == data_.size());
}

}  // namespace agora::storage

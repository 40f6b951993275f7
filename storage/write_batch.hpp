// A batch of puts and deletes across column families, applied atomically by store::apply or
// store::write (DESIGN §7: every state transition is one batch). The batch owns copies of its
// keys and values in one buffer, so it can be built before the store is at hand.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "storage/column.hpp"
#include "storage/limits.hpp"

namespace agora::storage {

class write_batch {
 public:
  enum class op_kind : uint8_t { put, del };

  /// One operation; key and value point into the batch and live as long as it is unchanged.
  struct op {
    op_kind kind;
    column col;
    byte_view key;
    byte_view value;  // empty for del
  };

  /// REQUIRES: col != column::applied (markers are written by store::apply only), a key of
  /// 1..key_bytes_max bytes, a value of at most value_bytes_max bytes, and room in the batch
  /// (batch_ops_max operations, batch_bytes_max bytes).
  void put(column col, byte_view key, byte_view value);
  /// REQUIRES: as for put.
  void del(column col, byte_view key);

  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  /// Key and value bytes held.
  size_t byte_size() const { return data_.size(); }

  /// Calls visit(op) for each operation in insertion order.
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const auto& e : ops_)
      visit(
          op{e.kind, e.col, slice(e.key_offset, e.key_size), slice(e.value_offset, e.value_size)});
  }

 private:
  struct entry {
    op_kind kind;
    column col;
    uint32_t key_offset;
    uint32_t key_size;
    uint32_t value_offset;
    uint32_t value_size;
  };
  static_assert(batch_bytes_max <= UINT32_MAX, "offsets are 32-bit");

  void add(op_kind kind, column col, byte_view key, byte_view value);
  byte_view slice(uint32_t offset, uint32_t size) const {
    return byte_view(data_).subspan(offset, size);
  }

  bytes data_;
  std::vector<entry> ops_;
};

}  // namespace agora::storage

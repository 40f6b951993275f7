// The column families of the store (DESIGN §7): one per record kind, plus `applied`, which holds
// the idempotency markers written by store::apply. Their names are what RocksDB keeps on disk.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace agora::storage {

/// DO NOT CHANGE the names: they are on disk. The numbers are only in-process indexes.
enum class column : uint8_t {
  providers = 0,
  sessions = 1,
  tasks = 2,
  proofs = 3,
  accounts = 4,
  journal = 5,
  tokens = 6,
  meta = 7,
  applied = 8,  // idempotency markers; written only by store::apply
};

inline constexpr size_t column_count = 9;

inline constexpr std::array<column, column_count> all_columns = {
    column::providers, column::sessions, column::tasks, column::proofs,  column::accounts,
    column::journal,   column::tokens,   column::meta,  column::applied,
};

/// The stable on-disk name of a column family.
std::string_view column_name(column c);
/// The column named `name`, or nullopt for a name this build does not know.
std::optional<column> column_from_name(std::string_view name);

inline size_t column_index(column c) {
  return static_cast<size_t>(c);
}

}  // namespace agora::storage

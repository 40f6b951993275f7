// Stable names of the store's column families.
#include "storage/column.hpp"

#include "core/assert.hpp"

namespace agora::storage {

std::string_view column_name(column c) {
  switch (c) {
  case column::providers: return "providers";
  case column::sessions: return "sessions";
  case column::tasks: return "tasks";
  case column::proofs: return "proofs";
  case column::accounts: return "accounts";
  case column::journal: return "journal";
  case column::tokens: return "tokens";
  case column::meta: return "meta";
  case column::applied: return "applied";
  }
  AGORA_ASSERT(false && "column out of range");
  return {};
}

std::optional<column> column_from_name(std::string_view name) {
  AGORA_ASSERT(all_columns.size() == column_count);
  for (column c : all_columns) {
    if (column_name(c) == name)
      return c;
  }
  return std::nullopt;
}

}  // namespace agora::storage

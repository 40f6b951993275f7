// Storage limits (DESIGN §7, style §2 "put a limit on everything"): the bounds every key, value,
// batch, idempotency id and scan in storage/ is checked against, tied together below.
#pragma once

#include <cstddef>

namespace agora::storage {

/// The longest key a key_builder may produce.
inline constexpr size_t key_bytes_max = 1024;
/// The largest value one put may carry (records are FlatBuffers, far smaller in practice).
inline constexpr size_t value_bytes_max = size_t{16} << 20;
/// The most puts and deletes one write_batch may hold.
inline constexpr size_t batch_ops_max = size_t{1} << 16;
/// The most key and value bytes one write_batch may hold.
inline constexpr size_t batch_bytes_max = size_t{64} << 20;
/// The longest idempotency id apply() accepts; ids come from callers, so longer is an error.
inline constexpr size_t batch_id_bytes_max = 256;
/// The most entries one scan may visit.
inline constexpr size_t scan_limit_max = size_t{1} << 20;

static_assert(batch_id_bytes_max <= key_bytes_max, "an id is stored as a key");
static_assert(value_bytes_max + key_bytes_max <= batch_bytes_max, "one put fits a batch");
static_assert(batch_ops_max <= scan_limit_max, "a batch can be read back in one scan");

}  // namespace agora::storage

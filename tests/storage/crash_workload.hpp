// The crash test's workload (tests/storage/crash_test.cpp), shared by the test and the child
// process it kills (crash_child.cpp): what batch n writes, derived from n alone, so the test can
// recompute every record and check that each batch is present in full or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "storage/column.hpp"
#include "storage/write_batch.hpp"

namespace agora::storage::testing {

struct crash_record {
  column col;
  bytes key;
  bytes value;
};

/// Records per batch, each in a different column.
inline constexpr size_t crash_records_per_batch = 4;

/// The idempotency id of batch n.
std::string crash_batch_id(uint64_t n);
/// The records batch n writes, in write order.
std::vector<crash_record> crash_records(uint64_t n);
/// The batch that writes crash_records(n).
write_batch crash_batch(uint64_t n);

}  // namespace agora::storage::testing
